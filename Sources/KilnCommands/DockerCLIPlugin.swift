import Foundation
import KilnCore

/// Kiln installed as the Docker CLI plugin `docker-buildx`, so that
/// `docker buildx ...` runs it (docker/cli's plugin protocol):
/// - `docker-buildx docker-cli-plugin-metadata` prints the plugin's metadata
///   as JSON and nothing else;
/// - `docker buildx ARGS` runs `docker-buildx [DOCKER GLOBAL FLAGS] buildx ARGS`
///   with `DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND` set. The Docker CLI's
///   global flags become the environment variables they stand for;
/// - without that variable (run by hand) it is plain `kiln`.
enum DockerCLIPlugin {
  static let executableName = "docker-buildx"
  static let pluginName = "buildx"
  static let metadataCommand = "docker-cli-plugin-metadata"
  static let reexecVariable = "DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND"

  /// What the process should do.
  enum Invocation: Equatable {
    case metadata
    /// Run Kiln with these arguments after applying the environment changes (nil value: unset).
    case run(arguments: [String], environment: [String: String?])
  }

  /// True when the executable was started under the plugin's name.
  static func isPlugin(argv0: String) -> Bool {
    argv0.split(separator: "/").last.map(String.init) == executableName
  }

  /// The plugin metadata, formatted as the Go plugin framework writes it.
  static var metadataJSON: String {
    let fields = [
      ("SchemaVersion", "0.1.0"), ("Vendor", "Kiln"), ("Version", KilnVersion.current),
      ("ShortDescription", "Kiln: build with BuildKit, as docker buildx does"),
    ]
    let body = fields.map { "     \(JSONText.string($0.0, escapeHTML: false)): \(JSONText.string($0.1, escapeHTML: false))" }
    return "{\n" + body.joined(separator: ",\n") + "\n}\n"
  }

  /// Interprets the plugin's arguments (without argv[0]).
  static func invocation(arguments: [String], environment: Environment) throws -> Invocation {
    if arguments == [metadataCommand] { return .metadata }
    guard environment[reexecVariable] != nil else { return .run(arguments: arguments, environment: [:]) }
    var changes: [String: String?] = [:]
    var rest = arguments[...]
    while let argument = rest.first, argument.hasPrefix("-"), argument != "--" {
      rest = rest.dropFirst()
      let (flag, inline) = split(argument)
      func value() throws -> String {
        if let inline { return inline }
        guard let next = rest.first else { throw KilnError(.invalidArgument, "flag needs an argument: \(flag)") }
        rest = rest.dropFirst()
        return next
      }
      switch flag {
      case "--config": changes["DOCKER_CONFIG"] = try value()
      case "-c", "--context":
        changes["DOCKER_CONTEXT"] = try value()
        changes["DOCKER_HOST"] = .some(nil)
      case "-H", "--host":
        changes["DOCKER_HOST"] = try value()
        changes["DOCKER_CONTEXT"] = .some(nil)
      case "--tlsverify": if inline.map({ Bool(goBool: $0) != false }) ?? true { changes["DOCKER_TLS_VERIFY"] = "1" }
      case "--tls": if inline.map({ Bool(goBool: $0) != false }) ?? true { changes["DOCKER_TLS"] = "1" }
      case "-D", "--debug": break
      case "-l", "--log-level": _ = try value()
      case "--tlscacert", "--tlscert", "--tlskey":
        throw KilnError(.invalidArgument, "docker \(flag) is not supported with Kiln as docker-buildx: put ca.pem, cert.pem and key.pem in one directory and set DOCKER_CERT_PATH")
      default:
        throw KilnError(.invalidArgument, "unknown Docker CLI flag \(flag) before \(pluginName)")
      }
    }
    guard rest.first == pluginName else {
      throw KilnError(.invalidArgument, "docker-buildx was called without \"\(pluginName)\" after the Docker CLI's flags: \(arguments.joined(separator: " "))")
    }
    rest = rest.dropFirst()
    // buildx's own persistent flag before the verb (`docker buildx --builder x ls`).
    while let argument = rest.first, argument.hasPrefix("--builder") {
      let (flag, inline) = split(argument)
      guard flag == "--builder" else { break }
      rest = rest.dropFirst()
      if let inline {
        changes["BUILDX_BUILDER"] = inline
      } else if let next = rest.first {
        changes["BUILDX_BUILDER"] = next
        rest = rest.dropFirst()
      } else {
        throw KilnError(.invalidArgument, "flag needs an argument: --builder")
      }
    }
    return .run(arguments: Array(rest), environment: changes)
  }

  /// `--flag=value` into its parts; short flags may carry their value attached (`-cNAME`).
  private static func split(_ argument: String) -> (String, String?) {
    if argument.hasPrefix("--") {
      guard let eq = argument.firstIndex(of: "=") else { return (argument, nil) }
      return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
    }
    if argument.count > 2 { return (String(argument.prefix(2)), String(argument.dropFirst(2))) }
    return (argument, nil)
  }
}


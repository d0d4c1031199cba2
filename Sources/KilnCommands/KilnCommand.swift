public import ArgumentParser
import Foundation
import KilnCore

/// `kiln`: the root command and the place where errors become exit codes.
public struct KilnCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "kiln",
    abstract: "Build with BuildKit: a fast, compatible client for docker buildx users.",
    version: KilnVersion.current,
    subcommands: [
      BuildCommand.self, BakeCommand.self, VersionCommand.self, DiskUsageCommand.self, DebugCommand.self,
      CreateCommand.self, LsCommand.self, UseCommand.self, RmCommand.self, InspectCommand.self,
      StopCommand.self, PruneCommand.self, DialStdioCommand.self,
    ]
  )

  public init() {}

  /// Runs the process's command line: as `kiln`, or as the Docker CLI plugin
  /// when started as `docker-buildx` (see ``DockerCLIPlugin``).
  public static func runMain(commandLine: [String]) async {
    guard let argv0 = commandLine.first, DockerCLIPlugin.isPlugin(argv0: argv0) else {
      await runMain(arguments: Array(commandLine.dropFirst()))
      return
    }
    do {
      switch try DockerCLIPlugin.invocation(arguments: Array(commandLine.dropFirst()), environment: .current) {
      case .metadata:
        FileHandle.standardOutput.write(Data(DockerCLIPlugin.metadataJSON.utf8))
      case .run(let arguments, let environment):
        // Applied before any task or thread starts, so no one reads the environment meanwhile.
        for (name, value) in environment {
          if let value { setenv(name, value, 1) } else { unsetenv(name) }
        }
        await runMain(arguments: arguments)
      }
    } catch let error as KilnError {
      exit(with: error)
    } catch {
      exit(withError: error)
    }
  }

  /// Runs the command line, printing failures as buildx does (`ERROR: ...`
  /// on stderr, exit status 1); usage errors keep ArgumentParser's wording.
  public static func runMain(arguments: [String]? = nil) async {
    do {
      var command = try parseAsRoot(arguments)
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let error as KilnError {
      exit(with: error)
    } catch {
      exit(withError: error)
    }
  }
}

extension KilnCommand {
  /// Prints a failure as buildx does (its details, such as Dockerfile
  /// snippets, then `ERROR: ...` on stderr) and exits with its status.
  static func exit(with error: KilnError) -> Never {
    let text = error.details.joined() + "ERROR: \(error.description)\n"
    FileHandle.standardError.write(Data(text.utf8))
    Foundation.exit(error.exitStatus)
  }
}

/// Kiln's own version, printed by `kiln version` and `--version`.
public enum KilnVersion {
  public static let current = "0.1.0"
}

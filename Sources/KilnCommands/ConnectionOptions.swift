import ArgumentParser
import BuildKit
import Builders
import KilnCore
import Transport

/// How a command reaches BuildKit: buildctl's `--addr` and TLS flags, with
/// `BUILDKIT_HOST` and the local Docker Engine as fallbacks.
struct ConnectionOptions: ParsableArguments {
  @Option(name: .customLong("addr"), help: "BuildKit address (unix://, tcp://, docker://, docker-container://, ssh://, ...); default: $BUILDKIT_HOST, else the builder in use, else the Docker Engine, else unix:///run/buildkit/buildkitd.sock")
  var address: String?

  @Option(name: .customLong("builder"), help: "Builder instance to use (default: $BUILDX_BUILDER); ignored when --addr or $BUILDKIT_HOST is set")
  var builder: String?

  @Option(name: .customLong("tlscacert"), help: "CA certificate for TLS verification")
  var caCertificate: String?

  @Option(name: .customLong("tlscert"), help: "Client certificate for mutual TLS")
  var certificate: String?

  @Option(name: .customLong("tlskey"), help: "Client key for mutual TLS")
  var key: String?

  @Option(name: .customLong("tlsservername"), help: "Server name to verify in the TLS certificate")
  var serverName: String?

  @Option(help: "Time allowed to connect and for the daemon's first answer, e.g. 5s, 1m")
  var timeout: String = "20s"

  var tls: TLSFiles? {
    let files = TLSFiles(caCertificate: caCertificate, certificate: certificate, key: key, serverName: serverName)
    return files == TLSFiles() ? nil : files
  }

  /// The dialer for the BuildKit to use. Choices, used as they are (their
  /// failure is the error): `--addr`, `--builder`, `BUILDKIT_HOST`,
  /// `BUILDX_BUILDER`, the builder selected with `use`. With none of them,
  /// auto-detection: the Docker Engine's BuildKit, then buildkitd's default
  /// socket (``BuildKitDetection``).
  func dialer(environment: Environment) async throws -> any StreamDialer {
    try await chosen(environment: environment).dialer
  }

  /// The BuildKit to use and, when it is a builder's, which one (for buildx's
  /// `building with "NAME" instance using DRIVER driver` line).
  func chosen(environment: Environment) async throws -> ChosenBuildKit {
    let builders = BuilderResolver(environment: environment)
    if address == nil, let builder {
      return try await ChosenBuildKit(builders.resolve(name: builder))
    }
    if let address = address ?? environment["BUILDKIT_HOST"] {
      let parsed = try BuildKitAddress.parse(address)
      if case .builder(let name) = parsed { return try await ChosenBuildKit(builders.resolve(name: name)) }
      return ChosenBuildKit(dialer: try parsed.dialer(environment: environment, tls: tls, original: address), instance: nil)
    }
    if environment["BUILDX_BUILDER"] != nil {
      return try await ChosenBuildKit(builders.resolve(name: nil))
    }
    if let selected = try await builders.selectedBuilder() {
      return try await ChosenBuildKit(selected)
    }
    let dialer = try await BuildKitDetection(environment: environment, timeout: try connectTimeout()).dialer()
    // The engine found this way is the Docker context's own builder.
    let instance = dialer is DockerHijackDialer ? (name: environment["DOCKER_CONTEXT"] ?? "default", driver: "docker") : nil
    return ChosenBuildKit(dialer: dialer, instance: instance)
  }

  func connectTimeout() throws -> Duration {
    try DurationParser.parse(timeout, flag: "--timeout")
  }

  /// Connects and runs `body`; every failure becomes a `KilnError` naming the address.
  func withClient<T: Sendable>(_ body: (BuildKitClient) async throws -> T) async throws -> T {
    let environment = Environment.current
    let dialer = try await dialer(environment: environment)
    return try await BuildKitClient.withConnection(to: dialer, timeout: try connectTimeout(), body)
  }
}

/// Go-style durations as buildx's flags take them (`20s`, `1m30s`, `500ms`); a bare number is seconds.
enum DurationParser {
  static func parse(_ text: String, flag: String) throws -> Duration {
    if let seconds = Double(text), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
    var total = 0.0
    var number = ""
    var rest = Substring(text)
    guard !rest.isEmpty else { throw invalid(text, flag) }
    while !rest.isEmpty {
      number = String(rest.prefix { $0.isNumber || $0 == "." })
      rest = rest.dropFirst(number.count)
      let unit = String(rest.prefix { $0.isLetter || $0 == "µ" })
      rest = rest.dropFirst(unit.count)
      guard let value = Double(number) else { throw invalid(text, flag) }
      let scale: Double
      switch unit {
      case "ns": scale = 1e-9
      case "us", "µs": scale = 1e-6
      case "ms": scale = 1e-3
      case "s": scale = 1
      case "m": scale = 60
      case "h": scale = 3600
      default: throw invalid(text, flag)
      }
      total += value * scale
    }
    return .milliseconds(Int64(total * 1000))
  }

  private static func invalid(_ text: String, _ flag: String) -> KilnError {
    KilnError(.invalidArgument, "invalid duration \"\(text)\" for \(flag): use a number of seconds or a value like 20s, 1m30s, 500ms")
  }
}

/// A BuildKit chosen for a command, and the builder it belongs to, if any.
struct ChosenBuildKit {
  var dialer: any StreamDialer
  var instance: (name: String, driver: String)?
  /// The builder's `default-load` option (an address alone has none).
  var defaultLoad = false

  init(dialer: any StreamDialer, instance: (name: String, driver: String)?) {
    self.dialer = dialer
    self.instance = instance
  }

  init(_ builder: ResolvedBuilder) async throws {
    dialer = try await builder.dialer()
    instance = (builder.name, builder.nodeGroup.driver)
    defaultLoad = builder.defaultLoad
  }

  /// buildx's first plain progress line, without its `#0 `.
  var progressDescription: String? {
    instance.map { "building with \"\($0.name)\" instance using \($0.driver) driver" }
  }

  /// What the tty view shows at the right of its header.
  var consoleDescription: String? { instance.map { "\($0.driver):\($0.name)" } }
}

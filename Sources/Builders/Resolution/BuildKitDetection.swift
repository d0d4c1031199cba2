import BuildKit
public import KilnCore
public import Transport

/// Finds a BuildKit when nothing chose one (no `--addr`, `--builder`,
/// `BUILDKIT_HOST`, `BUILDX_BUILDER` and no builder selected with `use`),
/// as Copa does: the Docker Engine's embedded BuildKit, then buildkitd's
/// default socket. Each candidate is probed (dialed until the daemon's first
/// HTTP/2 frame); the first that answers wins. When none does, one error
/// names every candidate and why it failed.
public struct BuildKitDetection: Sendable {
  /// buildctl's default address (BuildKit's `appdefaults.Address` on Linux).
  public static let defaultBuildkitdAddress = "unix:///run/buildkit/buildkitd.sock"

  /// One place to look: where it came from and how to reach it (or why it cannot be).
  public struct Candidate: Sendable {
    public var source: String
    public var dialer: Result<any StreamDialer, KilnError>
  }

  public let environment: Environment
  public let timeout: Duration

  public init(environment: Environment, timeout: Duration) {
    self.environment = environment
    self.timeout = timeout
  }

  /// The candidates in order: the engine the Docker CLI would use, then the default socket.
  public func candidates() -> [Candidate] {
    let engine: Result<any StreamDialer, KilnError>
    do {
      let host = try DockerHost.resolve(environment: environment)
      engine = .success(DockerHijackDialer(engine: try host.apiDialer()))
    } catch {
      engine = .failure(error as? KilnError ?? KilnError(.invalidAddress, "cannot resolve the Docker Engine", underlying: error))
    }
    let socket = BuildKitAddress.unix(path: String(Self.defaultBuildkitdAddress.dropFirst("unix://".count)))
    let buildkitd: Result<any StreamDialer, KilnError>
    do {
      buildkitd = .success(try socket.dialer(environment: environment, original: Self.defaultBuildkitdAddress))
    } catch {
      buildkitd = .failure(error as? KilnError ?? KilnError(.invalidAddress, "invalid address \(Self.defaultBuildkitdAddress)", underlying: error))
    }
    return [
      Candidate(source: "the Docker Engine's BuildKit (\(engineSource))", dialer: engine),
      Candidate(source: "buildkitd's default socket", dialer: buildkitd),
    ]
  }

  /// Which setting picked the engine, as the Docker CLI reads them.
  var engineSource: String {
    if let host = environment["DOCKER_HOST"] { return "DOCKER_HOST=\(host)" }
    if let context = environment["DOCKER_CONTEXT"] { return "DOCKER_CONTEXT=\(context)" }
    if let context = try? DockerHost.resolve(environment: environment).contextName, context != "default" {
      return "current Docker context \(context)"
    }
    return "default Docker socket"
  }

  /// The first candidate whose daemon answers.
  public func dialer() async throws -> any StreamDialer {
    var failures: [String] = []
    for candidate in candidates() {
      switch candidate.dialer {
      case .failure(let error):
        failures.append("\(candidate.source): \(error.description)")
      case .success(let dialer):
        do {
          try await BuildKitClient.withConnection(to: dialer, timeout: timeout) { _ in }
          return dialer
        } catch {
          let reason = (error as? KilnError)?.description ?? String(describing: error)
          failures.append("\(candidate.source): \(reason)")
        }
      }
    }
    throw KilnError(
      .connection,
      "no BuildKit found (no --addr, --builder, BUILDKIT_HOST, BUILDX_BUILDER or current builder); tried " + failures.joined(separator: "; "))
  }
}

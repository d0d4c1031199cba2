public import BuildKit
public import KilnCore
public import Progress
public import Transport

/// The BuildKit a build runs on, and how its session reaches it.
public struct BuildNode: Sendable {
  public let dialer: any StreamDialer
  public let timeout: Duration
  /// The engine API whose `/session` endpoint carries the session, when the
  /// BuildKit is a Docker Engine's; otherwise the session rides `Control.Session`.
  public let engine: (any StreamDialer)?

  /// `KILN_SESSION_TRANSPORT=control` uses `Control.Session` on the engine too
  /// (which a standalone BuildKit needs and the engine also accepts).
  public init(dialer: any StreamDialer, timeout: Duration, environment: Environment) {
    self.dialer = dialer
    self.timeout = timeout
    engine = environment["KILN_SESSION_TRANSPORT"] == "control" ? nil : (dialer as? DockerHijackDialer)?.engine
  }

  /// Whether the BuildKit is a Docker Engine's (its `moby` exporter stores images).
  public var isEngine: Bool { dialer is DockerHijackDialer }
}

/// What a finished solve returned.
public struct BuildResult: Sendable {
  /// The build's ref, as buildx records it in the metadata file.
  public let ref: String
  /// The exporter response (`containerimage.digest`, ...).
  public let response: [String: String]
  /// What the file sync sent.
  public let counters: FileSyncCounters
}

/// Runs planned builds: one session per build serving its directories,
/// secrets, SSH agents and outputs, and one `Control.Solve`.
public enum BuildRunner {
  public static func run(
    _ plan: BuildPlan, on node: BuildNode, environment: Environment, progress: @escaping @Sendable (StatusUpdate) -> Void
  ) async throws -> BuildResult {
    var configured = BuildSession(
      name: plan.contextDirectory.split(separator: "/").last.map(String.init) ?? "context",
      sharedKey: BuildPlan.sharedKey(address: node.dialer.displayAddress, directory: plan.contextDirectory),
      directories: plan.localDirectories,
      output: plan.outputTarget
    )
    configured.secrets = plan.secrets
    configured.sshAgents = plan.sshAgents
    configured.environment = environment.values
    let session = configured
    let ref = BuildSession.randomID()
    let (engine, timeout) = (node.engine, node.timeout)
    let response = try await BuildKitClient.withConnection(to: node.dialer, timeout: timeout) { client in
      let exporterList = await client.supportsExporterList()
      let spec = SolveSpec(ref: ref, sessionID: session.id, frontendAttrs: plan.frontendAttrs, exports: plan.exports)
      let solve = { try await client.solve(spec, exporterList: exporterList, status: progress) }
      if let engine { return try await session.serve(throughEngine: engine, timeout: timeout, solve) }
      return try await session.serve(through: client, solve)
    }
    return BuildResult(ref: ref, response: response, counters: session.counters)
  }
}

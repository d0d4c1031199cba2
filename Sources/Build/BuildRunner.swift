public import BuildKit
import DockerEngine
import Foundation
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
      outputs: plan.outputTargets
    )
    configured.secrets = plan.secrets
    configured.sshAgents = plan.sshAgents
    if let upload = plan.upload { configured.uploads = [upload] }
    configured.environment = environment.values
    let credentials = try RegistryCredentials.load(environment: environment.values)
    configured.registryCredentials = credentials
    configured.contentStores = plan.contentStores.mapValues { OCILayoutStore(root: $0) }
    for warning in plan.warnings { FileHandle.standardError.write(Data("WARNING: \(warning)\n".utf8)) }
    let session = configured
    defer { plan.cleanUp() }
    let ref = BuildSession.randomID()
    let (engine, timeout) = (node.engine, node.timeout)
    let response = try await BuildKitClient.withConnection(to: node.dialer, timeout: timeout) { client in
      let features = await client.features()
      if plan.exports.count > 1, !features.multipleExporters { throw BuildPlan.multipleOutputsUnsupported }
      let exporterList = features.exporterList
      var spec = SolveSpec(ref: ref, sessionID: session.id, frontendAttrs: plan.frontendAttrs, exports: plan.exports, entitlements: plan.entitlements)
      spec.cacheImports = plan.cacheImports.map(\.spec)
      spec.cacheExports = plan.cacheExports.map(\.spec)
      let solve = { try await client.solve(spec, exporterList: exporterList, status: progress) }
      if let engine { return try await session.serve(throughEngine: engine, timeout: timeout, solve) }
      return try await session.serve(through: client, solve)
    }
    for warning in try plan.updateLayoutIndexes(response: response) {
      FileHandle.standardError.write(Data("WARNING: \(warning)\n".utf8))
    }
    var result = response
    if !plan.pushNames.isEmpty, let engine = (node.dialer as? DockerHijackDialer)?.engine {
      result = try await push(plan.pushNames, through: DockerEngine(dialer: engine, requestTimeout: .seconds(600)), credentials: credentials, response: response, progress: progress)
    }
    if let tarball = plan.loadTarball {
      try await load(tarball, into: DockerEngine(host: try DockerHost.resolve(environment: environment), requestTimeout: .seconds(600)), progress: progress)
    }
    return BuildResult(ref: ref, response: result, counters: session.counters)
  }

  /// Pushes the built image through the engine's API, as buildx does for its
  /// docker driver (the engine's BuildKit v0.8 stores images but cannot push),
  /// with the registry's credentials in `X-Registry-Auth`. The response then
  /// names the registry's manifest digest, the image ID moving to the config digest.
  static func push(
    _ names: [String], through engine: DockerEngine, credentials: RegistryCredentials,
    response: [String: String], progress: @escaping @Sendable (StatusUpdate) -> Void
  ) async throws -> [String: String] {
    var response = response
    var firstDigest: String?
    for name in names {
      let vertex = "kiln-push-" + name
      let started = Date()
      progress(StatusUpdate(vertexes: [.init(digest: vertex, name: "pushing \(name) with docker", started: started)]))
      do {
        let auth = RegistryCredentials.registryAuthHeader(try await credentials.lookup(RegistryCredentials.authHost(forRegistry: registry(of: name))))
        try await engine.pushImage(name, registryAuth: auth)
        if firstDigest == nil { firstDigest = try await engine.distributionDigest(name, registryAuth: auth) }
      } catch {
        progress(StatusUpdate(vertexes: [.init(digest: vertex, name: "pushing \(name) with docker", started: started, completed: Date(), error: "\(error)")]))
        throw error
      }
      progress(StatusUpdate(vertexes: [.init(digest: vertex, name: "pushing \(name) with docker", started: started, completed: Date())]))
    }
    if let firstDigest {
      if response["containerimage.config.digest"] == nil, let id = response["containerimage.digest"] {
        response["containerimage.config.digest"] = id
      }
      response["containerimage.digest"] = firstDigest
    }
    return response
  }

  /// `--load` from a standalone BuildKit: the docker exporter's tarball,
  /// streamed into the engine as buildx does (`POST /images/load`).
  static func load(_ tarball: String, into engine: DockerEngine, progress: @escaping @Sendable (StatusUpdate) -> Void) async throws {
    let vertex = "kiln-load-" + tarball
    let started = Date()
    progress(StatusUpdate(vertexes: [.init(digest: vertex, name: "importing to docker", started: started)]))
    do {
      try await engine.loadImage(tarballAt: tarball)
    } catch {
      progress(StatusUpdate(vertexes: [.init(digest: vertex, name: "importing to docker", started: started, completed: Date(), error: "\(error)")]))
      throw error
    }
    progress(StatusUpdate(vertexes: [.init(digest: vertex, name: "importing to docker", started: started, completed: Date())]))
  }

  /// The registry host of an image reference (`docker.io` when it names none).
  static func registry(of reference: String) -> String {
    guard let slash = reference.firstIndex(of: "/") else { return "docker.io" }
    let first = reference[..<slash]
    return first.contains(".") || first.contains(":") || first == "localhost" ? String(first) : "docker.io"
  }
}

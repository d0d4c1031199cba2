import DockerEngine
import Foundation
public import KilnCore
public import Transport

/// `docker-container`: BuildKit in a container `buildx_buildkit_<node>` of
/// the node's Docker Engine, with its state in the volume
/// `buildx_buildkit_<node>_state`, reached by `buildctl dial-stdio` through
/// `docker exec`.
public struct DockerContainerDriver: Driver {
  public var name: String { "docker-container" }
  public var allowsInstances: Bool { true }

  public init() {}

  public func validate(_ node: NodeGroup.Node) throws(KilnError) {
    _ = try DockerContainerSettings(options: node.driverOptions)
  }

  func engine(_ context: NodeContext) throws -> DockerEngine {
    try DockerEngine(host: DockerEndpoint.host(context.node.endpoint, environment: context.environment))
  }

  public func status(_ context: NodeContext) async throws -> NodeStatus {
    guard let container = try await engine(context).inspectContainer(DockerContainerSettings.containerName(node: context.node.name)) else {
      return .inactive
    }
    return container.state.running ? .running : .stopped
  }

  public func bootstrap(_ context: NodeContext) async throws {
    let engine = try engine(context)
    let name = DockerContainerSettings.containerName(node: context.node.name)
    if try await engine.inspectContainer(name) == nil {
      try await create(context, engine: engine, name: name)
    }
    try await engine.startContainer(name)
    try await waitUntilReady(engine: engine, name: name)
  }

  /// Creates the container as buildx does; the image must be present (or pullable).
  func create(_ context: NodeContext, engine: DockerEngine, name: String) async throws {
    let settings = try DockerContainerSettings(options: context.node.driverOptions)
    if try await engine.inspectImage(settings.image) == nil {
      do {
        try await engine.call("POST", "/images/create", query: [("fromImage", settings.image)])
      } catch {
        throw KilnError(.notFound, "image \(settings.image) for builder node \(context.node.name) is not on the Docker Engine and cannot be pulled", underlying: error)
      }
    }
    let info = try? await engine.info()
    let userns = info?.securityOptions?.contains { $0.contains("name=userns") } ?? false
    let config = settings.containerConfig(
      node: context.node.name,
      buildkitdFlags: context.node.buildkitdFlags,
      hasConfigFile: context.node.files["buildkitd.toml"] != nil,
      cgroupDriver: info?.cgroupDriver,
      usernsRemap: userns
    )
    do {
      try await engine.createContainer(name: name, config: config)
    } catch let error as KilnError where error.message.contains("Conflict") || error.message.contains("already in use") {
      return  // another process created it first
    }
    if !context.node.files.isEmpty {
      // Unpacked under /etc, so the entries are buildkit/<file>.
      let files = Dictionary(uniqueKeysWithValues: context.node.files.map { ("buildkit/" + $0.key, $0.value) })
      try await engine.copyToContainer(name, path: "/etc", tar: TarArchive.make(files: files))
    }
  }

  /// Polls `buildctl debug workers` in the container, backing off as buildx does (15 tries).
  func waitUntilReady(engine: DockerEngine, name: String) async throws {
    var last: DockerEngine.ExecResult?
    for attempt in 1...16 {
      do {
        let result = try await engine.exec(name, ["buildctl", "debug", "workers"])
        if result.exitCode == 0 { return }
        last = result
      } catch let error as KilnError where attempt < 16 {
        _ = error
      }
      try await Task.sleep(for: .milliseconds(attempt * 120))
    }
    let detail = last.map { ($0.stderrText + $0.stdoutText).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    throw KilnError(.daemon, "BuildKit in container \(name) did not become ready (buildctl debug workers failed\(detail.isEmpty ? "" : ": " + detail))")
  }

  public func stop(_ context: NodeContext) async throws {
    let engine = try engine(context)
    let name = DockerContainerSettings.containerName(node: context.node.name)
    if try await engine.inspectContainer(name)?.state.running == true {
      try await engine.stopContainer(name)
    }
  }

  public func remove(_ context: NodeContext, keepState: Bool, keepDaemon: Bool, force: Bool) async throws {
    guard !keepDaemon else { return }
    let engine = try engine(context)
    let name = DockerContainerSettings.containerName(node: context.node.name)
    guard let container = try await engine.inspectContainer(name) else { return }
    try await engine.removeContainer(name, force: true, volumes: true)
    let volume = DockerContainerSettings.volumeName(node: context.node.name)
    if !keepState, container.mounts.contains(where: { $0.name == volume }) {
      try await engine.removeVolume(volume)
    }
  }

  /// `docker exec -i <container> buildctl dial-stdio`, with the Docker CLI
  /// pointed at the node's engine.
  public func dialer(_ context: NodeContext) throws -> any StreamDialer {
    let endpoint = context.node.endpoint
    var environment = context.environment.values
    var target: [String]
    if endpoint.contains("://") {
      target = ["--host", endpoint]
      environment["DOCKER_CONTEXT"] = nil
    } else if endpoint.isEmpty {
      target = []
    } else {
      target = ["--context", endpoint]
      environment["DOCKER_HOST"] = nil
    }
    let container = DockerContainerSettings.containerName(node: context.node.name)
    return ProcessDialer(
      executable: "docker",
      arguments: target + ["exec", "-i", container, "buildctl", "dial-stdio"],
      environment: environment,
      displayAddress: "docker-container://\(container)"
    )
  }
}

import Foundation
public import KilnCore
public import Transport

/// A builder ready to use: its node group (from the store, or the default
/// builder of a Docker context) and its driver.
public struct ResolvedBuilder: Sendable {
  public var nodeGroup: NodeGroup
  /// True for the builder a Docker context implies (driver `docker`), which has no store file.
  public var fromDockerContext: Bool
  public var driver: any Driver
  public var environment: Environment

  public var name: String { nodeGroup.name }

  public init(nodeGroup: NodeGroup, fromDockerContext: Bool, driver: any Driver, environment: Environment) {
    self.nodeGroup = nodeGroup
    self.fromDockerContext = fromDockerContext
    self.driver = driver
    self.environment = environment
  }

  public func context(for node: NodeGroup.Node) -> NodeContext {
    NodeContext(builderName: nodeGroup.name, node: node, environment: environment)
  }

  /// The `default-load` driver option of the node builds run on: without an
  /// output, the image is loaded into the Docker Engine.
  public var defaultLoad: Bool {
    nodeGroup.nodes.first?.driverOptions["default-load"].flatMap { Bool(goBool: $0) } ?? false
  }

  /// The first node's stream, booting the node first if its daemon is not running.
  public func dialer(bootstrap: Bool = true) async throws -> any StreamDialer {
    guard let node = nodeGroup.nodes.first else {
      throw KilnError(.notFound, "builder \(name) has no nodes")
    }
    let context = context(for: node)
    if bootstrap, try await driver.status(context) != .running {
      try await driver.bootstrap(context)
    }
    return try driver.dialer(context)
  }
}

/// Finds the builder a command uses, as buildx does: `--builder`, else
/// `BUILDX_BUILDER`, else the store's current builder for this Docker
/// endpoint, else the default builder of the current Docker context.
public struct BuilderResolver: Sendable {
  public let store: Store
  public let environment: Environment

  public init(environment: Environment, store: Store? = nil) {
    self.environment = environment
    self.store = store ?? Store.default(environment: environment)
  }

  /// The key buildx files the current builder under: the Docker endpoint.
  public func currentKey() throws -> String {
    try DockerEndpoint.current(environment: environment)
  }

  public func resolve(name explicit: String?) async throws -> ResolvedBuilder {
    let name = explicit ?? environment["BUILDX_BUILDER"]
    return try await store.withTransaction { tx in
      if let name {
        if let group = try tx.nodeGroupIfPresent(named: name) { return try resolved(group, fromContext: false) }
        if contextNames().contains(name) { return try resolved(Self.contextBuilder(name), fromContext: true) }
        throw KilnError(.notFound, "no builder \"\(name)\" found")
      }
      if let group = try tx.current(key: try currentKey()) { return try resolved(group, fromContext: false) }
      let context = try DockerHost.resolve(environment: environment).contextName
      return try resolved(Self.contextBuilder(context), fromContext: true)
    }
  }

  /// The builder selected in the store for this Docker endpoint (`use`), or
  /// nil when none is, so the endpoint's own engine would be used. An
  /// endpoint that cannot be resolved has no selection here; the caller's
  /// engine lookup reports why.
  public func selectedBuilder() async throws -> ResolvedBuilder? {
    guard let key = try? currentKey() else { return nil }
    return try await store.withTransaction { tx in
      try tx.current(key: key).map { try resolved($0, fromContext: false) }
    }
  }

  func resolved(_ group: NodeGroup, fromContext: Bool) throws -> ResolvedBuilder {
    ResolvedBuilder(nodeGroup: group, fromDockerContext: fromContext, driver: try Drivers.named(group.driver), environment: environment)
  }

  /// The builder a Docker context implies: named after it, one `docker` node.
  public static func contextBuilder(_ context: String) -> NodeGroup {
    NodeGroup(name: context, driver: "docker", nodes: [NodeGroup.Node(name: context, endpoint: context)])
  }

  /// `default` and the contexts in the Docker CLI's context store, sorted.
  public func contextNames() -> [String] {
    let root = environment.dockerConfigDirectory + "/contexts/meta"
    var names = ["default"]
    for digest in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
      guard let data = FileManager.default.contents(atPath: "\(root)/\(digest)/meta.json"),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let name = object["Name"] as? String, !names.contains(name)
      else { continue }
      names.append(name)
    }
    return ["default"] + names.dropFirst().sorted()
  }

  /// Resolves `buildx://NAME` (or the current builder for `buildx://`).
  public func dialer(forBuilderAddress name: String?) async throws -> any StreamDialer {
    try await resolve(name: name).dialer()
  }
}

public import KilnCore
public import Transport

/// `docker`: the BuildKit embedded in a Docker Engine, one builder per
/// Docker context, named after it. It has no options and no lifecycle.
public struct DockerDriver: Driver {
  public var name: String { "docker" }
  public var allowsInstances: Bool { false }

  public init() {}

  public func validate(_ node: NodeGroup.Node) throws(KilnError) {
    if let option = node.driverOptions.keys.sorted().first {
      throw KilnError(.invalidArgument, "invalid driver option \(option) for docker driver")
    }
    if !node.files.isEmpty {
      throw KilnError(.invalidArgument, "the docker driver uses the Docker Engine's own BuildKit, which does not take a BuildKit config file; use --driver docker-container for --buildkitd-config")
    }
    if !node.buildkitdFlags.isEmpty {
      throw KilnError(.invalidArgument, "the docker driver does not take --buildkitd-flags; use --driver docker-container")
    }
  }

  public func status(_ context: NodeContext) async throws -> NodeStatus {
    // The engine either answers or the node errs; reachability is checked by the caller's dial.
    .running
  }

  public func bootstrap(_ context: NodeContext) async throws {}
  public func stop(_ context: NodeContext) async throws {}
  public func remove(_ context: NodeContext, keepState: Bool, keepDaemon: Bool, force: Bool) async throws {}

  public func dialer(_ context: NodeContext) throws -> any StreamDialer {
    DockerHijackDialer(engine: try DockerEndpoint.host(context.node.endpoint, environment: context.environment).apiDialer())
  }
}

/// A node endpoint naming a Docker Engine: a Docker context name, or a host
/// address such as `unix:///var/run/docker.sock` (what buildx stores when
/// the current context is `default`).
public enum DockerEndpoint {
  public static func host(_ endpoint: String, environment: Environment) throws -> DockerHost {
    if endpoint.contains("://") { return DockerHost(host: endpoint) }
    return try DockerHost.resolve(environment: environment, context: endpoint.isEmpty ? nil : endpoint)
  }

  /// The endpoint buildx records for the current engine: the context name,
  /// or for the `default` context its host.
  public static func current(environment: Environment) throws -> String {
    let host = try DockerHost.resolve(environment: environment)
    return host.contextName == "default" ? host.host : host.contextName
  }
}

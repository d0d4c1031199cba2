public import KilnCore
public import Transport

/// What one node of a builder is doing, as `ls` and `inspect` show it.
public enum NodeStatus: String, Sendable {
  case inactive, starting, running, stopping, stopped
}

/// Everything a driver needs to act on one node.
public struct NodeContext: Sendable {
  public var builderName: String
  public var node: NodeGroup.Node
  public var environment: Environment

  public init(builderName: String, node: NodeGroup.Node, environment: Environment) {
    self.builderName = builderName
    self.node = node
    self.environment = environment
  }
}

/// A way of running BuildKit for a builder node. A driver mostly knows how to
/// dial a byte stream to its daemon (docker/buildx's `driver.Driver`), plus
/// the lifecycle its daemon has: none for `remote`, the engine's for
/// `docker`, a container for `docker-container`.
public protocol Driver: Sendable {
  var name: String { get }
  /// Whether more than one builder may use it (the `docker` driver is one per context).
  var allowsInstances: Bool { get }
  /// Checks the node's driver options, flags and files at `create` time.
  func validate(_ node: NodeGroup.Node) throws(KilnError)
  func status(_ context: NodeContext) async throws -> NodeStatus
  /// Starts the daemon (creating it if needed) and waits until it answers.
  func bootstrap(_ context: NodeContext) async throws
  func stop(_ context: NodeContext) async throws
  /// Removes the daemon; `keepState` keeps its cache, `keepDaemon` keeps it all.
  func remove(_ context: NodeContext, keepState: Bool, keepDaemon: Bool, force: Bool) async throws
  /// The stream to the node's BuildKit.
  func dialer(_ context: NodeContext) throws -> any StreamDialer
}

/// The drivers Kiln has, in one static list (no registration by side effect).
public enum Drivers {
  public static let all: [any Driver] = [DockerDriver(), DockerContainerDriver(), RemoteDriver()]

  public static var names: [String] { all.map(\.name) }

  public static func named(_ name: String) throws(KilnError) -> any Driver {
    guard let driver = all.first(where: { $0.name == name }) else {
      throw KilnError(.invalidArgument, "failed to find driver \"\(name)\" (known drivers: \(names.joined(separator: ", ")))")
    }
    return driver
  }
}

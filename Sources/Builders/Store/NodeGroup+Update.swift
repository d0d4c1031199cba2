public import KilnCore

#if canImport(FoundationEssentials)
  public import FoundationEssentials
#else
  public import Foundation
#endif

/// What `create` asks of a node group, mirroring the arguments of buildx's
/// `NodeGroup.Update`. `nil` means "flag not given", which for an existing
/// node keeps the stored value.
public struct NodeUpdate: Sendable {
  /// `--node`; empty means "the next generated name" (`<builder><n>`).
  public var nodeName: String
  public var endpoint: String
  /// Whether `endpoint` came from the user (or the remote driver) rather
  /// than being the current Docker endpoint; only then does it replace an
  /// existing node's endpoint.
  public var endpointIsSet: Bool
  /// `--platform` values, unparsed (commas allowed, `local` accepted).
  public var platforms: [String]
  /// `--append`: add a node instead of replacing the group's only node.
  public var append: Bool
  public var buildkitdFlags: [String]?
  /// The loaded `--buildkitd-config` files (`buildkitd.toml` and the
  /// certificates it names); merged into an existing node's files.
  public var configFiles: [String: Data]?
  public var driverOptions: [String: String]?

  public init(
    nodeName: String = "",
    endpoint: String,
    endpointIsSet: Bool,
    platforms: [String] = [],
    append: Bool = false,
    buildkitdFlags: [String]? = nil,
    configFiles: [String: Data]? = nil,
    driverOptions: [String: String]? = nil
  ) {
    self.nodeName = nodeName
    self.endpoint = endpoint
    self.endpointIsSet = endpointIsSet
    self.platforms = platforms
    self.append = append
    self.buildkitdFlags = buildkitdFlags
    self.configFiles = configFiles
    self.driverOptions = driverOptions
  }
}

extension NodeGroup {
  /// Applies `create` to the group with buildx's rules:
  /// - a node with `nodeName` is updated in place (only the settings given);
  /// - otherwise a node is added, named `nodeName` or `<builder><n>`; without
  ///   `append` that is only allowed while the group has no nodes;
  /// - endpoints must be unique, and the platforms given to this node are
  ///   taken away from every other node, so each platform has one owner.
  /// On error the group is left unchanged. Returns true when an existing
  /// node's daemon settings changed, so the builder must restart to use them.
  @discardableResult
  public mutating func update(_ change: NodeUpdate) throws(KilnError) -> Bool {
    if dynamic {
      throw KilnError(.unsupported, "builder \"\(name)\" has dynamic nodes, which cannot be updated")
    }
    let platforms = try Platform.parseList(change.platforms)
    var group = self
    var needsRestart = false
    let index: Int
    if let existing = group.nodes.firstIndex(where: { $0.name == change.nodeName }) {
      var node = group.nodes[existing]
      if change.endpointIsSet {
        node.endpoint = change.endpoint
        needsRestart = true
      }
      if !change.platforms.isEmpty { node.platforms = platforms }
      if let flags = change.buildkitdFlags {
        node.buildkitdFlags = flags
        needsRestart = true
      }
      if let options = change.driverOptions {
        node.driverOptions = options
        needsRestart = true
      }
      if let files = change.configFiles {
        node.files.merge(files) { _, new in new }
        needsRestart = true
      }
      group.nodes[existing] = node
      index = existing
    } else {
      if !change.append && !group.nodes.isEmpty {
        throw KilnError(.notFound, "node \"\(change.nodeName)\" not found in builder \"\(name)\", did you mean to append?")
      }
      let nodeName = try BuilderName.validate(change.nodeName.isEmpty ? group.nextNodeName() : change.nodeName, kind: "node")
      group.nodes.append(
        Node(
          name: nodeName,
          endpoint: change.endpoint,
          platforms: platforms,
          driverOptions: change.driverOptions ?? [:],
          buildkitdFlags: change.buildkitdFlags ?? [],
          files: change.configFiles ?? [:]
        )
      )
      index = group.nodes.count - 1
    }
    try group.claimEndpointAndPlatforms(endpoint: change.endpoint, node: index)
    self = group
    return needsRestart
  }

  /// Removes a node (`create --leave`). The last node cannot leave: remove
  /// the builder instead.
  public mutating func leave(node nodeName: String) throws(KilnError) {
    if dynamic {
      throw KilnError(.unsupported, "builder \"\(name)\" has dynamic nodes, which cannot leave")
    }
    guard let index = nodes.firstIndex(where: { $0.name == nodeName }) else {
      throw KilnError(.notFound, "node \"\(nodeName)\" not found in builder \"\(name)\"")
    }
    guard nodes.count > 1 else {
      throw KilnError(.invalidArgument, "cannot remove the last node of builder \"\(name)\"; remove the builder instead")
    }
    nodes.remove(at: index)
  }

  /// `<builder name><n>` in lower case for the smallest n not already
  /// taken, e.g. `mybuilder0`. (buildx compares before lower-casing, so a
  /// builder named with capitals could get the same node name twice.)
  public func nextNodeName() -> String {
    let base = name.lowercased()
    var i = 0
    while nodes.contains(where: { $0.name.lowercased() == "\(base)\(i)" }) { i += 1 }
    return "\(base)\(i)"
  }

  /// buildx checks the endpoint passed to the update (even when it did not
  /// replace the node's own) and moves this node's platforms off the others.
  private mutating func claimEndpointAndPlatforms(endpoint: String, node index: Int) throws(KilnError) {
    if nodes.count(where: { $0.endpoint == endpoint }) > 1 {
      throw KilnError(.invalidArgument, "invalid duplicate endpoint \(endpoint) in builder \"\(name)\"")
    }
    let claimed = Set(nodes[index].platforms.map(\.description))
    for i in nodes.indices where i != index {
      nodes[i].platforms.removeAll { claimed.contains($0.description) }
    }
  }
}

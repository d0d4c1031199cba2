public import KilnCore

#if canImport(FoundationEssentials)
  public import FoundationEssentials
#else
  public import Foundation
#endif

/// A builder instance as buildx stores it in `instances/<name>`: a named
/// group of BuildKit nodes sharing one driver.
///
/// The JSON field names are buildx's Go field names (`Name`, `Driver`,
/// `Nodes`, `Dynamic`); fields this version does not know are kept and
/// written back, so a rewrite by Kiln loses nothing a newer buildx stored.
public struct NodeGroup: Sendable, Equatable {
  /// The name as the user typed it; the file name is its lower-case form.
  public var name: String
  public var driver: String
  public var nodes: [Node]
  /// Nodes are discovered at run time (buildx's kubernetes "loadbalance"
  /// style); such groups cannot be updated node by node.
  public var dynamic: Bool
  /// When the builder was last saved or used (`activity/<name>`); not part
  /// of the instance file.
  public var lastActivity: Date?

  var unknownFields: [GoJSONMember] = []

  public init(name: String, driver: String, nodes: [Node] = [], dynamic: Bool = false, lastActivity: Date? = nil) {
    self.name = name
    self.driver = driver
    self.nodes = nodes
    self.dynamic = dynamic
    self.lastActivity = lastActivity
  }
}

extension NodeGroup {
  /// One BuildKit daemon of a builder (buildx's `store.Node`).
  public struct Node: Sendable, Equatable {
    public var name: String
    /// Driver-specific address: a Docker endpoint or context for
    /// docker-container, a `tcp://`/`unix://` BuildKit address for remote.
    public var endpoint: String
    /// Platforms set by the user with `--platform`; empty means "whatever the
    /// daemon reports".
    public var platforms: [Platform]
    public var driverOptions: [String: String]
    /// `--buildkitd-flags`, stored under the JSON name `Flags`.
    public var buildkitdFlags: [String]
    /// The BuildKit config (`buildkitd.toml`) and the certificates it refers
    /// to, by path relative to `/etc/buildkit` in the daemon's container.
    public var files: [String: Data]

    var unknownFields: [GoJSONMember] = []

    public init(
      name: String,
      endpoint: String,
      platforms: [Platform] = [],
      driverOptions: [String: String] = [:],
      buildkitdFlags: [String] = [],
      files: [String: Data] = [:]
    ) {
      self.name = name
      self.endpoint = endpoint
      self.platforms = platforms
      self.driverOptions = driverOptions
      self.buildkitdFlags = buildkitdFlags
      self.files = files
    }
  }
}

// MARK: - JSON

extension NodeGroup {
  static let knownFields = ["Name", "Driver", "Nodes", "Dynamic"]

  /// The instance file's bytes, exactly as buildx's `json.Marshal` writes them.
  var encoded: [UInt8] { json.goEncoded }

  var json: GoJSON {
    .object(
      [
        GoJSONMember("Name", .string(name)),
        GoJSONMember("Driver", .string(driver)),
        GoJSONMember("Nodes", .goArray(nodes.map(\.json))),
        GoJSONMember("Dynamic", .bool(dynamic)),
      ] + unknownFields
    )
  }

  init(json: GoJSON) throws(GoJSONShapeError) {
    let fields = try GoJSONFields(json, path: "")
    var nodes: [Node] = []
    for (i, node) in try fields.array("Nodes").enumerated() {
      nodes.append(try Node(json: node, path: "Nodes[\(i)]"))
    }
    self.init(name: try fields.string("Name"), driver: try fields.string("Driver"), nodes: nodes, dynamic: try fields.bool("Dynamic"))
    unknownFields = fields.members.goUnknownFields(known: Self.knownFields)
  }
}

extension NodeGroup.Node {
  static let knownFields = ["Name", "Endpoint", "Platforms", "DriverOpts", "Flags", "Files"]

  var json: GoJSON {
    .object(
      [
        GoJSONMember("Name", .string(name)),
        GoJSONMember("Endpoint", .string(endpoint)),
        GoJSONMember("Platforms", .goArray(platforms.map(\.json))),
        GoJSONMember("DriverOpts", .goMap(driverOptions.mapValues { .string($0) })),
        GoJSONMember("Flags", .goArray(buildkitdFlags.map { .string($0) })),
        GoJSONMember("Files", .goMap(files.mapValues { .string($0.base64EncodedString()) })),
      ] + unknownFields
    )
  }

  init(json: GoJSON, path: String) throws(GoJSONShapeError) {
    let fields = try GoJSONFields(json, path: path)
    var platforms: [Platform] = []
    for (i, platform) in try fields.array("Platforms").enumerated() {
      platforms.append(try Platform(json: platform, path: fields.fieldPath("Platforms[\(i)]")))
    }
    self.init(
      name: try fields.string("Name"),
      endpoint: try fields.string("Endpoint"),
      platforms: platforms,
      driverOptions: try fields.stringMap("DriverOpts"),
      buildkitdFlags: try fields.strings("Flags"),
      files: try fields.bytesMap("Files")
    )
    unknownFields = fields.members.goUnknownFields(known: Self.knownFields)
  }
}

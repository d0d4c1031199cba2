public import KilnCore

/// The result of listing the store: every builder that loaded, and one
/// failure per file that did not, so one damaged file hides only itself.
public struct NodeGroupListing: Sendable {
  /// Sorted by name, as buildx sorts them.
  public var nodeGroups: [NodeGroup]
  public var failures: [Failure]

  /// A file under `instances/` that could not be loaded.
  public struct Failure: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var error: KilnError
    public var description: String { error.description }
  }
}

extension StoreTransaction {
  /// All builders. Temporary files left by an interrupted write are
  /// skipped; entries that are not named like builders, or cannot be read
  /// or parsed, are reported in `failures`.
  public func list() throws(KilnError) -> NodeGroupListing {
    let directory = store.instancesDirectory
    let names: [String]
    do {
      names = try StoreFileSystem.listDirectory(directory)
    } catch {
      throw KilnError(.io, "cannot list builders in \(directory)", underlying: error)
    }
    var listing = NodeGroupListing(nodeGroups: [], failures: [])
    for name in names where !name.hasPrefix(".tmp-") {
      let path = directory + "/" + name
      guard BuilderName.isValid(name) else {
        listing.failures.append(.init(path: path, error: KilnError(.invalidArgument, "\(path) is not named like a builder")))
        continue
      }
      // buildx looks every entry up by its lower-case name; a file whose
      // name has capitals is not reachable that way, so report it.
      guard name == name.lowercased() else {
        listing.failures.append(.init(path: path, error: KilnError(.invalidArgument, "\(path): builder file names must be lower case")))
        continue
      }
      do {
        listing.nodeGroups.append(try load(fileName: name))
      } catch {
        listing.failures.append(.init(path: path, error: error))
      }
    }
    listing.nodeGroups.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    listing.failures.sort { $0.path < $1.path }
    return listing
  }

  /// The builder called `name` (case-insensitively); a `notFound` error
  /// when there is none.
  public func nodeGroup(named name: String) throws(KilnError) -> NodeGroup {
    try load(fileName: BuilderName.validate(name))
  }

  /// The builder called `name`, or nil when there is none; other failures
  /// (a damaged file) still throw.
  public func nodeGroupIfPresent(named name: String) throws(KilnError) -> NodeGroup? {
    do {
      return try nodeGroup(named: name)
    } catch  where error.code == .notFound {
      return nil
    }
  }

  /// Writes the builder's instance file (replacing any previous one) and
  /// records now as its last activity, as buildx's `Save` does.
  public func save(_ nodeGroup: NodeGroup) throws(KilnError) {
    let fileName = try BuilderName.validate(nodeGroup.name)
    try updateLastActivity(of: nodeGroup)
    try write(store.instancesDirectory + "/" + fileName, nodeGroup.encoded, what: "builder")
  }

  /// Removes the builder, its activity record and its build history
  /// (`refs/<name>`). Removing a builder that does not exist is not an
  /// error; the result says whether there was one.
  @discardableResult
  public func remove(named name: String) throws(KilnError) -> Bool {
    let fileName = try BuilderName.validate(name)
    let path = store.instancesDirectory + "/" + fileName
    // buildx records activity under the name as typed but removes it under
    // the lower-case one; remove both so no record is orphaned.
    var activityNames = [fileName]
    if let stored = try? load(fileName: fileName), stored.name != fileName, BuilderName.isValid(stored.name) {
      activityNames.append(stored.name)
    }
    for activity in activityNames { try removeLastActivity(fileName: activity) }
    try removeLocalState(builder: fileName)
    let existed = StoreFileSystem.exists(path)
    do {
      try StoreFileSystem.removeTree(path)
    } catch {
      throw KilnError(.io, "cannot remove builder \(path)", underlying: error)
    }
    return existed
  }

  /// Reads and parses `instances/<fileName>`, then its activity record.
  func load(fileName: String) throws(KilnError) -> NodeGroup {
    let path = store.instancesDirectory + "/" + fileName
    let bytes: [UInt8]
    do {
      bytes = try StoreFileSystem.readFile(path)
    } catch {
      if error.isNotFound { throw KilnError(.notFound, "no builder \"\(fileName)\" found", underlying: error) }
      throw KilnError(.io, "cannot read builder file \(path)", underlying: error)
    }
    var nodeGroup: NodeGroup
    do {
      nodeGroup = try NodeGroup(json: GoJSON(parsing: bytes))
    } catch {
      throw KilnError(.io, "builder file \(path) is damaged", underlying: error)
    }
    nodeGroup.lastActivity = try lastActivity(of: nodeGroup.name)
    return nodeGroup
  }
}

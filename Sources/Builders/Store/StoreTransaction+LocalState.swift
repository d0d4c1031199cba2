public import KilnCore

/// buildx's "local state": `refs/<builder>/<node>/<ref>` JSON records of
/// past builds (context and Dockerfile paths), grouped by bake runs in
/// `refs/__group__/<id>` (`{"Targets":[...],"Refs":["builder/node/ref",...]}`).
/// Only the clean-up that `rm` and `--leave` need lives here.
extension StoreTransaction {
  /// Forgets the build history of one node, as `create --leave` does. A
  /// bake group is removed when every ref it lists belonged to this node.
  public func removeLocalState(builder: String, node: String) throws(KilnError) {
    guard !builder.isEmpty, !node.isEmpty, !builder.contains("/"), !node.contains("/") else {
      throw KilnError(.invalidArgument, "invalid builder or node name for build history: \"\(builder)\" \"\(node)\"")
    }
    let directory = store.refsDirectory + "/" + builder + "/" + node
    guard StoreFileSystem.isDirectory(directory) else { return }
    let refs: [String]
    do {
      refs = try StoreFileSystem.listDirectory(directory)
    } catch {
      throw KilnError(.io, "cannot list build history \(directory)", underlying: error)
    }
    // Refs of this node per group; unreadable refs are skipped, which can
    // only keep a group alive, never delete one still in use.
    var groupMembers: [String: Int] = [:]
    for ref in refs {
      guard let bytes = try? StoreFileSystem.readFile(directory + "/" + ref),
        let fields = try? GoJSONFields(GoJSON(parsing: bytes), path: ""),
        let group = try? fields.string("GroupRef"), !group.isEmpty, !group.contains("/")
      else { continue }
      groupMembers[group, default: 0] += 1
    }
    let groupDirectory = store.refsDirectory + "/__group__"
    for (group, count) in groupMembers {
      let path = groupDirectory + "/" + group
      guard let bytes = try? StoreFileSystem.readFile(path),
        let fields = try? GoJSONFields(GoJSON(parsing: bytes), path: ""),
        let listed = try? fields.strings("Refs"), listed.count == count
      else { continue }
      try? StoreFileSystem.removeFile(path)
    }
    do {
      try StoreFileSystem.removeTree(directory)
    } catch {
      throw KilnError(.io, "cannot remove build history \(directory)", underlying: error)
    }
  }

  /// Forgets the build history of every node of `builder`, as `rm` does.
  func removeLocalState(builder: String) throws(KilnError) {
    let directory = store.refsDirectory + "/" + builder
    guard StoreFileSystem.isDirectory(directory) else { return }
    let nodes: [String]
    do {
      nodes = try StoreFileSystem.listDirectory(directory)
    } catch {
      throw KilnError(.io, "cannot list build history \(directory)", underlying: error)
    }
    for node in nodes where StoreFileSystem.isDirectory(directory + "/" + node) {
      try removeLocalState(builder: builder, node: node)
    }
    do {
      try StoreFileSystem.removeTree(directory)
    } catch {
      throw KilnError(.io, "cannot remove build history \(directory)", underlying: error)
    }
  }
}

public import KilnCore

/// The contents of `<root>/current`: which builder `use` selected, for which
/// Docker endpoint (`key`: the context name, or the daemon address for the
/// `default` context), and whether the choice applies to every endpoint.
public struct CurrentSelection: Sendable, Equatable {
  public var key: String
  /// Empty when the endpoint's own (context) builder is in use.
  public var name: String
  public var global: Bool

  public init(key: String, name: String, global: Bool) {
    self.key = key
    self.name = name
    self.global = global
  }

  var json: GoJSON {
    .object([GoJSONMember("Key", .string(key)), GoJSONMember("Name", .string(name)), GoJSONMember("Global", .bool(global))])
  }

  init(json: GoJSON) throws(GoJSONShapeError) {
    let fields = try GoJSONFields(json, path: "")
    self.init(key: try fields.string("Key"), name: try fields.string("Name"), global: try fields.bool("Global"))
  }
}

extension StoreTransaction {
  /// The raw `current` file, or nil when there is none.
  public func currentSelection() throws(KilnError) -> CurrentSelection? {
    let path = store.currentPath
    let bytes: [UInt8]?
    do {
      bytes = try StoreFileSystem.readIfExists(path)
    } catch {
      throw KilnError(.io, "cannot read \(path)", underlying: error)
    }
    guard let bytes else { return nil }
    do {
      return try CurrentSelection(json: GoJSON(parsing: bytes))
    } catch {
      throw KilnError(.io, "builder store file \(path) is damaged", underlying: error)
    }
  }

  /// Records `use`: writes `current`, and makes `name` the endpoint's
  /// default (`defaults/<hash of key>`) when `isDefault`, else forgets any
  /// default for it.
  public func setCurrent(key: String, name: String, global: Bool, default isDefault: Bool) throws(KilnError) {
    try write(store.currentPath, CurrentSelection(key: key, name: name, global: global).json.goEncoded, what: "current builder")
    let defaultPath = defaultsPath(key: key)
    if isDefault {
      try write(defaultPath, Array(name.utf8), what: "default builder")
    } else {
      // buildx ignores a failure here too: a stale default only changes
      // which builder a later `use`-less run falls back to.
      try? StoreFileSystem.removeFile(defaultPath)
    }
  }

  /// The builder in use for endpoint `key`, or nil for the endpoint's own
  /// builder, with buildx's precedence:
  /// 1. a global selection whose builder still exists;
  /// 2. the selection made for this key (nil if that builder is gone or
  ///    unreadable; the defaults are then not consulted);
  /// 3. the default recorded for this key, which then becomes the selection.
  /// Like buildx, this rewrites `current` when it falls back to step 3.
  public func current(key: String) throws(KilnError) -> NodeGroup? {
    if let selection = try currentSelection(), !selection.name.isEmpty {
      if selection.global, let nodeGroup = try? nodeGroup(named: selection.name) {
        return nodeGroup
      }
      if selection.key == key {
        return try? nodeGroup(named: selection.name)
      }
    }
    let path = defaultsPath(key: key)
    let bytes: [UInt8]?
    do {
      bytes = try StoreFileSystem.readIfExists(path)
    } catch {
      throw KilnError(.io, "cannot read default builder \(path)", underlying: error)
    }
    guard let bytes else {
      try write(store.currentPath, CurrentSelection(key: key, name: "", global: false).json.goEncoded, what: "current builder")
      return nil
    }
    let name = String(decoding: bytes, as: UTF8.self)
    let nodeGroup = try? self.nodeGroup(named: name)
    try setCurrent(key: key, name: name, global: false, default: true)
    return nodeGroup
  }

  /// `defaults/` files are named by the first 20 hex digits of the key's
  /// SHA-256, so any endpoint string makes a safe file name.
  func defaultsPath(key: String) -> String {
    store.defaultsDirectory + "/" + String(SHA256Hasher.hex(Array(key.utf8)).prefix(20))
  }
}

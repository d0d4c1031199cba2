public import KilnCore

#if canImport(FoundationEssentials)
  public import FoundationEssentials
#else
  public import Foundation
#endif

extension StoreTransaction {
  /// Records `date` as the builder's last use (`activity/<name>`). buildx
  /// names this file after the builder as typed, not lower-cased.
  public func updateLastActivity(of nodeGroup: NodeGroup, at date: Date = Date()) throws(KilnError) {
    _ = try BuilderName.validate(nodeGroup.name)
    let path = store.activityDirectory + "/" + nodeGroup.name
    try write(path, Array(RFC3339.format(date).utf8), what: "builder activity")
  }

  /// When the builder stored under `name` (as typed) was last used; nil if
  /// never recorded. A malformed record is an error, as in buildx.
  public func lastActivity(of name: String) throws(KilnError) -> Date? {
    guard BuilderName.isValid(name) else { return nil }
    let path = store.activityDirectory + "/" + name
    let bytes: [UInt8]?
    do {
      bytes = try StoreFileSystem.readIfExists(path)
    } catch {
      throw KilnError(.io, "cannot read builder activity \(path)", underlying: error)
    }
    guard let bytes else { return nil }
    let text = String(decoding: bytes, as: UTF8.self)
    guard let date = RFC3339.parse(text) else {
      throw KilnError(.io, "builder activity file \(path) is damaged: \"\(text.prefix(64))\" is not an RFC 3339 time")
    }
    return date
  }

  func removeLastActivity(fileName: String) throws(KilnError) {
    let path = store.activityDirectory + "/" + fileName
    do {
      try StoreFileSystem.removeTree(path)
    } catch {
      throw KilnError(.io, "cannot remove builder activity \(path)", underlying: error)
    }
  }
}

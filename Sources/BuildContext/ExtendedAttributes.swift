#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CKilnSystem
public import KilnCore

/// A file's extended attributes, read and written without following
/// symlinks, as fsutil carries them in a STAT (`xattrs`).
public enum ExtendedAttributes {
  /// All of `path`'s attributes but macOS's own (`com.apple.*`, which fsutil
  /// skips). A file system without them gives none; an attribute that
  /// vanishes between listing and reading is left out.
  public static func read(_ path: String) throws(KilnError) -> [String: [UInt8]] {
    // Sized first: most entries of a context have none, and then nothing is
    // allocated (this runs once per entry on every build).
    var names: [CChar] = []
    var length = 0
    while true {
      let needed = llistxattr(path, nil as UnsafeMutablePointer<CChar>?, 0)
      guard needed > 0 else {
        if needed < 0, errno != ENOTSUP, errno != ENOENT { throw listError(path) }
        return [:]
      }
      names = [CChar](repeating: 0, count: needed)
      length = llistxattr(path, &names, needed)
      if length >= 0 { break }
      // ERANGE: the list grew since it was sized; size it again.
      guard errno == ERANGE else {
        if errno == ENOTSUP || errno == ENOENT { return [:] }
        throw listError(path)
      }
    }
    guard length > 0 else { return [:] }
    var attributes: [String: [UInt8]] = [:]
    let bytes = names.prefix(length).map { UInt8(bitPattern: $0) }
    for raw in bytes.split(separator: 0) {
      let name = String(decoding: raw, as: UTF8.self)
      if name.hasPrefix("com.apple.") { continue }
      if let value = value(path, name) { attributes[name] = value }
    }
    return attributes
  }

  private static func listError(_ path: String) -> KilnError {
    KilnError(.io, "cannot list the extended attributes of \(path): \(String(cString: strerror(errno)))")
  }

  private static func value(_ path: String, _ name: String) -> [UInt8]? {
    let size = lgetxattr(path, name, nil as UnsafeMutableRawPointer?, 0)
    guard size >= 0 else { return nil }
    var value = [UInt8](repeating: 0, count: max(size, 1))
    let read = lgetxattr(path, name, &value, value.count)
    guard read >= 0 else { return nil }
    return Array(value.prefix(read))
  }

  /// Sets each attribute on `path`; failures are ignored, as fsutil's
  /// writer ignores them (`security.*` and `trusted.*` need privileges,
  /// some file systems have no attributes).
  public static func write(_ attributes: [String: [UInt8]], to path: String) {
    for (name, value) in attributes {
      _ = value.withUnsafeBytes { lsetxattr(path, name, $0.baseAddress, $0.count, 0) }
    }
  }
}

import KilnCore
import Testing

@testable import Builders

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A store in a fresh temporary directory, removed when the test ends.
struct TemporaryStore {
  let store: Store
  var root: String { store.root }

  static func with<R>(_ body: (TemporaryStore) async throws -> R) async throws -> R {
    var template = Array("/tmp/kiln-store-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else {
      throw KilnError(.io, "mkdtemp failed", underlying: SystemCallError(call: "mkdtemp", path: "/tmp", errno: errno))
    }
    let root = String(cString: made)
    defer { try? StoreFileSystem.removeTree(root) }
    return try await body(TemporaryStore(store: Store(root: root + "/buildx")))
  }

  /// Writes `text` to `relativePath` under the store root as another tool
  /// (buildx) would, creating directories on the way.
  func put(_ relativePath: String, _ text: String) throws {
    let path = root + "/" + relativePath
    try StoreFileSystem.makeDirectories(StoreFileSystem.split(path).directory, owner: nil)
    try StoreFileSystem.atomicWrite(path, Array(text.utf8), owner: nil)
  }

  func contents(_ relativePath: String) throws -> String? {
    try StoreFileSystem.readIfExists(root + "/" + relativePath).map { String(decoding: $0, as: UTF8.self) }
  }

  func exists(_ relativePath: String) -> Bool { StoreFileSystem.exists(root + "/" + relativePath) }

  func entries(_ relativeDirectory: String) throws -> [String] {
    try StoreFileSystem.listDirectory(root + "/" + relativeDirectory).sorted()
  }
}

/// Top-level keys of a JSON object, in file order.
func jsonKeys(_ text: String) throws -> [String] {
  guard case .object(let members) = try GoJSON(parsing: Array(text.utf8)) else { return [] }
  return members.map(\.key)
}

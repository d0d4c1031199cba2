import BuildContext
import Foundation
import Testing

/// Extended attributes travel in the STATs of a context walk and are set
/// again on what is received. `user.*` attributes need no privilege.
struct ExtendedAttributesTests {
  @Test func walkCarriesAttributesAndWriteRestoresThem() async throws {
    let root = try ContextWalkerTests.makeContext(["tagged": "x", "plain": "y", "dir/": ""])
    defer { try? FileManager.default.removeItem(atPath: root) }
    let attributes: [String: [UInt8]] = ["user.kiln": Array("hello".utf8), "user.empty": []]
    ExtendedAttributes.write(attributes, to: root + "/tagged")
    ExtendedAttributes.write(["user.d": [1, 2, 0, 3]], to: root + "/dir")
    guard try ExtendedAttributes.read(root + "/tagged") == attributes else {
      // A file system without user attributes (tmpfs on old kernels): nothing to check here.
      try #require(try ExtendedAttributes.read(root + "/tagged").isEmpty)
      return
    }
    var seen: [String: [String: [UInt8]]] = [:]
    try await ContextWalker(root: root, filter: ContextFilter()).walk { seen[$0.path] = $0.xattrs }
    #expect(seen["tagged"] == attributes)
    #expect(seen["plain"] == [:])
    #expect(seen["dir"] == ["user.d": [1, 2, 0, 3]])
    // A symlink's own attributes are read, not its target's.
    try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: "tagged")
    #expect(try ExtendedAttributes.read(root + "/link") == [:])
  }

  @Test func missingPathHasNone() throws {
    #expect(try ExtendedAttributes.read("/nonexistent/kiln-\(UUID().uuidString)") == [:])
  }
}

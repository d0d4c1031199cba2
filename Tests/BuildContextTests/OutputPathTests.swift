import BuildContext
import Foundation
import Testing

/// A local output never writes outside its destination.
struct OutputPathTests {
  @Test(arguments: ["../x", "a/../../x", "/etc/passwd", "", "a/./b", "link/file"])
  func rejected(_ path: String) throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-out-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: "/tmp")
    #expect(throws: (any Error).self) { try OutputPath(root: root).resolve(path) }
  }

  @Test func accepted() throws {
    let out = OutputPath(root: "/dest/")
    #expect(try out.resolve("a/b.txt") == "/dest/a/b.txt")
    #expect(try out.resolve("a//b") == "/dest/a/b")
  }
}

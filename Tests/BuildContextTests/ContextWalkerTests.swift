import BuildContext
import Foundation
import Testing

/// The walk order and filters fsutil's receiver expects.
struct ContextWalkerTests {
  /// Makes a context from `files` (path → content; a trailing '/' makes a directory).
  static func makeContext(_ files: [String: String]) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-walk-\(UUID().uuidString)").path
    for (path, content) in files {
      let url = URL(fileURLWithPath: root + "/" + path)
      if path.hasSuffix("/") {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      } else {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
      }
    }
    return root
  }

  static func paths(_ root: String, _ filter: ContextFilter = ContextFilter()) async throws -> [String] {
    var out: [String] = []
    try await ContextWalker(root: root, filter: filter).walk { out.append($0.path) }
    return out
  }

  @Test func depthFirstByteOrderDirectoriesFirst() async throws {
    let root = try Self.makeContext(["a.txt": "", "a/b": "", "B": "", "a/c/d": "", "empty/": ""])
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(try await Self.paths(root) == ["B", "a", "a/b", "a/c", "a/c/d", "a.txt", "empty"])
  }

  @Test func modesSizesAndSymlinks() async throws {
    let root = try Self.makeContext(["f": "hello", "d/": ""])
    defer { try? FileManager.default.removeItem(atPath: root) }
    try FileManager.default.createSymbolicLink(atPath: root + "/l", withDestinationPath: "f")
    chmod(root + "/f", 0o640)
    var entries: [String: FileEntry] = [:]
    try await ContextWalker(root: root).walk { entries[$0.path] = $0 }
    #expect(entries["f"]?.mode == 0o640)
    #expect(entries["f"]?.size == 5)
    #expect(entries["f"]?.hasContent == true)
    #expect((entries["d"]?.mode ?? 0) & GoFileMode.dir != 0)
    #expect(entries["l"]?.linkname == "f")
    #expect((entries["l"]?.mode ?? 0) & GoFileMode.symlink != 0)
    #expect((entries["f"]?.modTime ?? 0) > 1_600_000_000_000_000_000)
  }

  @Test func excludesWithReincludes() async throws {
    let root = try Self.makeContext(["keep.txt": "", "drop.log": "", "logs/a.log": "", "logs/keep/x.log": "", "src/deep/y.log": "", "src/z.go": ""])
    defer { try? FileManager.default.removeItem(atPath: root) }
    let filter = ContextFilter(excludePatterns: ["**/*.log", "logs", "!logs/keep"])
    #expect(try await Self.paths(root, filter) == ["keep.txt", "logs", "logs/keep", "logs/keep/x.log", "src", "src/deep", "src/z.go"])
  }

  @Test func includesKeepParents() async throws {
    let root = try Self.makeContext(["Dockerfile": "", "other": "", "sub/Dockerfile": "", "sub/x": ""])
    defer { try? FileManager.default.removeItem(atPath: root) }
    #expect(try await Self.paths(root, ContextFilter(includePatterns: ["sub/Dockerfile"])) == ["sub", "sub/Dockerfile"])
    #expect(try await Self.paths(root, ContextFilter(includePatterns: ["Dockerfile", ".dockerignore"])) == ["Dockerfile"])
  }

  @Test func chunksStreamWholeFile() throws {
    let root = try Self.makeContext(["big": String(repeating: "x", count: 100_000)])
    defer { try? FileManager.default.removeItem(atPath: root) }
    let chunks = try FileChunks(path: root + "/big")
    var total = 0, count = 0
    while let chunk = try chunks.next() {
      total += chunk.count
      count += 1
    }
    #expect(total == 100_000)
    #expect(count == 4)
  }
}

/// BuildKit v0.8 loads the Dockerfile with follow paths only.
struct FollowPathTests {
  @Test func followPathsAloneRestrictTheWalk() async throws {
    let root = try ContextWalkerTests.makeContext(["Dockerfile": "", "big/a": "", "b[1]": "", "other": ""])
    defer { try? FileManager.default.removeItem(atPath: root) }
    let paths = try await ContextWalkerTests.paths(root, ContextFilter(followPaths: ["Dockerfile", "Dockerfile.dockerignore", "b[1]"]))
    #expect(paths == ["Dockerfile", "b[1]"])
  }
}

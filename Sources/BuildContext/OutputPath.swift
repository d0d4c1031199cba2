#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KilnCore

/// Where an entry sent by the daemon may be written in a local output:
/// strictly inside the destination, never through a symlink, whatever the
/// daemon sends (`..`, absolute paths, links that lead out).
public struct OutputPath: Sendable {
  public let root: String

  public init(root: String) {
    self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
  }

  /// The absolute path for `relative`, or an error naming the offending entry.
  public func resolve(_ relative: String) throws -> String {
    let reject = { (why: String) in
      KilnError(.daemon, "refusing to write \"\(relative)\" outside the output directory \(root): \(why)")
    }
    guard !relative.isEmpty, !relative.hasPrefix("/") else { throw reject("absolute or empty path") }
    let parts = relative.split(separator: "/", omittingEmptySubsequences: true)
    guard !parts.isEmpty else { throw reject("empty path") }
    for part in parts where part == ".." || part == "." {
      throw reject("the path contains \"\(part)\"")
    }
    // Every existing parent must be a real directory, not a symlink that could lead elsewhere.
    var path = root
    for part in parts.dropLast() {
      path += "/" + part
      var st = stat()
      if lstat(path, &st) == 0, st.st_mode & S_IFMT != S_IFDIR {
        throw reject("\(path) is not a directory (a symlink cannot be written through)")
      }
    }
    return root + "/" + parts.joined(separator: "/")
  }
}

/// Go's `path.Clean`: the shortest equivalent slash-separated path.
public enum GoPath {
  public static func clean(_ path: String) -> String {
    if path.isEmpty { return "." }
    let rooted = path.hasPrefix("/")
    var out: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      switch part {
      case ".": continue
      case "..":
        if let last = out.last, last != ".." {
          out.removeLast()
        } else if !rooted {
          out.append(part)
        }
      default: out.append(part)
      }
    }
    let joined = out.joined(separator: "/")
    if rooted { return "/" + joined }
    return joined.isEmpty ? "." : joined
  }
}

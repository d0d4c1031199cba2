/// `.dockerignore` patterns with moby/patternmatcher's semantics: rules apply
/// in order, a later rule overrides an earlier one, `!` re-includes, `**`
/// spans directories, and a rule that matches a directory matches everything
/// beneath it.
///
/// Pure and allocation-light: paths are matched byte by byte, without regular
/// expressions, because every entry of a large context is checked.
public struct PatternMatcher: Sendable {
  struct Rule: Sendable {
    var glob: [UInt8]
    var exclusion: Bool
    /// How many path components the rule spans, for matching a parent directory.
    var depth: Int
  }

  let rules: [Rule]

  /// Whether any rule starts with `!`, so an excluded directory may still hold included entries.
  public var hasExclusions: Bool { rules.contains { $0.exclusion } }
  public var isEmpty: Bool { rules.isEmpty }

  public init(_ patterns: [String]) {
    var rules: [Rule] = []
    for raw in patterns {
      var text = Substring(raw)
      var exclusion = false
      if text.first == "!" {
        exclusion = true
        text = text.dropFirst()
      }
      let cleaned = PathText.clean(String(text))
      let glob = cleaned.hasPrefix("/") ? String(cleaned.dropFirst()) : cleaned
      if glob.isEmpty || glob == "." { continue }
      rules.append(Rule(glob: Array(glob.utf8), exclusion: exclusion, depth: glob.split(separator: "/").count))
    }
    self.rules = rules
  }

  /// `path` as a pattern matching only itself (follow paths are literal).
  public static func escaped(_ path: String, keepGlobs: Bool) -> String {
    if keepGlobs { return path }
    var out = ""
    for c in path {
      if "*?[\\".contains(c) { out.append("\\") }
      out.append(c)
    }
    return out
  }

  /// Whether `path` (relative, `/`-separated, clean) is matched by the rules.
  public func matches(_ path: String) -> Bool {
    let bytes = Array(path.utf8)
    // Offsets just past each '/' of the parent path, to cut the parent at a given depth.
    var slashes: [Int] = []
    for (i, b) in bytes.enumerated() where b == UInt8(ascii: "/") { slashes.append(i) }
    var matched = false
    for rule in rules {
      // An include cannot change an already-included path, nor an exclusion an unmatched one.
      if rule.exclusion != matched { continue }
      var hit = Glob.match(rule.glob, bytes[...])
      if !hit, !slashes.isEmpty, rule.depth <= slashes.count {
        hit = Glob.match(rule.glob, bytes[..<slashes[rule.depth - 1]])
      }
      if hit { matched = !rule.exclusion }
    }
    return matched
  }

  /// Whether some rule could match an entry below directory `dir`: used to
  /// decide if an excluded directory must still be walked, or if an
  /// include-only walk can skip a directory.
  public func mayMatchBelow(_ dir: String, exclusionsOnly: Bool) -> Bool {
    let parts = dir.split(separator: "/").map { Array($0.utf8) }
    for rule in rules where !exclusionsOnly || rule.exclusion {
      if Glob.prefixCouldMatch(rule.glob, parts) { return true }
    }
    return false
  }
}

/// Glob matching as patternmatcher's regular expressions define it:
/// `*` and `?` stop at `/`, `**/` matches zero or more directories, a
/// trailing `**` matches anything, `[...]` is a character class, `\` escapes.
enum Glob {
  static func match(_ p: [UInt8], _ s: ArraySlice<UInt8>) -> Bool {
    matchFrom(p, p.startIndex, s, s.startIndex)
  }

  private static let slash = UInt8(ascii: "/")
  private static let star = UInt8(ascii: "*")

  private static func matchFrom(_ p: [UInt8], _ pi0: Int, _ s: ArraySlice<UInt8>, _ si0: Int) -> Bool {
    var pi = pi0, si = si0
    while pi < p.count {
      let c = p[pi]
      if c == star {
        if pi + 1 < p.count, p[pi + 1] == star {
          let rest = pi + 2
          if rest == p.count { return true }
          if p[rest] == slash {
            // `**/`: zero directories, or anything ending in '/'.
            if matchFrom(p, rest + 1, s, si) { return true }
            var j = si
            while j < s.endIndex {
              if s[j] == slash, matchFrom(p, rest + 1, s, j + 1) { return true }
              j += 1
            }
            return false
          }
          var j = si
          while j <= s.endIndex {
            if matchFrom(p, rest, s, j) { return true }
            j += 1
          }
          return false
        }
        var j = si
        while true {
          if matchFrom(p, pi + 1, s, j) { return true }
          if j >= s.endIndex || s[j] == slash { return false }
          j += 1
        }
      }
      guard si < s.endIndex else { return false }
      switch c {
      case UInt8(ascii: "?"):
        if s[si] == slash { return false }
        pi += 1
      case UInt8(ascii: "["):
        guard let (ok, next) = matchClass(p, pi, s[si]) else {
          // An unterminated class is a literal '['.
          if s[si] != c { return false }
          pi += 1
          break
        }
        if !ok { return false }
        pi = next
      case UInt8(ascii: "\\") where pi + 1 < p.count:
        if s[si] != p[pi + 1] { return false }
        pi += 2
      default:
        if s[si] != c { return false }
        pi += 1
      }
      si += 1
    }
    return si == s.endIndex
  }

  /// Matches one byte against the class starting at `p[start] == "["`; returns
  /// the result and the index after `]`, or nil when the class is unterminated.
  private static func matchClass(_ p: [UInt8], _ start: Int, _ b: UInt8) -> (Bool, Int)? {
    var i = start + 1
    var negate = false
    if i < p.count, p[i] == UInt8(ascii: "^") || p[i] == UInt8(ascii: "!") {
      negate = true
      i += 1
    }
    var found = false
    var first = true
    while i < p.count {
      var lo = p[i]
      if lo == UInt8(ascii: "]"), !first { return (found != negate, i + 1) }
      first = false
      if lo == UInt8(ascii: "\\"), i + 1 < p.count {
        i += 1
        lo = p[i]
      }
      var hi = lo
      if i + 2 < p.count, p[i + 1] == UInt8(ascii: "-"), p[i + 2] != UInt8(ascii: "]") {
        hi = p[i + 2]
        i += 2
      }
      if lo <= b && b <= hi { found = true }
      i += 1
    }
    return nil
  }

  /// Whether a path below the directory with components `dir` could match
  /// `p`: each leading pattern component matches the directory's, or a `**`
  /// is reached.
  static func prefixCouldMatch(_ p: [UInt8], _ dir: [[UInt8]]) -> Bool {
    let parts = p.split(separator: slash, omittingEmptySubsequences: false).map { Array($0) }
    for (i, component) in dir.enumerated() {
      guard i < parts.count else { return false }
      if parts[i].contains(star), parts[i].count >= 2, parts[i].firstRange(of: [star, star]) != nil { return true }
      if !match(parts[i], component[...]) { return false }
    }
    return parts.count > dir.count
  }
}

/// Lexical path cleaning as Go's `path.Clean` does it.
public enum PathText {
  public static func clean(_ path: String) -> String {
    if path.isEmpty { return "." }
    let rooted = path.hasPrefix("/")
    var out: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      if part == "." { continue }
      if part == ".." {
        if let last = out.last, last != ".." {
          out.removeLast()
        } else if !rooted {
          out.append(part)
        }
        continue
      }
      out.append(part)
    }
    let joined = out.joined(separator: "/")
    if rooted { return "/" + joined }
    return joined.isEmpty ? "." : joined
  }
}

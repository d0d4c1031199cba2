/// Semantic versions and constraint checks in the style of Masterminds/semver (used by
/// buildx's `semvercmp`): `>=1.2, <2`, `~1.2.3`, `^1.2`, `1.x`, `1.2 - 1.4`, `a || b`.
struct SemVer: Comparable {
  var major: Int, minor: Int, patch: Int
  var pre: [String]

  init?(_ text: String) {
    var s = Substring(text)
    if s.hasPrefix("v") || s.hasPrefix("V") { s = s.dropFirst() }
    if let plus = s.firstIndex(of: "+") { s = s[..<plus] }
    var prerelease: Substring = ""
    if let dash = s.firstIndex(of: "-") {
      prerelease = s[s.index(after: dash)...]
      s = s[..<dash]
    }
    let nums = s.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...3).contains(nums.count) else { return nil }
    var vals: [Int] = []
    for n in nums {
      // Bounded so that bumping a component (`^`, `~`, wildcards) cannot overflow.
      guard let v = Int(n), v >= 0, v < 1 << 53 else { return nil }
      vals.append(v)
    }
    while vals.count < 3 { vals.append(0) }
    (major, minor, patch) = (vals[0], vals[1], vals[2])
    pre = prerelease.isEmpty ? [] : prerelease.split(separator: ".").map(String.init)
  }

  init(_ major: Int, _ minor: Int, _ patch: Int, pre: [String] = []) {
    (self.major, self.minor, self.patch, self.pre) = (major, minor, patch, pre)
  }

  static func < (a: SemVer, b: SemVer) -> Bool {
    if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) { return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
    if a.pre.isEmpty || b.pre.isEmpty { return !a.pre.isEmpty && b.pre.isEmpty }
    for (x, y) in zip(a.pre, b.pre) where x != y {
      switch (Int(x), Int(y)) {
      case (let i?, let j?): return i < j
      case (.some, nil): return true
      case (nil, .some): return false
      default: return x < y
      }
    }
    return a.pre.count < b.pre.count
  }

  static func satisfies(_ v: SemVer, _ constraint: String) throws(FunctionError) -> Bool {
    for alternative in constraint.split(separator: "||") {
      if try allOf(v, String(alternative)) { return true }
    }
    return false
  }

  private static func allOf(_ v: SemVer, _ group: String) throws(FunctionError) -> Bool {
    // Hyphen ranges first: "1.2 - 1.4.5".
    let parts = group.split(separator: " - ")
    if parts.count == 2 {
      let low = try check(v, ">=", parts[0].trimmed)
      let high = try check(v, "<=", parts[1].trimmed)
      return low && high
    }
    // Terms are separated by commas or spaces; an operator may be followed by a space.
    var terms: [String] = []
    var pending = ""
    for raw in group.split(whereSeparator: { $0 == "," || $0 == " " }) {
      let t = String(raw)
      if t.allSatisfy({ "<>=!~^".contains($0) }) {
        pending = t
        continue
      }
      terms.append(pending + t)
      pending = ""
    }
    guard !terms.isEmpty else { throw FunctionError("improper constraint: \(group)", argument: 1) }
    for t in terms {
      let op = String(t.prefix { "<>=!~^".contains($0) })
      if try !check(v, op, String(t.dropFirst(op.count))) { return false }
    }
    return true
  }

  /// Checks one `op version` term; `x`, `X` and `*` are wildcards.
  private static func check(_ v: SemVer, _ op: String, _ text: String) throws(FunctionError) -> Bool {
    var t = Substring(text)
    if t.hasPrefix("v") { t = t.dropFirst() }
    let nums = t.split(separator: "-", maxSplits: 1).first?.split(separator: ".") ?? []
    let wildcard = { (s: Substring) in s == "x" || s == "X" || s == "*" }
    let given = nums.prefix { !wildcard($0) }.count
    if t == "*" || t.isEmpty || given == 0 { return op != "<" && op != "!=" }
    let exact = given == 3 ? String(t) : nums.prefix(given).joined(separator: ".")
    guard let c = SemVer(exact) else {
      throw FunctionError("improper constraint: \(op)\(text)", argument: 1)
    }
    // A prerelease version only satisfies constraints that mention a prerelease.
    if !v.pre.isEmpty && c.pre.isEmpty { return false }
    let upper: SemVer =
      given == 1 ? SemVer(c.major + 1, 0, 0) : given == 2 ? SemVer(c.major, c.minor + 1, 0) : SemVer(c.major, c.minor, c.patch + 1)
    switch op {
    case "", "=": return given == 3 ? v == c : (v >= c && v < upper)
    case "!=": return given == 3 ? v != c : !(v >= c && v < upper)
    case ">": return given == 3 ? v > c : v >= upper
    case ">=", "=>": return v >= c
    case "<": return v < c
    case "<=", "=<": return given == 3 ? v <= c : v < upper
    case "~", "~>":
      let top = given == 1 ? SemVer(c.major + 1, 0, 0) : SemVer(c.major, c.minor + 1, 0)
      return v >= c && v < top
    case "^":
      let top = c.major > 0 || given == 1 ? SemVer(c.major + 1, 0, 0) : c.minor > 0 || given == 2 ? SemVer(0, c.minor + 1, 0) : SemVer(0, 0, c.patch + 1)
      return v >= c && v < top
    default: throw FunctionError("improper constraint: \(op)\(text)", argument: 1)
    }
  }
}

extension Substring {
  fileprivate var trimmed: String { String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
}

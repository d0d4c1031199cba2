import Foundation

extension Stdlib {
  static let regexes: [String: Function] = [
    "regex": fn([P("pattern", .string), P("string", .string)]) { a throws(FunctionError) in
      let re = try compile(a[0].s)
      let s = a[1].s
      guard let m = re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) else {
        throw FunctionError("pattern did not match any part of the given string")
      }
      return captures(re, pattern: a[0].s, m, in: s)
    },
    "regexall": fn([P("pattern", .string), P("string", .string)]) { a throws(FunctionError) in
      let re = try compile(a[0].s)
      let s = a[1].s
      let ms = re.matches(in: s, range: NSRange(s.startIndex..., in: s))
      let vals = ms.map { captures(re, pattern: a[0].s, $0, in: s) }
      return .list(vals, vals.first?.type ?? resultType(re, pattern: a[0].s))
    },
    "regex_replace": fn([P("str", .string), P("substr", .string), P("replace", .string)]) { a throws(FunctionError) in
      let re = try compile(a[1].s)
      let s = a[0].s
      return .string(re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: template(a[2].s)))
    },
  ]

  /// RE2 spells named groups `(?P<name>…)`; ICU wants `(?<name>…)`.
  private static func compile(_ pattern: String) throws(FunctionError) -> NSRegularExpression {
    do {
      return try NSRegularExpression(pattern: pattern.replacing("(?P<", with: "(?<"))
    } catch {
      throw FunctionError("invalid regular expression pattern: \(pattern)", argument: 0)
    }
  }

  /// Named groups in order, skipping escaped parentheses and lookbehinds.
  private static func groupNames(_ pattern: String) -> [String] {
    var names: [String] = []
    let c = Array(pattern)
    var i = 0
    while i < c.count {
      if c[i] == "\\" {
        i += 2
        continue
      }
      if c[i] == "(", i + 2 < c.count, c[i + 1] == "?" {
        var j = i + 2
        if j < c.count, c[j] == "P" { j += 1 }
        if j < c.count, c[j] == "<", j + 1 < c.count, c[j + 1] != "=", c[j + 1] != "!",
          let close = c[(j + 1)...].firstIndex(of: ">")
        {
          let name = String(c[(j + 1)..<close])
          if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { names.append(name) }
        }
      }
      i += 1
    }
    return names
  }

  private static func resultType(_ re: NSRegularExpression, pattern: String) -> HCLType {
    let names = groupNames(pattern)
    if !names.isEmpty { return .object(Dictionary(names.map { ($0, HCLType.string) }, uniquingKeysWith: { a, _ in a })) }
    return re.numberOfCaptureGroups == 0 ? .string : .tuple(Array(repeating: .string, count: re.numberOfCaptureGroups))
  }

  /// No groups: the match; named groups: an object; otherwise a tuple of the numbered groups.
  private static func captures(_ re: NSRegularExpression, pattern: String, _ m: NSTextCheckingResult, in s: String) -> Value {
    func group(_ r: NSRange) -> Value { Range(r, in: s).map { .string(String(s[$0])) } ?? .string("") }
    let names = groupNames(pattern)
    if !names.isEmpty {
      var out: [String: Value] = [:]
      for n in names { out[n] = group(m.range(withName: n)) }
      return .object(out)
    }
    if re.numberOfCaptureGroups == 0 { return group(m.range) }
    return .tuple((1...re.numberOfCaptureGroups).map { group(m.range(at: $0)) })
  }

  /// Go's `$1`, `${1}`, `$name`, `${name}`, `$$` mapped onto ICU's template syntax.
  private static func template(_ t: String) -> String {
    var out = ""
    var chars = Array(t)[...]
    while let c = chars.popFirst() {
      switch c {
      case "\\": out += "\\\\"
      case "$":
        if chars.first == "$" {
          chars.removeFirst()
          out += "\\$"
        } else if chars.first == "{", let close = chars.firstIndex(of: "}") {
          let name = String(chars[chars.index(after: chars.startIndex)..<close])
          chars = chars[chars.index(after: close)...]
          out += name.allSatisfy(\.isNumber) ? "$" + name : "${" + name + "}"
        } else {
          var name = ""
          while let n = chars.first, n.isLetter || n.isNumber || n == "_" {
            name.append(n)
            chars.removeFirst()
          }
          out += name.isEmpty ? "\\$" : name.allSatisfy(\.isNumber) ? "$" + name : "${" + name + "}"
        }
      default: out.append(c)
      }
    }
    return out
  }
}

extension Stdlib {
  static let strings: [String: Function] = [
    "upper": str { $0.uppercased() },
    "lower": str { $0.lowercased() },
    "trimspace": str { String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) },
    "chomp": str { s in
      var out = Substring(s).unicodeScalars
      while let l = out.last, l == "\n" || l == "\r" { out.removeLast() }
      return String(out)
    },
    // cty's `reverse` reverses a string; `reverselist` reverses a sequence.
    "reverse": str { String($0.reversed()) },
    "title": str { s in
      var out = ""
      var atWordStart = true
      for c in s {
        out += atWordStart ? c.uppercased() : String(c)
        // Go's strings.Title: ASCII other than letters, digits and `_` separates words, as does Unicode space.
        atWordStart = c.isASCII ? !(c.isLetter || c.isNumber || c == "_") : c.isWhitespace
      }
      return out
    },
    "strlen": fn([P("str", .string)]) { a throws(FunctionError) in .int(a[0].s.count) },
    "byteslen": fn([P("buf", .string)]) { a throws(FunctionError) in .int(a[0].s.utf8.count) },
    "bytesslice": fn([P("buf", .string), P("offset", .number), P("length", .number)]) { a throws(FunctionError) in
      let bytes = Array(a[0].s.utf8)
      let off = try a[1].int(1, "offset")
      let len = try a[2].int(2, "length")
      guard off >= 0, off <= bytes.count else { throw FunctionError("offset is out of range", argument: 1) }
      guard len >= 0, len <= bytes.count - off else { throw FunctionError("length is out of range", argument: 2) }
      return .string(String(decoding: bytes[off..<off + len], as: UTF8.self))
    },
    "trim": fn([P("str", .string), P("cutset", .string)]) { a throws(FunctionError) in
      let cut = Set(a[1].s.unicodeScalars)
      var scalars = Substring(a[0].s).unicodeScalars
      while let f = scalars.first, cut.contains(f) { scalars.removeFirst() }
      while let l = scalars.last, cut.contains(l) { scalars.removeLast() }
      return .string(String(scalars))
    },
    "trimprefix": fn([P("str", .string), P("prefix", .string)]) { a throws(FunctionError) in
      let (s, p) = (a[0].s, a[1].s)
      return .string(s.utf8.starts(with: p.utf8) ? String(decoding: s.utf8.dropFirst(p.utf8.count), as: UTF8.self) : s)
    },
    "trimsuffix": fn([P("str", .string), P("suffix", .string)]) { a throws(FunctionError) in
      let (s, p) = (a[0].s, a[1].s)
      return .string(s.utf8.reversed().starts(with: p.utf8.reversed()) ? String(decoding: s.utf8.dropLast(p.utf8.count), as: UTF8.self) : s)
    },
    "indent": fn([P("spaces", .number), P("str", .string)]) { a throws(FunctionError) in
      let n = try a[0].int(0, "spaces")
      guard n <= 10_000 else { throw FunctionError("too many spaces", argument: 0) }
      return .string(utf8Replacing(a[1].s, "\n", "\n" + String(repeating: " ", count: max(0, n))))
    },
    "replace": fn([P("str", .string), P("substr", .string), P("replace", .string)]) { a throws(FunctionError) in
      if a[1].s.isEmpty {
        // Go inserts the replacement around every character when the search string is empty.
        return .string(a[2].s + a[0].s.map { String($0) + a[2].s }.joined())
      }
      return .string(utf8Replacing(a[0].s, a[1].s, a[2].s))
    },
    "split": fn([P("separator", .string), P("str", .string)]) { a throws(FunctionError) in
      let (sep, s) = (a[0].s, a[1].s)
      let parts: [String] = sep.isEmpty ? s.unicodeScalars.map { String($0) } : utf8Split(s, sep)
      return .list(parts.map(Value.string), .string)
    },
    "join": fn([P("separator", .string)], variadic: P("lists", .list(.string))) { a throws(FunctionError) in
      guard a.count > 1 else { throw FunctionError("at least one list is required") }
      var parts: [String] = []
      for (i, l) in a.dropFirst().enumerated() {
        for e in l.items {
          guard case .string(let s) = e else { throw FunctionError("element must not be null", argument: i + 1) }
          parts.append(s)
        }
      }
      return .string(parts.joined(separator: a[0].s))
    },
    "substr": fn([P("str", .string), P("offset", .number), P("length", .number)]) { a throws(FunctionError) in
      let chars = Array(a[0].s)
      var off = try a[1].int(1, "offset")
      let len = try a[2].int(2, "length")
      if off < 0 { off = max(0, off + chars.count) }
      guard off < chars.count, len != 0 else { return .string("") }
      let end = len < 0 || len > chars.count - off ? chars.count : off + len
      return .string(String(chars[off..<end]))
    },
    "format": fn([P("format", .string)], variadic: P("args", allowNull: true)) { a throws(FunctionError) in
      .string(try formatString(a[0].s, Array(a.dropFirst())))
    },
    "formatlist": fn([P("format", .string)], variadic: P("args", allowNull: true)) { a throws(FunctionError) in
      let args = Array(a.dropFirst())
      var count: Int?
      for (i, v) in args.enumerated() {
        guard let es = v.elements, !v.isSet else { continue }
        if let c = count, c != es.count {
          throw FunctionError("argument \(i + 1) has length \(es.count), which is inconsistent with argument 1 of length \(c)", argument: i + 1)
        }
        count = es.count
      }
      guard let n = count else { return .list([.string(try formatString(a[0].s, args))], .string) }
      var out: [Value] = []
      for k in 0..<n {
        out.append(.string(try formatString(a[0].s, args.map { v in v.elements.map { v.isSet ? v : $0[k] } ?? v })))
      }
      return .list(out, .string)
    },
  ]

  private static func str(_ f: @escaping @Sendable (String) -> String) -> Function {
    fn([P("str", .string)]) { a throws(FunctionError) in .string(f(a[0].s)) }
  }
}

/// Go's strings.Split and strings.Replace work on bytes, so "\n" matches inside "\r\n" and a
/// combining mark can be split from its base; Swift's Character-based methods would not.
func utf8Split(_ s: String, _ sep: String) -> [String] {
  let hay = Array(s.utf8)
  let needle = Array(sep.utf8)
  var parts: [String] = []
  var start = 0
  var i = 0
  while i + needle.count <= hay.count {
    if hay[i..<i + needle.count].elementsEqual(needle) {
      parts.append(String(decoding: hay[start..<i], as: UTF8.self))
      i += needle.count
      start = i
    } else {
      i += 1
    }
  }
  parts.append(String(decoding: hay[start...], as: UTF8.self))
  return parts
}

func utf8Replacing(_ s: String, _ old: String, _ new: String) -> String {
  utf8Split(s, old).joined(separator: new)
}

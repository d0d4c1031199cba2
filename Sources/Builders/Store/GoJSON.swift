/// A parsed JSON document that keeps object members in file order and
/// numbers as their literal text.
///
/// The builder store uses its own tree rather than `Codable` so that files
/// are written byte-for-byte as Go's `encoding/json` writes them (field
/// order, `null` for empty collections, HTML escaping, sorted map keys) and
/// so that fields a newer buildx adds survive a rewrite by Kiln.
enum GoJSON: Equatable, Sendable {
  case null
  case bool(Bool)
  /// The number's literal text, kept verbatim.
  case number(String)
  case string(String)
  indirect case array([GoJSON])
  indirect case object([GoJSONMember])

  var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "boolean"
    case .number: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }
}

struct GoJSONMember: Equatable, Sendable {
  var key: String
  var value: GoJSON

  init(_ key: String, _ value: GoJSON) {
    self.key = key
    self.value = value
  }
}

/// Where and why a document failed to parse; the store wraps it with the file path.
struct GoJSONSyntaxError: Error, CustomStringConvertible {
  var offset: Int
  var reason: String
  var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

// MARK: - Parsing

extension GoJSON {
  init(parsing bytes: [UInt8]) throws(GoJSONSyntaxError) {
    var parser = GoJSONParser(bytes: bytes)
    parser.skipWhitespace()
    self = try parser.parseValue(depth: 0)
    parser.skipWhitespace()
    guard parser.index == bytes.count else { throw parser.error("unexpected data after the document") }
  }
}

private struct GoJSONParser {
  let bytes: [UInt8]
  var index = 0
  /// Deep nesting is never legitimate in a store file; the limit keeps a
  /// hostile file from overflowing the stack.
  static let maxDepth = 256

  init(bytes: [UInt8]) { self.bytes = bytes }

  func error(_ reason: String) -> GoJSONSyntaxError { GoJSONSyntaxError(offset: index, reason: reason) }

  mutating func skipWhitespace() {
    while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
  }

  mutating func parseValue(depth: Int) throws(GoJSONSyntaxError) -> GoJSON {
    guard depth < Self.maxDepth else { throw error("nesting is too deep") }
    guard index < bytes.count else { throw error("unexpected end of data") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default: throw error("unexpected character '\(Unicode.Scalar(bytes[index]))'")
    }
  }

  mutating func expectLiteral(_ literal: String) throws(GoJSONSyntaxError) {
    let utf8 = Array(literal.utf8)
    guard bytes.count - index >= utf8.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
      throw error("expected '\(literal)'")
    }
    index += utf8.count
  }

  mutating func parseObject(depth: Int) throws(GoJSONSyntaxError) -> GoJSON {
    index += 1
    var members: [GoJSONMember] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
      let key = try parseString()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
      index += 1
      skipWhitespace()
      members.append(GoJSONMember(key, try parseValue(depth: depth + 1)))
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of data in object") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      throw error("expected ',' or '}'")
    }
  }

  mutating func parseArray(depth: Int) throws(GoJSONSyntaxError) -> GoJSON {
    index += 1
    var elements: [GoJSON] = []
    skipWhitespace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      elements.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      guard index < bytes.count else { throw error("unexpected end of data in array") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(elements)
      }
      throw error("expected ',' or ']'")
    }
  }

  mutating func parseNumber() throws(GoJSONSyntaxError) -> String {
    let start = index
    func digits(_ p: inout GoJSONParser) -> Int {
      let s = p.index
      while p.index < p.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(p.bytes[p.index]) { p.index += 1 }
      return p.index - s
    }
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    if index < bytes.count, bytes[index] == UInt8(ascii: "0") {
      index += 1
    } else if digits(&self) == 0 {
      throw error("invalid number")
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard digits(&self) > 0 else { throw error("invalid number") }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard digits(&self) > 0 else { throw error("invalid number") }
    }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  mutating func parseString() throws(GoJSONSyntaxError) -> String {
    index += 1
    var scalars = String.UnicodeScalarView()
    var runStart = index
    func flushRun(_ p: GoJSONParser, into s: inout String.UnicodeScalarView) {
      guard runStart < p.index else { return }
      var it = p.bytes[runStart..<p.index].makeIterator()
      var decoder = UTF8()
      loop: while true {
        switch decoder.decode(&it) {
        case .scalarValue(let scalar): s.append(scalar)
        case .emptyInput: break loop
        // Go substitutes U+FFFD rather than rejecting the document.
        case .error: s.append("\u{FFFD}")
        }
      }
    }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        flushRun(self, into: &scalars)
        index += 1
        return String(scalars)
      }
      if byte < 0x20 { throw error("control character in string") }
      if byte != UInt8(ascii: "\\") {
        index += 1
        continue
      }
      flushRun(self, into: &scalars)
      index += 1
      guard index < bytes.count else { break }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "\""): scalars.append("\"")
      case UInt8(ascii: "\\"): scalars.append("\\")
      case UInt8(ascii: "/"): scalars.append("/")
      case UInt8(ascii: "b"): scalars.append("\u{08}")
      case UInt8(ascii: "f"): scalars.append("\u{0C}")
      case UInt8(ascii: "n"): scalars.append("\n")
      case UInt8(ascii: "r"): scalars.append("\r")
      case UInt8(ascii: "t"): scalars.append("\t")
      case UInt8(ascii: "u"): scalars.append(try parseUnicodeEscape())
      default: throw error("invalid escape sequence")
      }
      runStart = index
    }
    throw error("unterminated string")
  }

  /// Decodes `XXXX` after `\u`, joining surrogate pairs; a lone surrogate
  /// becomes U+FFFD, as Go does.
  mutating func parseUnicodeEscape() throws(GoJSONSyntaxError) -> Unicode.Scalar {
    let high = try parseHex4()
    if (0xD800..<0xDC00).contains(high),
      index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
    {
      let save = index
      index += 2
      let low = try parseHex4()
      if (0xDC00..<0xE000).contains(low) {
        let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        return Unicode.Scalar(value) ?? "\u{FFFD}"
      }
      index = save
    }
    return Unicode.Scalar(high) ?? "\u{FFFD}"
  }

  mutating func parseHex4() throws(GoJSONSyntaxError) -> UInt32 {
    guard bytes.count - index >= 4 else { throw error("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw error("invalid \\u escape")
      }
      value = value << 4 | UInt32(digit)
      index += 1
    }
    return value
  }
}

// MARK: - Writing

extension GoJSON {
  /// The compact encoding Go's `json.Marshal` produces for the same tree.
  var goEncoded: [UInt8] {
    var out: [UInt8] = []
    write(into: &out)
    return out
  }

  private func write(into out: inout [UInt8]) {
    switch self {
    case .null: out += Array("null".utf8)
    case .bool(let value): out += Array((value ? "true" : "false").utf8)
    case .number(let literal): out += Array(literal.utf8)
    case .string(let value): Self.writeString(value, into: &out)
    case .array(let elements):
      out.append(UInt8(ascii: "["))
      for (i, element) in elements.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        element.write(into: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      out.append(UInt8(ascii: "{"))
      for (i, member) in members.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        Self.writeString(member.key, into: &out)
        out.append(UInt8(ascii: ":"))
        member.value.write(into: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// Go escapes `<`, `>` and `&` (HTML safety) and U+2028/U+2029 (JavaScript
  /// safety) besides what JSON requires; matching it keeps files identical.
  private static func writeString(_ value: String, into out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
      case "\\": out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case "\u{08}": out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
      case "\u{0C}": out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
      case "\n": out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case "\r": out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      case "\t": out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case "<", ">", "&", "\u{2028}", "\u{2029}", "\u{00}"..."\u{1F}":
        let v = scalar.value
        out += Array("\\u".utf8)
        out += [hex[Int(v >> 12 & 0xF)], hex[Int(v >> 8 & 0xF)], hex[Int(v >> 4 & 0xF)], hex[Int(v & 0xF)]]
      default:
        out += Array(String(scalar).utf8)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}

// MARK: - Go-style field access

extension [GoJSONMember] {
  /// The member Go's decoder would assign to a field named `name`: it
  /// matches keys case-insensitively and the last matching key wins.
  func goField(_ name: String) -> GoJSON? {
    let folded = name.lowercased()
    return last { $0.key == name || $0.key.lowercased() == folded }?.value
  }

  /// Members that match none of `names`, in file order, kept so that a
  /// rewrite does not drop fields this version does not know.
  func goUnknownFields(known names: [String]) -> [GoJSONMember] {
    let folded = Set(names.map { $0.lowercased() })
    return filter { !folded.contains($0.key.lowercased()) }
  }
}

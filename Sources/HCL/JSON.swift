/// A JSON document with source ranges, for HCL's JSON syntax and for `jsondecode`.
indirect enum JSONValue: Sendable {
  case object([JSONMember], SourceRange)
  case array([JSONValue], SourceRange)
  case string(String, SourceRange)
  /// Raw number text, kept exact.
  case number(String, SourceRange)
  case bool(Bool, SourceRange)
  case null(SourceRange)

  var range: SourceRange {
    switch self {
    case .object(_, let r), .array(_, let r), .string(_, let r), .number(_, let r), .bool(_, let r), .null(let r): r
    }
  }
}

struct JSONMember: Sendable {
  var key: String
  var keyRange: SourceRange
  var value: JSONValue
}

/// A strict JSON (RFC 8259) parser over UTF-8 bytes, with a nesting limit.
struct JSONParser {
  let src: SourceFile
  var pos = 0
  var depth = 0
  var bytes: [UInt8] { src.bytes }

  init(_ src: SourceFile) { self.src = src }

  struct Failure: Error {
    var message: String
    var range: SourceRange
  }

  static func parse(_ src: SourceFile) -> Result<JSONValue, Failure> {
    var p = JSONParser(src)
    do throws(Failure) {
      p.skipSpace()
      let v = try p.value()
      p.skipSpace()
      if p.pos < p.bytes.count { throw p.failure("Extraneous data after value", p.pos) }
      return .success(v)
    } catch {
      return .failure(error)
    }
  }

  func failure(_ msg: String, _ at: Int) -> Failure { Failure(message: msg, range: src.range(at, min(at + 1, bytes.count))) }

  mutating func skipSpace() {
    while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
  }

  mutating func value() throws(Failure) -> JSONValue {
    guard pos < bytes.count else { throw failure("Unexpected end of JSON input", pos) }
    let start = pos
    switch bytes[pos] {
    case UInt8(ascii: "{"):
      depth += 1
      defer { depth -= 1 }
      if depth > Parser.maxDepth { throw failure("JSON nests too deeply", pos) }
      pos += 1
      var members: [JSONMember] = []
      skipSpace()
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
        pos += 1
        return .object([], src.range(start, pos))
      }
      while true {
        skipSpace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw failure("Expected a quoted property name", pos) }
        let ks = pos
        let key = try string()
        let keyRange = src.range(ks, pos)
        skipSpace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw failure("Expected ':' after property name", pos) }
        pos += 1
        skipSpace()
        members.append(JSONMember(key: key, keyRange: keyRange, value: try value()))
        skipSpace()
        guard pos < bytes.count else { throw failure("Unterminated object", start) }
        if bytes[pos] == UInt8(ascii: ",") {
          pos += 1
          continue
        }
        guard bytes[pos] == UInt8(ascii: "}") else { throw failure("Expected ',' or '}' in object", pos) }
        pos += 1
        return .object(members, src.range(start, pos))
      }
    case UInt8(ascii: "["):
      depth += 1
      defer { depth -= 1 }
      if depth > Parser.maxDepth { throw failure("JSON nests too deeply", pos) }
      pos += 1
      var items: [JSONValue] = []
      skipSpace()
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
        pos += 1
        return .array([], src.range(start, pos))
      }
      while true {
        skipSpace()
        items.append(try value())
        skipSpace()
        guard pos < bytes.count else { throw failure("Unterminated array", start) }
        if bytes[pos] == UInt8(ascii: ",") {
          pos += 1
          continue
        }
        guard bytes[pos] == UInt8(ascii: "]") else { throw failure("Expected ',' or ']' in array", pos) }
        pos += 1
        return .array(items, src.range(start, pos))
      }
    case UInt8(ascii: "\""):
      let s = try string()
      return .string(s, src.range(start, pos))
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
      func digits() -> Int {
        let s = pos
        while pos < bytes.count, (0x30...0x39).contains(bytes[pos]) { pos += 1 }
        return pos - s
      }
      // A leading zero stands alone, as RFC 8259 requires.
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "0") {
        pos += 1
      } else {
        guard digits() > 0 else { throw failure("Invalid number", start) }
      }
      if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
        pos += 1
        guard digits() > 0 else { throw failure("Invalid number", start) }
      }
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
        pos += 1
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard digits() > 0 else { throw failure("Invalid number", start) }
      }
      guard pos - start <= Number.maxDigits else { throw failure("Number too long", start) }
      return .number(src.text(start, pos), src.range(start, pos))
    default:
      for (word, v) in [("true", JSONValue.bool(true, .none)), ("false", .bool(false, .none)), ("null", .null(.none))] {
        let w = Array(word.utf8)
        if bytes[pos..<min(bytes.count, pos + w.count)].elementsEqual(w) {
          pos += w.count
          let r = src.range(start, pos)
          switch v {
          case .bool(let b, _): return .bool(b, r)
          default: return .null(r)
          }
        }
      }
      throw failure("Invalid JSON value", pos)
    }
  }

  mutating func string() throws(Failure) -> String {
    let start = pos
    pos += 1
    var out: [UInt8] = []
    while true {
      guard pos < bytes.count else { throw failure("Unterminated string", start) }
      let b = bytes[pos]
      if b == UInt8(ascii: "\"") {
        pos += 1
        return String(decoding: out, as: UTF8.self)
      }
      if b < 0x20 { throw failure("Control character in string", pos) }
      if b != UInt8(ascii: "\\") {
        out.append(b)
        pos += 1
        continue
      }
      pos += 1
      guard pos < bytes.count else { throw failure("Unterminated string", start) }
      let e = bytes[pos]
      pos += 1
      switch e {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code), pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"),
          bytes[pos + 1] == UInt8(ascii: "u")
        {
          pos += 2
          let low = try hex4()
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        out += Array(String(Character(scalar)).utf8)
      default: throw failure("Invalid escape sequence in string", pos - 2)
      }
    }
  }

  mutating func hex4() throws(Failure) -> UInt32 {
    let t = src.text(pos, pos + 4)
    guard t.utf8.count == 4, let v = UInt32(t, radix: 16) else { throw failure("Invalid \\u escape", pos) }
    pos += 4
    return v
  }
}

extension JSONValue {
  /// The plain value (for `jsondecode`): strings stay strings, arrays become tuples, objects objects.
  var plainValue: Value {
    switch self {
    case .object(let ms, _):
      var out: [String: Value] = [:]
      for m in ms { out[m.key] = m.value.plainValue }
      return .object(out)
    case .array(let items, _): return .tuple(items.map(\.plainValue))
    case .string(let s, _): return .string(s)
    case .number(let n, _): return Number(parsing: n).map(Value.number) ?? .nullValue
    case .bool(let b, _): return .bool(b)
    case .null: return .nullValue
    }
  }
}

import Foundation

extension Stdlib {
  static let encoding: [String: Function] = [
    "base64encode": fn([P("str", .string)]) { a throws(FunctionError) in .string(Data(a[0].s.utf8).base64EncodedString()) },
    "base64decode": fn([P("str", .string)]) { a throws(FunctionError) in
      guard let d = Data(base64Encoded: a[0].s) else {
        throw FunctionError("failed to decode base64 data \(quoted(a[0].s))", argument: 0)
      }
      guard let s = String(data: d, encoding: .utf8) else {
        throw FunctionError("the result of decoding the provided string is not valid UTF-8", argument: 0)
      }
      return .string(s)
    },
    "urlencode": fn([P("str", .string)]) { a throws(FunctionError) in
      var out = ""
      for b in a[0].s.utf8 {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
          UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
          out.unicodeScalars.append(Unicode.Scalar(b))
        case UInt8(ascii: " "): out += "+"
        default: out += String(format: "%%%02X", b)
        }
      }
      return .string(out)
    },
    "jsonencode": fn([P("val", allowNull: true)]) { a throws(FunctionError) in .string(jsonEncode(a[0])) },
    "jsondecode": fn([P("str", .string)]) { a throws(FunctionError) in
      switch JSONParser.parse(SourceFile(filename: "<jsondecode>", text: a[0].s)) {
      case .success(let v): return v.plainValue
      case .failure(let f): throw FunctionError("\(f.message) at offset \(f.range.start.byte)", argument: 0)
      }
    },
    "csvdecode": fn([P("str", .string)]) { a throws(FunctionError) in
      let rows = try parseCSV(a[0].s)
      guard let header = rows.first else { throw FunctionError("missing header line", argument: 0) }
      var out: [Value] = []
      for (i, row) in rows.dropFirst().enumerated() {
        guard row.count == header.count else {
          throw FunctionError("record on line \(i + 2): wrong number of fields", argument: 0)
        }
        out.append(.object(Dictionary(zip(header, row.map(Value.string)), uniquingKeysWith: { _, b in b })))
      }
      let et = HCLType.object(Dictionary(header.map { ($0, HCLType.string) }, uniquingKeysWith: { a, _ in a }))
      return .list(out, et)
    },
  ]
}

/// cty's JSON encoding: object keys sorted, numbers exact, `<`, `>`, `&` escaped as Go does.
func jsonEncode(_ v: Value) -> String {
  switch v {
  case .null: return "null"
  case .bool(let b): return b ? "true" : "false"
  case .number(let n): return n.description
  case .string(let s):
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "<", ">", "&", "\u{2028}", "\u{2029}": out += String(format: "\\u%04x", u.value)
      default:
        if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
      }
    }
    return out + "\""
  case .list(let es, _), .set(let es, _), .tuple(let es): return "[" + es.map(jsonEncode).joined(separator: ",") + "]"
  case .map(let m, _), .object(let m):
    return "{" + m.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).map {
      jsonEncode(.string($0)) + ":" + jsonEncode(m[$0] ?? .nullValue)
    }.joined(separator: ",") + "}"
  }
}

/// RFC 4180 CSV with quoted fields; every record is a list of fields.
func parseCSV(_ s: String) throws(FunctionError) -> [[String]] {
  var rows: [[String]] = []
  var row: [String] = []
  var field = ""
  var inQuotes = false
  var fieldStarted = false
  var chars = Array(s.unicodeScalars)[...]
  while let c = chars.popFirst() {
    if inQuotes {
      if c == "\"" {
        if chars.first == "\"" {
          chars.removeFirst()
          field += "\""
        } else {
          inQuotes = false
        }
      } else {
        field.unicodeScalars.append(c)
      }
      continue
    }
    switch c {
    case "\"" where field.isEmpty:
      inQuotes = true
      fieldStarted = true
    case ",":
      row.append(field)
      field = ""
      fieldStarted = true
    case "\r" where chars.first == "\n": continue
    case "\n":
      if fieldStarted || !field.isEmpty || !row.isEmpty { row.append(field) }
      if !row.isEmpty { rows.append(row) }
      row = []
      field = ""
      fieldStarted = false
    default:
      field.unicodeScalars.append(c)
      fieldStarted = true
    }
  }
  if inQuotes { throw FunctionError("extraneous or missing \" in quoted-field", argument: 0) }
  if fieldStarted || !field.isEmpty || !row.isEmpty {
    row.append(field)
    rows.append(row)
  }
  return rows
}

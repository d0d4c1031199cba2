/// A dynamically typed value, following cty's model. Collections carry their element type so
/// that empty lists and maps keep a type; nulls carry their type too.
public indirect enum Value: Hashable, Sendable, CustomStringConvertible {
  case null(HCLType)
  case string(String)
  case number(Number)
  case bool(Bool)
  /// Elements and element type.
  case list([Value], HCLType)
  /// Distinct elements in canonical order, and element type.
  case set([Value], HCLType)
  case map([String: Value], HCLType)
  case tuple([Value])
  case object([String: Value])

  public static let nullValue = Value.null(.any)
  public static let emptyTuple = Value.tuple([])
  public static let emptyObject = Value.object([:])

  public static func int(_ i: Int) -> Value { .number(Number(i)) }

  /// Builds a set, removing duplicates and putting elements in canonical order.
  public static func makeSet(_ elements: [Value], _ type: HCLType) -> Value {
    var out: [Value] = []
    var seen = Set<Value>()
    for e in elements where seen.insert(e).inserted { out.append(e) }
    return .set(out.sorted(by: Value.canonicalOrder), type)
  }

  /// cty's set order: numbers ascending, strings lexically (by UTF-8 bytes), others stably by rendering.
  static func canonicalOrder(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)): return x < y
    case (.string(let x), .string(let y)): return x.utf8.lexicographicallyPrecedes(y.utf8)
    case (.bool(let x), .bool(let y)): return !x && y
    default: return a.description.utf8.lexicographicallyPrecedes(b.description.utf8)
    }
  }

  public var type: HCLType {
    switch self {
    case .null(let t): t
    case .string: .string
    case .number: .number
    case .bool: .bool
    case .list(_, let e): .list(e)
    case .set(_, let e): .set(e)
    case .map(_, let e): .map(e)
    case .tuple(let es): .tuple(es.map(\.type))
    case .object(let attrs): .object(attrs.mapValues(\.type))
    }
  }

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// Elements of a list, set or tuple, in order.
  public var elements: [Value]? {
    switch self {
    case .list(let es, _), .set(let es, _), .tuple(let es): es
    default: nil
    }
  }

  /// Entries of a map or object.
  public var entries: [String: Value]? {
    switch self {
    case .map(let m, _), .object(let m): m
    default: nil
    }
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var numberValue: Number? {
    if case .number(let n) = self { return n }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  /// Number of elements, entries, or (for strings) characters.
  public var length: Int? {
    switch self {
    case .string(let s): s.count
    case .list(let es, _), .set(let es, _), .tuple(let es): es.count
    case .map(let m, _), .object(let m): m.count
    default: nil
    }
  }

  /// An HCL-like rendering that keeps collection kinds visible: `list(["a"])`, `{a = 1}`.
  public var description: String {
    switch self {
    case .null: return "null"
    case .string(let s): return quoted(s)
    case .number(let n): return n.description
    case .bool(let b): return b ? "true" : "false"
    case .tuple(let es): return "[" + es.map(\.description).joined(separator: ", ") + "]"
    case .list(let es, let t):
      return es.isEmpty ? "list(\(t))[]" : "list([" + es.map(\.description).joined(separator: ", ") + "])"
    case .set(let es, let t):
      return es.isEmpty ? "set(\(t))[]" : "set([" + es.map(\.description).joined(separator: ", ") + "])"
    case .object(let m): return "{" + Self.renderEntries(m) + "}"
    case .map(let m, let t): return m.isEmpty ? "map(\(t)){}" : "map({" + Self.renderEntries(m) + "})"
    }
  }

  private static func renderEntries(_ m: [String: Value]) -> String {
    m.keys.sorted().map { k in
      (k.isHCLIdentifier ? k : quoted(k)) + " = " + (m[k]?.description ?? "null")
    }.joined(separator: ", ")
  }
}

func quoted(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if u.value < 0x20 {
        let h = String(u.value, radix: 16, uppercase: true)
        out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}

extension String {
  /// Whether this is a valid HCL identifier (ID_Start, then ID_Continue or `-`).
  var isHCLIdentifier: Bool {
    guard let f = unicodeScalars.first, f.isIDStart else { return false }
    return unicodeScalars.dropFirst().allSatisfy { $0.isIDContinue || $0 == "-" }
  }
}

extension Unicode.Scalar {
  var isIDStart: Bool { properties.isIDStart || self == "_" }
  var isIDContinue: Bool { properties.isIDContinue }
}

extension Value {
  /// HCL's `==`: values of different types are unequal, any two nulls are equal.
  public func isEqual(to other: Value) -> Bool { valuesEqual(self, other) }

  /// The value as JSON, as `jsonencode` produces it (keys sorted, numbers exact).
  public var jsonEncoded: String { jsonEncode(self) }

  /// Decodes JSON text: objects become objects, arrays tuples, numbers exact.
  public static func fromJSON(_ text: String, filename: String = "<json>") -> (Value?, Diagnostics) {
    switch JSONParser.parse(SourceFile(filename: filename, text: text)) {
    case .success(let v): return (v.plainValue, Diagnostics())
    case .failure(let f):
      return (nil, Diagnostics([Diagnostic(summary: "Invalid JSON", detail: f.message + ".", range: f.range)]))
    }
  }
}

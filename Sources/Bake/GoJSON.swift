import KilnCore

/// Bake's errors are `KilnError`s; HCL problems carry their rendered diagnostics as the message.
typealias BakeError = KilnError

extension KilnError {
  init(_ message: String) { self.init(.invalidArgument, message) }
}

/// A JSON document as Go's `json.MarshalIndent` writes it: struct fields in declaration order,
/// map keys sorted by bytes, `<>&` escaped, empty collections as `[]` and `{}`.
indirect enum GoJSON: Sendable, Equatable {
  case null
  case bool(Bool)
  case string(String)
  /// A number, already formatted.
  case number(String)
  case array([GoJSON])
  /// Fields in the order given; use `map` for Go maps.
  case object([(String, GoJSON)])

  static func == (a: GoJSON, b: GoJSON) -> Bool { a.render() == b.render() }

  /// A Go map: keys sorted by their UTF-8 bytes.
  static func map(_ entries: [String: GoJSON]) -> GoJSON {
    .object(entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { ($0.key, $0.value) })
  }

  static func stringMap(_ m: [String: String]) -> GoJSON { .map(m.mapValues(GoJSON.string)) }

  func render(indent: String = "  ", prefix: String = "") -> String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .string(let s): return JSONText.string(s)
    case .number(let n): return n
    case .array(let items):
      if items.isEmpty { return "[]" }
      let inner = prefix + indent
      return "[\n" + items.map { inner + $0.render(indent: indent, prefix: inner) }.joined(separator: ",\n") + "\n" + prefix + "]"
    case .object(let fields):
      if fields.isEmpty { return "{}" }
      let inner = prefix + indent
      return "{\n"
        + fields.map { inner + JSONText.string($0.0) + ": " + $0.1.render(indent: indent, prefix: inner) }.joined(separator: ",\n")
        + "\n" + prefix + "}"
    }
  }
}

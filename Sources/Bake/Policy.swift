import KilnCore

/// `policy`: build policy configuration. buildx prints it with Go's default struct encoding
/// (capitalised field names, nulls included), so `json` mirrors that.
public struct Policy: Sendable, Equatable {
  public var files: [String]?
  public var reset = false
  public var disabled = false
  public var strict: Bool?
  public var logLevel: String?

  /// From `filename=p.rego,strict=true` fields.
  static func parse(fields: [String]) throws(KilnError) -> Policy {
    var p = Policy()
    for field in fields {
      guard let (k, value) = field.splitOnce("=") else { throw KilnError("invalid value \(field)") }
      func bool() throws(KilnError) -> Bool {
        guard let b = parseGoBool(value) else {
          throw KilnError("invalid value \(field): strconv.ParseBool: parsing \(goQuote(value)): invalid syntax")
        }
        return b
      }
      switch k.lowercased().trimmingSpaces {
      case "filename":
        if value.isEmpty { throw KilnError("invalid value \(field)") }
        p.files = (p.files ?? []) + [value]
      case "reset": p.reset = try bool()
      case "disabled": p.disabled = try bool()
      case "strict": p.strict = try bool()
      case "log-level":
        let levels = ["panic": "panic", "fatal": "fatal", "error": "error", "warn": "warning", "warning": "warning",
                      "info": "info", "debug": "debug", "trace": "trace"]
        guard let l = levels[value.lowercased()] else {
          throw KilnError("invalid value \(field): not a valid logrus Level: \(goQuote(value))")
        }
        p.logLevel = l
      default: throw KilnError("invalid value \(field)")
      }
    }
    return p
  }

  static func parse(_ text: String) throws(KilnError) -> Policy { try parse(fields: CSV.fields(text)) }

  /// The fields that rebuild this policy, kept as a tuple of strings in evaluated values.
  var fields: [String] {
    var f = (files ?? []).map { "filename=" + $0 }
    if reset { f.append("reset=true") }
    if disabled { f.append("disabled=true") }
    if let strict { f.append("strict=\(strict)") }
    if let logLevel { f.append("log-level=" + logLevel) }
    return f
  }

  var json: GoJSON {
    .object([
      ("Files", files.map { .array($0.map { .object([("Filename", .string($0)), ("Data", .null)]) }) } ?? .null),
      ("Reset", .bool(reset)), ("Disabled", .bool(disabled)), ("Strict", strict.map(GoJSON.bool) ?? .null),
      ("LogLevel", logLevel.map(GoJSON.string) ?? .null),
    ])
  }
}

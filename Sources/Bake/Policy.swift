public import KilnCore

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

extension Bake {
  /// `--policy` values as overrides (`*.policy+=…`); true when the policy is disabled for every
  /// target, which `disablePolicy(_:)` then applies after resolution.
  public static func policyOverrides(_ values: [String]) throws(KilnError) -> (overrides: [String], disabled: Bool) {
    var configs: [Policy] = []
    for v in values { configs.append(try Policy.parse(v)) }
    var out: [String] = []
    for (i, p) in configs.enumerated() {
      if !(p.files ?? []).isEmpty {
        throw KilnError("--policy does not accept filename; define policy files in the bake definition")
      }
      if p.reset { throw KilnError("--policy does not accept reset; define policy composition in the bake definition") }
      if p.disabled {
        if p.strict != nil || p.logLevel != nil || configs.count > 1 {
          throw KilnError("disabled policy cannot be combined with other policy flags")
        }
        return ([], true)
      }
      out.append("*.policy+=" + values[i])
    }
    return (out, false)
  }

  /// `--policy disabled=true`: every target's policy becomes just that.
  public static func disablePolicy(_ resolved: inout Resolved) {
    var p = Policy()
    p.disabled = true
    for name in resolved.targets.keys { resolved.targets[name]?.policy = [p] }
  }
}

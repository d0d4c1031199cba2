/// JSON text as Go's `encoding/json` writes it, so output that buildx
/// prints through Go's encoder (`--format json`, `--print`) matches byte
/// for byte: `<`, `>` and `&` are escaped as `\u003c`, `\u003e`, `\u0026`,
/// as are U+2028 and U+2029.
public enum JSONText {
  public static func string(_ value: String, escapeHTML: Bool = true) -> String {
    // Most strings need no escaping; 0xE2 leads U+2028 and U+2029 in UTF-8.
    let plain = !value.utf8.contains { b in
      b < 0x20 || b == 0x22 || b == 0x5C || b == 0x3C || b == 0x3E || b == 0x26 || b == 0xE2
    }
    if plain { return "\"" + value + "\"" }
    var out = "\""
    out.reserveCapacity(value.utf8.count + 2)
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{8}": out += "\\b"
      case "\u{C}": out += "\\f"
      case "<" where escapeHTML, ">" where escapeHTML, "&" where escapeHTML, "\u{2028}", "\u{2029}":
        out += unicodeEscape(scalar.value)
      default:
        if scalar.value < 0x20 { out += unicodeEscape(scalar.value) } else { out.unicodeScalars.append(scalar) }
      }
    }
    return out + "\""
  }

  private static func unicodeEscape(_ value: UInt32) -> String {
    let hex = String(value, radix: 16)
    return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }
}

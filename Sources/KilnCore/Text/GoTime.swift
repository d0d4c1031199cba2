#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Go's default renderings of times and durations, which buildx and
/// buildctl print verbatim (`CreatedAt`, `Keep duration`).
public enum GoTime {
  /// `time.Time.String()` for a UTC time: `2024-01-02 03:04:05.123456789 +0000 UTC`,
  /// trailing zeros of the fraction dropped.
  public static func string(secondsSince1970 seconds: Int64, nanoseconds: Int32) -> String {
    var time = time_t(seconds)
    var parts = tm()
    gmtime_r(&time, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    var text = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
    text += "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    if nanoseconds > 0 {
      var fraction = String(nanoseconds)
      fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
      while fraction.hasSuffix("0") { fraction.removeLast() }
      text += "." + fraction
    }
    return text + " +0000 UTC"
  }

  /// `time.Duration.String()`: `48h0m0s`, `1.5s`, `300ms`, `0s`.
  public static func duration(nanoseconds: Int64) -> String {
    if nanoseconds == 0 { return "0s" }
    let negative = nanoseconds < 0
    let magnitude = nanoseconds.magnitude
    var text: String
    if magnitude < 1_000_000_000 {
      let (unit, scale): (String, UInt64) =
        magnitude < 1_000 ? ("ns", 1) : magnitude < 1_000_000 ? ("µs", 1_000) : ("ms", 1_000_000)
      text = fixed(magnitude, scale: scale) + unit
    } else {
      let totalSeconds = magnitude / 1_000_000_000
      let hours = totalSeconds / 3600
      let minutes = (totalSeconds % 3600) / 60
      let seconds = fixed(magnitude % 60_000_000_000, scale: 1_000_000_000)
      text = ""
      if hours > 0 { text += "\(hours)h" }
      if hours > 0 || minutes > 0 { text += "\(minutes)m" }
      text += seconds + "s"
    }
    return negative ? "-" + text : text
  }

  private static func fixed(_ value: UInt64, scale: UInt64) -> String {
    let whole = value / scale
    var fraction = value % scale
    guard fraction > 0 else { return String(whole) }
    var digits = ""
    var s = scale / 10
    while s > 0 {
      digits += String(fraction / s)
      fraction %= s
      s /= 10
    }
    while digits.hasSuffix("0") { digits.removeLast() }
    return "\(whole).\(digits)"
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Sizes and durations worded as docker/go-units words them, which buildx
/// prints in `du`, `ls` and `prune`.
public enum HumanUnits {
  /// Decimal size with four significant digits: `0B`, `1.5kB`, `12.35MB`.
  public static func size(_ bytes: Double) -> String {
    scaled(bytes, base: 1000, units: ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"])
  }

  /// Binary size with four significant digits: `1.5KiB`, `2GiB` (go-units `BytesSize`).
  public static func binarySize(_ bytes: Double) -> String {
    scaled(bytes, base: 1024, units: ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"])
  }

  private static func scaled(_ bytes: Double, base: Double, units: [String]) -> String {
    var value = bytes
    var index = 0
    while value >= base, index < units.count - 1 {
      value /= base
      index += 1
    }
    return formatG(value, precision: 4) + units[index]
  }

  /// How long ago, as `docker ps` says it: `Less than a second`, `3 minutes`, `About an hour`, `2 days`.
  public static func duration(seconds elapsed: Double) -> String {
    let seconds = Int(elapsed)
    if seconds < 1 { return "Less than a second" }
    if seconds == 1 { return "1 second" }
    if seconds < 60 { return "\(seconds) seconds" }
    let minutes = Int(elapsed / 60)
    if minutes == 1 { return "About a minute" }
    if minutes < 60 { return "\(minutes) minutes" }
    let hours = Int(elapsed / 3600 + 0.5)
    if hours == 1 { return "About an hour" }
    if hours < 48 { return "\(hours) hours" }
    if hours < 24 * 7 * 2 { return "\(hours / 24) days" }
    if hours < 24 * 30 * 2 { return "\(hours / 24 / 7) weeks" }
    if hours < 24 * 365 * 2 { return "\(hours / 24 / 30) months" }
    return "\(Int(elapsed / 3600) / 24 / 365) years"
  }

  /// C's `%.<precision>g`, which Go's `%g` with a precision matches for these magnitudes.
  static func formatG(_ value: Double, precision: Int) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.\(precision)g", $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

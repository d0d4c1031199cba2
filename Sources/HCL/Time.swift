/// A moment with the UTC offset it was written in, enough for RFC 3339 round trips.
struct DateTime: Sendable {
  var unix: Int64
  var nanos: Int
  /// Seconds east of UTC.
  var offset: Int
  /// Whether the source said `Z` (formats back as `Z` rather than `+00:00`).
  var utc: Bool

  static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
  static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

  static func daysIn(month: Int, year: Int) -> Int {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
  }

  /// Days since 1970-01-01 for a proleptic Gregorian date.
  static func days(year: Int, month: Int, day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let m = Int64(month)
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  /// Year, month, day for days since 1970-01-01.
  static func civil(_ days: Int64) -> (Int, Int, Int) {
    let z = days + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
  }

  /// Local calendar fields in this moment's own offset.
  var fields: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int, yearDay: Int) {
    let local = unix + Int64(offset)
    let days = local >= 0 ? local / 86400 : (local - 86399) / 86400
    let secs = Int(local - days * 86400)
    let (y, m, d) = DateTime.civil(days)
    let wd = Int(((days % 7) + 11) % 7)  // 1970-01-01 was a Thursday
    let yd = Int(days - DateTime.days(year: y, month: 1, day: 1)) + 1
    return (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60, wd, yd)
  }

  /// Parses RFC 3339: `2006-01-02T15:04:05Z`, with optional fraction and `±hh:mm` offset.
  init?(rfc3339 s: String) {
    let c = Array(s.utf8)
    func num(_ from: Int, _ len: Int) -> Int? {
      guard from + len <= c.count else { return nil }
      var v = 0
      for b in c[from..<from + len] {
        guard (0x30...0x39).contains(b) else { return nil }
        v = v * 10 + Int(b - 0x30)
      }
      return v
    }
    guard c.count >= 20, let y = num(0, 4), c[4] == UInt8(ascii: "-"), let mo = num(5, 2), c[7] == UInt8(ascii: "-"),
      let d = num(8, 2), c[10] == UInt8(ascii: "T") || c[10] == UInt8(ascii: "t"), let h = num(11, 2),
      c[13] == UInt8(ascii: ":"), let mi = num(14, 2), c[16] == UInt8(ascii: ":"), let se = num(17, 2),
      (1...12).contains(mo), d >= 1, d <= DateTime.daysIn(month: mo, year: y), h < 24, mi < 60, se < 60
    else { return nil }
    var i = 19
    var nanos = 0
    if c[i] == UInt8(ascii: ".") {
      i += 1
      var digits = 0
      while i < c.count, (0x30...0x39).contains(c[i]) {
        if digits < 9 { nanos = nanos * 10 + Int(c[i] - 0x30) }
        digits += 1
        i += 1
      }
      guard digits > 0 else { return nil }
      for _ in digits..<9 where digits < 9 { nanos *= 10 }
    }
    guard i < c.count else { return nil }
    var offset = 0
    var utc = false
    if c[i] == UInt8(ascii: "Z") || c[i] == UInt8(ascii: "z") {
      utc = true
      i += 1
    } else if c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
      guard let oh = num(i + 1, 2), c.count > i + 3, c[i + 3] == UInt8(ascii: ":"), let om = num(i + 4, 2) else { return nil }
      offset = (oh * 3600 + om * 60) * (c[i] == UInt8(ascii: "-") ? -1 : 1)
      i += 6
    } else {
      return nil
    }
    guard i == c.count else { return nil }
    unix = DateTime.days(year: y, month: mo, day: d) * 86400 + Int64(h * 3600 + mi * 60 + se) - Int64(offset)
    self.nanos = nanos
    self.offset = offset
    self.utc = utc
  }

  init(unix: Int64, nanos: Int = 0, offset: Int = 0, utc: Bool = true) {
    self.unix = unix
    self.nanos = nanos
    self.offset = offset
    self.utc = utc
  }

  func pad(_ v: Int, _ n: Int) -> String {
    let s = String(abs(v))
    return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, n - s.count)) + s
  }

  func offsetString(colon: Bool) -> String {
    let sign = offset < 0 ? "-" : "+"
    let a = abs(offset)
    return sign + pad(a / 3600, 2) + (colon ? ":" : "") + pad(a % 3600 / 60, 2)
  }

  /// RFC 3339 without fractional seconds, as Go's time.RFC3339 layout prints.
  var rfc3339: String {
    let f = fields
    return "\(pad(f.year, 4))-\(pad(f.month, 2))-\(pad(f.day, 2))T\(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2))"
      + (offset == 0 ? "Z" : offsetString(colon: true))
  }
}

/// Parses Go durations: `1h30m`, `-1.5h`, `300ms`, `2h45m10s`. Returns nanoseconds.
func parseDuration(_ s: String) -> Int64? {
  var chars = Substring(s)
  var negative = false
  if chars.first == "-" || chars.first == "+" {
    negative = chars.first == "-"
    chars = chars.dropFirst()
  }
  if chars == "0" { return 0 }
  guard !chars.isEmpty else { return nil }
  let units: [(String, Double)] = [
    ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
  ]
  var total = 0.0
  while !chars.isEmpty {
    let numText = chars.prefix { $0.isNumber || $0 == "." }
    guard !numText.isEmpty, let v = Double(numText) else { return nil }
    chars = chars.dropFirst(numText.count)
    guard let unit = units.first(where: { chars.hasPrefix($0.0) && !(($0.0 == "m") && chars.hasPrefix("ms")) }) else { return nil }
    chars = chars.dropFirst(unit.0.count)
    total += v * unit.1
  }
  guard total.magnitude < 9.2e18 else { return nil }
  return Int64(negative ? -total : total)
}

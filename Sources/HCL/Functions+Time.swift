import Foundation

extension Stdlib {
  static let time: [String: Function] = [
    "timestamp": fn([]) { _ throws(FunctionError) in
      .string(DateTime(unix: Int64(Date().timeIntervalSince1970.rounded(.down))).rfc3339)
    },
    "timeadd": fn([P("timestamp", .string), P("duration", .string)]) { a throws(FunctionError) in
      let t = try parseTimestamp(a[0], argument: 0)
      guard let d = parseDuration(a[1].s) else { throw FunctionError("invalid duration \(quoted(a[1].s))", argument: 1) }
      let totalNanos = Int64(t.nanos) + d % 1_000_000_000
      var out = t
      out.unix = t.unix + d / 1_000_000_000 + (totalNanos < 0 ? -1 : totalNanos >= 1_000_000_000 ? 1 : 0)
      out.nanos = Int((totalNanos % 1_000_000_000 + 1_000_000_000) % 1_000_000_000)
      return .string(out.rfc3339)
    },
    "formatdate": fn([P("format", .string), P("time", .string)]) { a throws(FunctionError) in
      .string(try formatDate(a[0].s, try parseTimestamp(a[1], argument: 1)))
    },
    "formattimestamp": fn([P("format", .string), P("time")]) { a throws(FunctionError) in
      let t: DateTime
      switch a[1] {
      case .string: t = try parseTimestamp(a[1], argument: 1)
      case .number(let n):
        guard let i = n.intValue else { throw FunctionError("unix timestamp must be an integer", argument: 1) }
        guard i.magnitude <= maxUnix else { throw FunctionError("unix timestamp is out of range", argument: 1) }
        t = DateTime(unix: Int64(i))
      default: throw FunctionError("must be a string timestamp or a unix timestamp number", argument: 1)
      }
      if a[0].s == "X" { return .string(String(t.unix)) }
      return .string(try formatDate(a[0].s, t))
    },
    "unixtimestampparse": fn([P("unix_timestamp", .number)]) { a throws(FunctionError) in
      guard let i = a[0].n.intValue else { throw FunctionError("unix timestamp must be an integer", argument: 0) }
      guard i.magnitude <= maxUnix else { throw FunctionError("unix timestamp is out of range", argument: 0) }
      let t = DateTime(unix: Int64(i))
      let f = t.fields
      let (isoYear, isoWeek) = isoWeek(f.year, f.yearDay, f.weekday)
      return .object([
        "year": .int(f.year), "year_day": .int(f.yearDay), "day": .int(f.day), "month": .int(f.month),
        "month_name": .string(DateTime.months[f.month - 1]), "weekday": .int(f.weekday),
        "weekday_name": .string(DateTime.weekdays[f.weekday]), "hour": .int(f.hour), "minute": .int(f.minute),
        "second": .int(f.second), "rfc3339": .string(t.rfc3339), "iso_year": .int(isoYear), "iso_week": .int(isoWeek),
      ])
    },
  ]

  /// About ±300,000 years: far beyond any real timestamp, well inside Int64 day arithmetic.
  private static let maxUnix: UInt = 10_000_000_000_000

  private static func parseTimestamp(_ v: Value, argument: Int) throws(FunctionError) -> DateTime {
    guard let t = DateTime(rfc3339: v.s) else {
      throw FunctionError("not a valid RFC3339 timestamp: \(quoted(v.s))", argument: argument)
    }
    return t
  }

  /// ISO 8601 week-numbering year and week.
  private static func isoWeek(_ year: Int, _ yearDay: Int, _ weekday: Int) -> (Int, Int) {
    let wd = weekday == 0 ? 7 : weekday
    let week = (yearDay - wd + 10) / 7
    func weeks(_ y: Int) -> Int {
      let jan1 = Int(((DateTime.days(year: y, month: 1, day: 1) % 7) + 11) % 7)
      let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
      return jan1 == 4 || (leap && jan1 == 3) ? 53 : 52
    }
    if week < 1 { return (year - 1, weeks(year - 1)) }
    if week > weeks(year) { return (year + 1, 1) }
    return (year, week)
  }
}

/// cty's `formatdate`: runs of one letter are verbs, `'quoted'` text is literal, other characters pass through.
func formatDate(_ format: String, _ t: DateTime) throws(FunctionError) -> String {
  let f = t.fields
  var out = ""
  var chars = Array(format)[...]
  func bad(_ tok: String, _ why: String) -> FunctionError {
    FunctionError("invalid date format verb \(quoted(tok))" + (why.isEmpty ? "" : ": " + why), argument: 0)
  }
  while let c = chars.first {
    if c == "'" {
      chars.removeFirst()
      if chars.first == "'" {
        chars.removeFirst()
        out += "'"
        continue
      }
      var closed = false
      while let d = chars.popFirst() {
        if d == "'" {
          if chars.first == "'" {
            chars.removeFirst()
            out += "'"
            continue
          }
          closed = true
          break
        }
        out.append(d)
      }
      if !closed { throw FunctionError("unterminated literal '", argument: 0) }
      continue
    }
    guard c.isASCII, c.isLetter else {
      out.append(c)
      chars.removeFirst()
      continue
    }
    let run = chars.prefix { $0 == c }
    chars = chars.dropFirst(run.count)
    let tok = String(run)
    let n = run.count
    func num(_ v: Int) throws(FunctionError) -> String {
      switch n {
      case 1: return String(v)
      case 2: return t.pad(v, 2)
      default: throw bad(tok, "")
      }
    }
    switch c {
    case "Y":
      guard n == 2 || n == 4 else { throw bad(tok, "year must either be \"YY\" or \"YYYY\"") }
      out += n == 2 ? t.pad(f.year % 100, 2) : t.pad(f.year, 4)
    case "M":
      switch n {
      case 1, 2: out += try num(f.month)
      case 3: out += String(DateTime.months[f.month - 1].prefix(3))
      case 4: out += DateTime.months[f.month - 1]
      default: throw bad(tok, "month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"")
      }
    case "D": out += try num(f.day)
    case "E":
      guard n == 3 || n == 4 else { throw bad(tok, "day of week must either be \"EEE\" or \"EEEE\"") }
      out += n == 3 ? String(DateTime.weekdays[f.weekday].prefix(3)) : DateTime.weekdays[f.weekday]
    case "h": out += try num(f.hour)
    case "H": out += try num(f.hour % 12 == 0 ? 12 : f.hour % 12)
    case "A", "a":
      guard n == 2 else { throw bad(tok, "must be \"\(c)\(c)\"") }
      let s = f.hour < 12 ? "AM" : "PM"
      out += c == "A" ? s : s.lowercased()
    case "m": out += try num(f.minute)
    case "s": out += try num(f.second)
    case "Z":
      switch n {
      case 1: out += t.offset == 0 ? "Z" : t.offsetString(colon: true)
      case 3: out += t.offset == 0 ? "UTC" : t.offsetString(colon: false)
      case 4: out += t.offsetString(colon: false)
      case 5: out += t.offsetString(colon: true)
      default: throw bad(tok, "timezone must be Z, ZZZZ, or ZZZZZ")
      }
    default: throw bad(tok, "")
    }
  }
  return out
}

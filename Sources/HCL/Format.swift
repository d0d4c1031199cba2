import Foundation

/// cty's `format`: printf-style verbs over HCL values (%v %#v %t %d %b %o %x %X %e %E %f %g %G %s %q %%),
/// with flags, width, precision and explicit argument indexes like `%[2]s`.
func formatString(_ format: String, _ args: [Value]) throws(FunctionError) -> String {
  var out = ""
  var chars = Array(format.unicodeScalars)[...]
  var next = 0
  var used = Set<Int>()
  while let c = chars.popFirst() {
    guard c == "%" else {
      out.unicodeScalars.append(c)
      continue
    }
    guard let first = chars.first else { throw FunctionError("unterminated format verb") }
    if first == "%" {
      chars.removeFirst()
      out += "%"
      continue
    }
    var flags = Set<Unicode.Scalar>()
    while let f = chars.first, "-+ 0#".unicodeScalars.contains(f) {
      flags.insert(f)
      chars.removeFirst()
    }
    if chars.first == "[" {
      chars.removeFirst()
      var digits = ""
      while let d = chars.first, ("0"..."9").contains(d) {
        digits.unicodeScalars.append(d)
        chars.removeFirst()
      }
      guard chars.popFirst() == "]", let idx = Int(digits), idx >= 1 else { throw FunctionError("invalid argument index in format verb") }
      next = idx - 1
    }
    func number() -> Int? {
      var digits = ""
      while let d = chars.first, ("0"..."9").contains(d) {
        digits.unicodeScalars.append(d)
        chars.removeFirst()
      }
      return Int(digits)
    }
    let width = number()
    var precision: Int?
    if chars.first == "." {
      chars.removeFirst()
      precision = number() ?? 0
    }
    // Bounded so a format string cannot demand gigabytes of padding.
    guard (width ?? 0) <= 10_000, (precision ?? 0) <= 1_000 else { throw FunctionError("format width or precision is too large") }
    guard let verb = chars.popFirst() else { throw FunctionError("unterminated format verb") }
    guard next < args.count else {
      throw FunctionError("not enough arguments for \"%\(verb)\" at \(out.unicodeScalars.count)")
    }
    let arg = args[next]
    used.insert(next)
    next += 1
    var text = try formatOne(verb, arg, flags: flags, precision: precision)
    if let width, text.count < width {
      let pad = width - text.count
      if flags.contains("-") {
        text += String(repeating: " ", count: pad)
      } else if flags.contains("0"), "dfeEgGbxXo".unicodeScalars.contains(verb) {
        let signed = text.hasPrefix("-") || text.hasPrefix("+")
        text = (signed ? String(text.prefix(1)) : "") + String(repeating: "0", count: pad) + (signed ? String(text.dropFirst()) : text)
      } else {
        text = String(repeating: " ", count: pad) + text
      }
    }
    out += text
  }
  if used.count < args.count, !args.isEmpty {
    throw FunctionError(used.isEmpty ? "too many arguments; no verbs in format string" : "too many arguments; only \(used.count) used by format string")
  }
  return out
}

private func formatOne(_ verb: Unicode.Scalar, _ v: Value, flags: Set<Unicode.Scalar>, precision: Int?) throws(FunctionError) -> String {
  func num() throws(FunctionError) -> Number {
    guard case .number(let n) = (try? v.converted(to: .number)) ?? .nullValue else {
      throw FunctionError("unsupported value for \"%\(verb)\": number required")
    }
    return n
  }
  func sign(_ s: String, _ negative: Bool) -> String {
    negative ? "-" + s : flags.contains("+") ? "+" + s : flags.contains(" ") ? " " + s : s
  }
  switch verb {
  case "v":
    if flags.contains("#") { return jsonEncode(v) }
    if v.isNull { return "null" }
    if case .string(let s) = v { return s }
    if case .number(let n) = v { return n.description }
    if case .bool(let b) = v { return b ? "true" : "false" }
    return jsonEncode(v)
  case "t":
    guard case .bool(let b) = (try? v.converted(to: .bool)) ?? .nullValue else {
      throw FunctionError("unsupported value for \"%t\": bool required")
    }
    return b ? "true" : "false"
  case "s", "q":
    if v.isNull { throw FunctionError("unsupported value for \"%\(verb)\": null value cannot be formatted") }
    guard case .string(var s) = (try? v.converted(to: .string)) ?? .nullValue else {
      throw FunctionError("unsupported value for \"%\(verb)\": string required")
    }
    if let precision { s = String(s.prefix(precision)) }
    return verb == "q" ? jsonEncode(.string(s)) : s
  case "d":
    let n = try num()
    guard n.isInteger else { throw FunctionError("unsupported value for \"%d\": integer required") }
    return sign(n.absolute.description, n.sign < 0)
  case "b", "o", "x", "X":
    if verb == "x" || verb == "X", case .string(let s) = v {
      let hex = s.utf8.map { String($0, radix: 16, uppercase: verb == "X") }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
      return hex
    }
    let n = try num()
    guard n.isInteger, let i = n.intValue else { throw FunctionError("unsupported value for \"%\(verb)\": integer required") }
    let radix = verb == "b" ? 2 : verb == "o" ? 8 : 16
    var digits = String(i.magnitude, radix: radix, uppercase: verb == "X")
    if flags.contains("#") { digits = (verb == "b" ? "0b" : verb == "o" ? "0" : verb == "x" ? "0x" : "0X") + digits }
    return sign(digits, i < 0)
  case "f", "e", "E", "g", "G":
    let n = try num()
    if verb == "f" { return sign(fixed(n.absolute, precision ?? 6), n.sign < 0) }
    let d = n.absolute.doubleValue
    var s: String
    switch verb {
    case "e", "E": s = scientific(d, precision ?? 6)
    default:
      s = precision.map { general(d, $0) } ?? shortestGeneral(n.absolute)
    }
    if verb == "E" || verb == "G" { s = s.uppercased() }
    return sign(s, n.sign < 0)
  default:
    throw FunctionError("unsupported format verb \"%\(verb)\"")
  }
}

/// `%g` without precision, as Go prints it: exact digits, in exponent form when the decimal
/// exponent is below -4 or at least 6.
func shortestGeneral(_ n: Number) -> String {
  if n.isZero { return "0" }
  let digits = n.magnitude.decimalString
  let exp = digits.count - 1 - n.scale
  if exp >= -4 && exp < 6 { return n.description }
  let trimmed = String(digits.reversed().drop { $0 == "0" }.reversed())
  let mant = trimmed.count > 1 ? String(trimmed.prefix(1)) + "." + trimmed.dropFirst() : trimmed
  let e = String(abs(exp))
  return mant + "e" + (exp < 0 ? "-" : "+") + (e.count < 2 ? "0" + e : e)
}

/// Fixed-point rendering with exact rounding (half away from zero).
func fixed(_ n: Number, _ precision: Int) -> String {
  let scaled = n * Number(negative: false, magnitude: BigUInt(1).shiftedLeft(decimalDigits: precision), scale: 0)
  var r = (scaled + (Number(parsing: "0.5") ?? .zero)).floor
  if r.sign < 0 { r = .zero }
  var digits = r.magnitude.decimalString
  if precision == 0 { return digits }
  if digits.count <= precision { digits = String(repeating: "0", count: precision - digits.count + 1) + digits }
  digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -precision))
  return digits
}

private func scientific(_ d: Double, _ precision: Int) -> String {
  if d == 0 { return precision > 0 ? "0." + String(repeating: "0", count: precision) + "e+00" : "0e+00" }
  var exp = Int(Foundation.log10(d).rounded(.down))
  var mant = d / Foundation.pow(10, Double(exp))
  if mant >= 10 {
    mant /= 10
    exp += 1
  }
  var m = precision < 0 ? (Number(mant)?.description ?? "0") : fixed(Number(mant) ?? .zero, precision)
  if m.hasPrefix("10") {
    exp += 1
    m = precision < 0 ? "1" : fixed(Number(mant / 10) ?? .zero, precision)
  }
  let e = String(abs(exp))
  return m + "e" + (exp < 0 ? "-" : "+") + (e.count < 2 ? "0" + e : e)
}

private func general(_ d: Double, _ precision: Int) -> String {
  let p = max(precision, 1)
  if d == 0 { return "0" }
  let exp = Int(Foundation.log10(d).rounded(.down))
  if exp < -4 || exp >= p { return scientific(d, p - 1) }
  var s = fixed(Number(d) ?? .zero, max(0, p - 1 - exp))
  if s.contains(".") {
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
  }
  return s
}

/// An exact decimal number: `±magnitude × 10^-scale`. Sums, differences and products are exact
/// (so 0.1 + 0.2 == 0.3, as in cty); quotients are rounded to `Number.divisionDigits` significant
/// digits when they do not terminate.
public struct Number: Hashable, Sendable, Comparable, CustomStringConvertible {
  var negative: Bool
  var magnitude: BigUInt
  /// Digits after the decimal point; always ≥ 0 and minimal (no trailing zeros in the fraction).
  var scale: Int

  /// Significant digits kept for quotients that do not terminate.
  static let divisionDigits = 40
  /// Upper bound on digits in any result, so hostile inputs (`pow(10, 1e9)`) fail instead of hanging.
  static let maxDigits = 4000

  init(negative: Bool, magnitude: BigUInt, scale: Int) {
    var m = magnitude
    var s = scale
    if s < 0 {
      m = m.shiftedLeft(decimalDigits: -s)
      s = 0
    }
    let tz = min(m.trailingDecimalZeros, s)
    if tz > 0 {
      m = m.shiftedRight(decimalDigits: tz).0
      s -= tz
    }
    if m.isZero { s = 0 }
    self.negative = negative && !m.isZero
    self.magnitude = m
    self.scale = s
  }

  public init(_ i: Int) {
    self.init(negative: i < 0, magnitude: BigUInt(i.magnitude.toUInt64), scale: 0)
  }

  /// Exact decimal value of a Double's shortest round-tripping representation.
  public init?(_ d: Double) {
    guard d.isFinite else { return nil }
    self.init(parsing: "\(d)")
  }

  /// Parses `-12`, `1.5`, `6.02e23`, `1E-5`.
  public init?(parsing text: String) {
    var s = Substring(text)
    var neg = false
    if s.first == "-" {
      neg = true
      s = s.dropFirst()
    } else if s.first == "+" {
      s = s.dropFirst()
    }
    var exp = 0
    if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      var es = s[s.index(after: e)...]
      var eneg = false
      if es.first == "-" || es.first == "+" {
        eneg = es.first == "-"
        es = es.dropFirst()
      }
      // Exponents are bounded like results, so `1e999999999` cannot exhaust memory.
      guard let ev = Int(es), ev <= Number.maxDigits else { return nil }
      exp = eneg ? -ev : ev
      s = s[..<e]
    }
    var intPart = s
    var frac: Substring = ""
    if let dot = s.firstIndex(of: ".") {
      intPart = s[..<dot]
      frac = s[s.index(after: dot)...]
      guard !frac.isEmpty else { return nil }
    }
    guard !intPart.isEmpty || !frac.isEmpty else { return nil }
    // Like exponents, digit counts are bounded so hostile literals cannot make arithmetic crawl.
    guard intPart.count + frac.count <= Number.maxDigits,
      let mag = BigUInt(decimal: Substring(String(intPart) + frac))
    else { return nil }
    self.init(negative: neg, magnitude: mag, scale: frac.count - exp)
  }

  public static let zero = Number(0)

  public var isInteger: Bool { scale == 0 }
  public var isZero: Bool { magnitude.isZero }
  public var sign: Int { isZero ? 0 : (negative ? -1 : 1) }

  /// The value as an `Int` when it is integral and fits.
  public var intValue: Int? {
    guard scale == 0, let u = magnitude.uint64 else { return nil }
    if negative {
      return u <= UInt64(Int.max) + 1 ? (u == UInt64(Int.max) + 1 ? Int.min : -Int(u)) : nil
    }
    return u <= UInt64(Int.max) ? Int(u) : nil
  }

  public var doubleValue: Double { Double(description) ?? (negative ? -.infinity : .infinity) }

  /// Plain decimal notation without exponent, as cty prints numbers: `1.5`, `-3`, `0.3`.
  public var description: String {
    var digits = magnitude.decimalString
    if scale > 0 {
      if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
      digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
    }
    return (negative ? "-" : "") + digits
  }

  static func aligned(_ a: Number, _ b: Number) -> (BigUInt, BigUInt, Int) {
    let s = max(a.scale, b.scale)
    return (a.magnitude.shiftedLeft(decimalDigits: s - a.scale), b.magnitude.shiftedLeft(decimalDigits: s - b.scale), s)
  }

  public static func < (a: Number, b: Number) -> Bool {
    if a.negative != b.negative { return a.negative }
    let (x, y, _) = aligned(a, b)
    return a.negative ? y < x : x < y
  }

  public static prefix func - (a: Number) -> Number {
    Number(negative: !a.negative, magnitude: a.magnitude, scale: a.scale)
  }

  public static func + (a: Number, b: Number) -> Number {
    let (x, y, s) = aligned(a, b)
    if a.negative == b.negative { return Number(negative: a.negative, magnitude: x + y, scale: s) }
    return x < y ? Number(negative: b.negative, magnitude: y - x, scale: s) : Number(negative: a.negative, magnitude: x - y, scale: s)
  }

  public static func - (a: Number, b: Number) -> Number { a + (-b) }

  /// The product, or nil when it would exceed `maxDigits` (checked before multiplying).
  func times(_ b: Number) -> Number? {
    digitCount + b.digitCount > Number.maxDigits + 1 ? nil : self * b
  }

  public static func * (a: Number, b: Number) -> Number {
    Number(negative: a.negative != b.negative, magnitude: a.magnitude * b.magnitude, scale: a.scale + b.scale)
  }

  /// Checked quotient; nil when dividing by zero.
  public func divided(by b: Number) -> Number? {
    guard !b.isZero else { return nil }
    let (x, y, _) = Number.aligned(self, b)
    // Scale the dividend so the quotient carries enough significant digits.
    let extra = max(0, Number.divisionDigits - (x.digitCount - y.digitCount))
    let (q, r) = x.shiftedLeft(decimalDigits: extra).quotientAndRemainder(dividingBy: y)
    var result = Number(negative: negative != b.negative, magnitude: q, scale: extra)
    if !r.isZero && r + r >= y {  // round half away from zero at the last kept digit
      result = result + Number(negative: result.negative, magnitude: BigUInt(1), scale: extra)
    }
    return result
  }

  /// Truncated remainder (sign follows the dividend); nil when dividing by zero.
  public func remainder(dividingBy b: Number) -> Number? {
    guard !b.isZero else { return nil }
    let (x, y, s) = Number.aligned(self, b)
    return Number(negative: negative, magnitude: x.quotientAndRemainder(dividingBy: y).1, scale: s)
  }

  public var truncated: Number {
    Number(negative: negative, magnitude: magnitude.shiftedRight(decimalDigits: scale).0, scale: 0)
  }

  public var floor: Number {
    let t = truncated
    return negative && t != self ? t - Number(1) : t
  }

  public var ceil: Number {
    let t = truncated
    return !negative && t != self ? t + Number(1) : t
  }

  public var absolute: Number { Number(negative: false, magnitude: magnitude, scale: scale) }

  var digitCount: Int { magnitude.digitCount }
}

extension UInt {
  fileprivate var toUInt64: UInt64 { UInt64(self) }
}

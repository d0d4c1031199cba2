/// An unsigned integer of any size, held as little-endian base-10⁹ limbs so that decimal
/// printing and scaling by powers of ten stay cheap. Only what `Number` needs is here.
struct BigUInt: Hashable, Sendable, Comparable {
  static let base: UInt64 = 1_000_000_000
  /// Little-endian limbs, no trailing zero limbs; zero is `[]`.
  private(set) var limbs: [UInt32]

  init() { limbs = [] }

  init(_ v: UInt64) {
    var v = v
    var l: [UInt32] = []
    while v > 0 {
      l.append(UInt32(v % Self.base))
      v /= Self.base
    }
    limbs = l
  }

  private init(limbs: [UInt32]) {
    var l = limbs
    while let last = l.last, last == 0 { l.removeLast() }
    self.limbs = l
  }

  /// Parses a run of ASCII decimal digits.
  init?(decimal s: Substring) {
    guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    var l: [UInt32] = []
    var end = s.endIndex
    while end > s.startIndex {
      let start = s.index(end, offsetBy: -9, limitedBy: s.startIndex) ?? s.startIndex
      l.append(UInt32(s[start..<end]) ?? 0)
      end = start
    }
    self.init(limbs: l)
  }

  var isZero: Bool { limbs.isEmpty }

  var uint64: UInt64? {
    var r: UInt64 = 0
    for limb in limbs.reversed() {
      let (m, o1) = r.multipliedReportingOverflow(by: Self.base)
      let (a, o2) = m.addingReportingOverflow(UInt64(limb))
      if o1 || o2 { return nil }
      r = a
    }
    return r
  }

  var decimalString: String {
    guard let top = limbs.last else { return "0" }
    var s = String(top)
    for limb in limbs.dropLast().reversed() {
      let d = String(limb)
      s += String(repeating: "0", count: 9 - d.count) + d
    }
    return s
  }

  var digitCount: Int {
    guard let top = limbs.last else { return 0 }
    return (limbs.count - 1) * 9 + String(top).count
  }

  static func < (a: BigUInt, b: BigUInt) -> Bool {
    if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count }
    for i in stride(from: a.limbs.count - 1, through: 0, by: -1) where a.limbs[i] != b.limbs[i] {
      return a.limbs[i] < b.limbs[i]
    }
    return false
  }

  static func + (a: BigUInt, b: BigUInt) -> BigUInt {
    var r: [UInt32] = []
    r.reserveCapacity(max(a.limbs.count, b.limbs.count) + 1)
    var carry: UInt64 = 0
    for i in 0..<max(a.limbs.count, b.limbs.count) {
      let s = UInt64(i < a.limbs.count ? a.limbs[i] : 0) + UInt64(i < b.limbs.count ? b.limbs[i] : 0) + carry
      r.append(UInt32(s % base))
      carry = s / base
    }
    if carry > 0 { r.append(UInt32(carry)) }
    return BigUInt(limbs: r)
  }

  /// `a - b`, requiring `a >= b`.
  static func - (a: BigUInt, b: BigUInt) -> BigUInt {
    var r: [UInt32] = []
    var borrow: Int64 = 0
    for i in 0..<a.limbs.count {
      var d = Int64(a.limbs[i]) - Int64(i < b.limbs.count ? b.limbs[i] : 0) - borrow
      if d < 0 {
        d += Int64(base)
        borrow = 1
      } else {
        borrow = 0
      }
      r.append(UInt32(d))
    }
    return BigUInt(limbs: r)
  }

  static func * (a: BigUInt, b: BigUInt) -> BigUInt {
    if a.isZero || b.isZero { return BigUInt() }
    var r = [UInt64](repeating: 0, count: a.limbs.count + b.limbs.count + 1)
    for i in 0..<a.limbs.count {
      var carry: UInt64 = 0
      let x = UInt64(a.limbs[i])
      for j in 0..<b.limbs.count {
        let t = r[i + j] + x * UInt64(b.limbs[j]) + carry
        r[i + j] = t % base
        carry = t / base
      }
      var k = i + b.limbs.count
      while carry > 0 {
        let t = r[k] + carry
        r[k] = t % base
        carry = t / base
        k += 1
      }
    }
    return BigUInt(limbs: r.map { UInt32($0) })
  }

  /// Multiplies by 10^n.
  func shiftedLeft(decimalDigits n: Int) -> BigUInt {
    if n <= 0 || isZero { return self }
    let whole = n / 9
    var r = BigUInt(limbs: [UInt32](repeating: 0, count: whole) + limbs)
    var rest = n % 9
    while rest > 0 {
      let step = min(rest, 9)
      r = r * BigUInt(UInt64(pow10(step)))
      rest -= step
    }
    return r
  }

  /// Divides by 10^n, truncating; also returns whether any nonzero digit was dropped.
  func shiftedRight(decimalDigits n: Int) -> (BigUInt, inexact: Bool) {
    if n <= 0 || isZero { return (self, false) }
    if n >= digitCount { return (BigUInt(), !isZero) }
    let s = decimalString
    let kept = s.dropLast(n)
    let dropped = s.suffix(n)
    return (BigUInt(decimal: kept) ?? BigUInt(), dropped.contains { $0 != "0" })
  }

  /// Number of trailing decimal zeros.
  var trailingDecimalZeros: Int {
    if isZero { return 0 }
    var n = 0
    for limb in limbs {
      if limb == 0 {
        n += 9
        continue
      }
      var v = limb
      while v % 10 == 0 {
        v /= 10
        n += 1
      }
      break
    }
    return n
  }

  /// Quotient and remainder by schoolbook long division, one base-10⁹ limb at a time.
  func quotientAndRemainder(dividingBy d: BigUInt) -> (BigUInt, BigUInt) {
    // Callers check for zero; answering (0, self) keeps a slip from trapping.
    if d.isZero || self < d { return (BigUInt(), self) }
    if d.limbs.count == 1 {
      let dv = UInt64(d.limbs[0])
      var q = [UInt32](repeating: 0, count: limbs.count)
      var rem: UInt64 = 0
      for i in stride(from: limbs.count - 1, through: 0, by: -1) {
        let cur = rem * Self.base + UInt64(limbs[i])
        q[i] = UInt32(cur / dv)
        rem = cur % dv
      }
      return (BigUInt(limbs: q), BigUInt(rem))
    }
    var q = [UInt32](repeating: 0, count: limbs.count)
    var rem = BigUInt()
    for i in stride(from: limbs.count - 1, through: 0, by: -1) {
      rem = BigUInt(limbs: [limbs[i]] + rem.limbs)
      if rem < d { continue }
      // Binary search the quotient limb; 30 steps of a cheap multiply are fine at these sizes.
      var lo: UInt64 = 0
      var hi: UInt64 = Self.base - 1
      while lo < hi {
        let mid = (lo + hi + 1) / 2
        if d * BigUInt(mid) <= rem { lo = mid } else { hi = mid - 1 }
      }
      q[i] = UInt32(lo)
      rem = rem - d * BigUInt(lo)
    }
    return (BigUInt(limbs: q), rem)
  }
}

func pow10(_ n: Int) -> UInt64 {
  var r: UInt64 = 1
  for _ in 0..<n { r *= 10 }
  return r
}

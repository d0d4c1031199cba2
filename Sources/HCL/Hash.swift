import Foundation

/// MD5, SHA-1, SHA-256 and SHA-512 in pure Swift (Foundation on Linux has no CryptoKit).
/// The SHA-2 round constants are derived exactly from prime roots rather than transcribed.
enum Hash {
  static func hex(_ bytes: [UInt8]) -> String {
    bytes.map { b in
      let h = String(b, radix: 16)
      return h.count == 1 ? "0" + h : h
    }.joined()
  }

  /// Message padding shared by all four: 0x80, zeros, then the bit length.
  private static func pad(_ m: [UInt8], block: Int, lengthBytes: Int, bigEndian: Bool) -> [UInt8] {
    var out = m
    out.append(0x80)
    while (out.count + lengthBytes) % block != 0 { out.append(0) }
    let bits = UInt64(m.count) &* 8
    var len = (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
    if bigEndian { len.reverse() }
    out += [UInt8](repeating: 0, count: lengthBytes - 8) + len
    return out
  }

  static func md5(_ m: [UInt8]) -> [UInt8] {
    let s: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]
    var k = [UInt32](repeating: 0, count: 64)
    for i in 0..<64 { k[i] = UInt32(truncatingIfNeeded: Int64((abs(sin(Double(i + 1))) * 4294967296.0).rounded(.down))) }
    var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476]
    let data = pad(m, block: 64, lengthBytes: 8, bigEndian: false)
    for chunk in stride(from: 0, to: data.count, by: 64) {
      let w = (0..<16).map { i in (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[chunk + i * 4 + $1]) << (8 * UInt32($1)) } }
      var (a, b, c, d) = (h[0], h[1], h[2], h[3])
      for i in 0..<64 {
        var f: UInt32
        var g: Int
        switch i {
        case 0..<16: (f, g) = ((b & c) | (~b & d), i)
        case 16..<32: (f, g) = ((d & b) | (~d & c), (5 * i + 1) % 16)
        case 32..<48: (f, g) = (b ^ c ^ d, (3 * i + 5) % 16)
        default: (f, g) = (c ^ (b | ~d), (7 * i) % 16)
        }
        f = f &+ a &+ k[i] &+ w[g]
        a = d
        d = c
        c = b
        let sh = s[(i / 16) * 4 + i % 4]
        b = b &+ ((f << sh) | (f >> (32 - sh)))
      }
      h[0] = h[0] &+ a
      h[1] = h[1] &+ b
      h[2] = h[2] &+ c
      h[3] = h[3] &+ d
    }
    return h.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
  }

  static func sha1(_ m: [UInt8]) -> [UInt8] {
    var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
    let data = pad(m, block: 64, lengthBytes: 8, bigEndian: true)
    func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
    for chunk in stride(from: 0, to: data.count, by: 64) {
      var w = (0..<16).map { i in (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(data[chunk + i * 4 + $1]) } }
      for i in 16..<80 { w.append(rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1)) }
      var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
      for i in 0..<80 {
        let (f, k): (UInt32, UInt32) =
          switch i {
          case 0..<20: ((b & c) | (~b & d), 0x5A82_7999)
          case 20..<40: (b ^ c ^ d, 0x6ED9_EBA1)
          case 40..<60: ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
          default: (b ^ c ^ d, 0xCA62_C1D6)
          }
        let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
        (e, d, c, b, a) = (d, c, rotl(b, 30), a, t)
      }
      for (i, v) in [a, b, c, d, e].enumerated() { h[i] = h[i] &+ v }
    }
    return h.flatMap { v in (0..<4).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
  }

  private static let primes: [UInt64] = {
    var ps: [UInt64] = []
    var n: UInt64 = 2
    while ps.count < 80 {
      if !ps.contains(where: { n % $0 == 0 }) { ps.append(n) }
      n += 1
    }
    return ps
  }()

  /// The first `bits` bits of the fractional part of p^(1/root), computed exactly.
  private static func fractionBits(_ p: UInt64, root: Int, bits: Int) -> UInt64 {
    let scale = BigUInt(1 << 32)
    var target = BigUInt(p)
    for _ in 0..<(root * bits / 32) { target = target * scale }
    // Largest r with r^root <= p * 2^(root*bits), by bisection.
    var lo = BigUInt()
    var hi = BigUInt(1)
    for _ in 0..<(bits / 32 + 1) { hi = hi * scale }
    let one = BigUInt(1)
    while lo < hi {
      let mid = (lo + hi + one).quotientAndRemainder(dividingBy: BigUInt(2)).0
      var pw = mid
      for _ in 1..<root { pw = pw * mid }
      if pw <= target { lo = mid } else { hi = mid - one }
    }
    var modulus = BigUInt(1)
    for _ in 0..<(bits / 32) { modulus = modulus * scale }
    return lo.quotientAndRemainder(dividingBy: modulus).1.uint64 ?? 0
  }

  private static let k256: [UInt32] = primes.prefix(64).map { UInt32(fractionBits($0, root: 3, bits: 32)) }
  private static let h256: [UInt32] = primes.prefix(8).map { UInt32(fractionBits($0, root: 2, bits: 32)) }
  private static let k512: [UInt64] = primes.map { fractionBits($0, root: 3, bits: 64) }
  private static let h512: [UInt64] = primes.prefix(8).map { fractionBits($0, root: 2, bits: 64) }

  static func sha256(_ m: [UInt8]) -> [UInt8] {
    var h = h256
    let k = k256
    let data = pad(m, block: 64, lengthBytes: 8, bigEndian: true)
    func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
    for chunk in stride(from: 0, to: data.count, by: 64) {
      var w = (0..<16).map { i in (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(data[chunk + i * 4 + $1]) } }
      for i in 16..<64 {
        let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
        let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
        w.append(w[i - 16] &+ s0 &+ w[i - 7] &+ s1)
      }
      var v = h
      for i in 0..<64 {
        let s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25)
        let ch = (v[4] & v[5]) ^ (~v[4] & v[6])
        let t1 = v[7] &+ s1 &+ ch &+ k[i] &+ w[i]
        let s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22)
        let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2])
        v = [t1 &+ s0 &+ maj, v[0], v[1], v[2], v[3] &+ t1, v[4], v[5], v[6]]
      }
      for i in 0..<8 { h[i] = h[i] &+ v[i] }
    }
    return h.flatMap { v in (0..<4).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
  }

  static func sha512(_ m: [UInt8]) -> [UInt8] {
    var h = h512
    let k = k512
    let data = pad(m, block: 128, lengthBytes: 16, bigEndian: true)
    func rotr(_ x: UInt64, _ n: UInt64) -> UInt64 { (x >> n) | (x << (64 - n)) }
    for chunk in stride(from: 0, to: data.count, by: 128) {
      var w = (0..<16).map { i in (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(data[chunk + i * 8 + $1]) } }
      for i in 16..<80 {
        let s0 = rotr(w[i - 15], 1) ^ rotr(w[i - 15], 8) ^ (w[i - 15] >> 7)
        let s1 = rotr(w[i - 2], 19) ^ rotr(w[i - 2], 61) ^ (w[i - 2] >> 6)
        w.append(w[i - 16] &+ s0 &+ w[i - 7] &+ s1)
      }
      var v = h
      for i in 0..<80 {
        let s1 = rotr(v[4], 14) ^ rotr(v[4], 18) ^ rotr(v[4], 41)
        let ch = (v[4] & v[5]) ^ (~v[4] & v[6])
        let t1 = v[7] &+ s1 &+ ch &+ k[i] &+ w[i]
        let s0 = rotr(v[0], 28) ^ rotr(v[0], 34) ^ rotr(v[0], 39)
        let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2])
        v = [t1 &+ s0 &+ maj, v[0], v[1], v[2], v[3] &+ t1, v[4], v[5], v[6]]
      }
      for i in 0..<8 { h[i] = h[i] &+ v[i] }
    }
    return h.flatMap { v in (0..<8).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
  }
}

import Foundation

/// Just enough RSA for `rsadecrypt`: PEM/DER private keys (PKCS#1 or PKCS#8), Montgomery
/// modular exponentiation, and PKCS#1 v1.5 unpadding.
enum RSA {
  struct Key {
    var n: [UInt32]  // little-endian limbs
    var d: [UInt32]
  }

  enum Failure: Error {
    case key(String)
    case decrypt(String)
  }

  static func decrypt(_ ciphertext: [UInt8], pem: String) throws(Failure) -> [UInt8] {
    let key = try parseKey(pem)
    let k = (bitLength(key.n) + 7) / 8
    guard ciphertext.count == k else { throw .decrypt("crypto/rsa: decryption error") }
    let c = limbs(ciphertext, count: key.n.count)
    guard compare(c, key.n) < 0 else { throw .decrypt("crypto/rsa: decryption error") }
    let m = bytes(modPow(c, key.d, key.n), count: k)
    // EM = 0x00 || 0x02 || PS (≥ 8 non-zero bytes) || 0x00 || M
    guard m.count >= 11, m[0] == 0, m[1] == 2, let sep = m[2...].firstIndex(of: 0), sep >= 10 else {
      throw .decrypt("crypto/rsa: decryption error")
    }
    return Array(m[(sep + 1)...])
  }

  // MARK: Keys

  static func parseKey(_ pem: String) throws(Failure) -> Key {
    let body = pem.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") && !$0.contains(":") }.joined()
    guard pem.contains("-----BEGIN"), let der = Data(base64Encoded: body, options: .ignoreUnknownCharacters) else {
      throw .key("no key found")
    }
    var r = DER(bytes: Array(der))
    var seq = try r.sequence()
    let version = try seq.integer()
    if version == [0], seq.peekTag == 0x30 {
      // PKCS#8: AlgorithmIdentifier, then the PKCS#1 key inside an OCTET STRING.
      _ = try seq.element(tag: 0x30)
      var inner = DER(bytes: try seq.element(tag: 0x04))
      seq = try inner.sequence()
      _ = try seq.integer()
    }
    let n = try seq.integer()
    _ = try seq.integer()  // public exponent
    let d = try seq.integer()
    let count = (n.count + 3) / 4
    return Key(n: limbs(n, count: count), d: limbs(d, count: count))
  }

  struct DER {
    var bytes: [UInt8]
    var pos = 0

    var peekTag: UInt8? { pos < bytes.count ? bytes[pos] : nil }

    mutating func element(tag: UInt8) throws(Failure) -> [UInt8] {
      guard pos + 2 <= bytes.count, bytes[pos] == tag else { throw .key("asn1: structure error") }
      pos += 1
      var len = Int(bytes[pos])
      pos += 1
      if len & 0x80 != 0 {
        let n = len & 0x7F
        guard n <= 4, pos + n <= bytes.count else { throw .key("asn1: invalid length") }
        len = bytes[pos..<pos + n].reduce(0) { $0 << 8 | Int($1) }
        pos += n
      }
      guard len <= bytes.count - pos else { throw .key("asn1: truncated") }
      defer { pos += len }
      return Array(bytes[pos..<pos + len])
    }

    mutating func sequence() throws(Failure) -> DER { DER(bytes: try element(tag: 0x30)) }

    mutating func integer() throws(Failure) -> [UInt8] {
      let v = try element(tag: 0x02)
      let trimmed = Array(v.drop { $0 == 0 })
      return trimmed.isEmpty ? [0] : trimmed
    }
  }

  // MARK: Arithmetic on little-endian UInt32 limbs

  static func limbs(_ bigEndian: [UInt8], count: Int) -> [UInt32] {
    var out = [UInt32](repeating: 0, count: count)
    for (i, b) in bigEndian.reversed().enumerated() where i / 4 < count {
      out[i / 4] |= UInt32(b) << (8 * UInt32(i % 4))
    }
    return out
  }

  static func bytes(_ limbs: [UInt32], count: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    for i in 0..<count where i / 4 < limbs.count {
      out[count - 1 - i] = UInt8(truncatingIfNeeded: limbs[i / 4] >> (8 * UInt32(i % 4)))
    }
    return out
  }

  static func bitLength(_ a: [UInt32]) -> Int {
    guard let top = a.lastIndex(where: { $0 != 0 }) else { return 0 }
    return top * 32 + (32 - a[top].leadingZeroBitCount)
  }

  static func compare(_ a: [UInt32], _ b: [UInt32]) -> Int {
    for i in stride(from: max(a.count, b.count) - 1, through: 0, by: -1) {
      let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
      if x != y { return x < y ? -1 : 1 }
    }
    return 0
  }

  /// a - b in place, requiring a ≥ b (an extra top limb of `a` may absorb the borrow).
  static func subtract(_ a: inout [UInt32], _ b: [UInt32]) {
    var borrow: Int64 = 0
    for i in 0..<a.count {
      var v = Int64(a[i]) - Int64(i < b.count ? b[i] : 0) - borrow
      borrow = v < 0 ? 1 : 0
      if v < 0 { v += 1 << 32 }
      a[i] = UInt32(v)
    }
  }

  /// Montgomery product a·b·R⁻¹ mod n, with R = 2^(32·s).
  static func montMul(_ a: [UInt32], _ b: [UInt32], _ n: [UInt32], _ n0inv: UInt32) -> [UInt32] {
    let s = n.count
    var t = [UInt32](repeating: 0, count: s + 2)
    for i in 0..<s {
      var c: UInt64 = 0
      let bi = UInt64(b[i])
      for j in 0..<s {
        let v = UInt64(t[j]) + UInt64(a[j]) * bi + c
        t[j] = UInt32(truncatingIfNeeded: v)
        c = v >> 32
      }
      var v = UInt64(t[s]) + c
      t[s] = UInt32(truncatingIfNeeded: v)
      t[s + 1] = UInt32(v >> 32)
      let m = UInt64(t[0] &* n0inv)
      c = (UInt64(t[0]) + m * UInt64(n[0])) >> 32
      for j in 1..<s {
        v = UInt64(t[j]) + m * UInt64(n[j]) + c
        t[j - 1] = UInt32(truncatingIfNeeded: v)
        c = v >> 32
      }
      v = UInt64(t[s]) + c
      t[s - 1] = UInt32(truncatingIfNeeded: v)
      t[s] = t[s + 1] + UInt32(v >> 32)
    }
    var r = Array(t[0...s])
    if compare(r, n) >= 0 { subtract(&r, n) }
    return Array(r[0..<s])
  }

  static func modPow(_ base: [UInt32], _ exp: [UInt32], _ n: [UInt32]) -> [UInt32] {
    guard let n0 = n.first, n0 & 1 == 1 else { return base }
    var inv: UInt32 = 1
    for _ in 0..<5 { inv = inv &* (2 &- n0 &* inv) }
    let n0inv = 0 &- inv
    // R mod n and R² mod n by doubling, which needs no division.
    var x = [UInt32](repeating: 0, count: n.count + 1)
    x[0] = 1
    var rModN: [UInt32] = []
    for step in 1...(2 * 32 * n.count) {
      var carry: UInt32 = 0
      for i in 0..<x.count {
        let v = x[i]
        x[i] = v << 1 | carry
        carry = v >> 31
      }
      if compare(x, n) >= 0 { subtract(&x, n) }
      if step == 32 * n.count { rModN = Array(x[0..<n.count]) }
    }
    let r2 = Array(x[0..<n.count])
    let b = montMul(base, r2, n, n0inv)
    var acc = rModN
    for i in stride(from: bitLength(exp) - 1, through: 0, by: -1) {
      acc = montMul(acc, acc, n, n0inv)
      if exp[i / 32] >> UInt32(i % 32) & 1 == 1 { acc = montMul(acc, b, n, n0inv) }
    }
    var one = [UInt32](repeating: 0, count: n.count)
    one[0] = 1
    return montMul(acc, one, n, n0inv)
  }
}

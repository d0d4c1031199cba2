/// bcrypt ($2a$) over Blowfish. Blowfish's initial P-array and S-boxes are the hexadecimal
/// digits of π's fraction; they are computed once (Machin's formula in fixed point) rather
/// than transcribed.
enum Bcrypt {
  static let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

  /// The first `count` 32-bit words of π's fractional part.
  static func piWords(_ count: Int) -> [UInt32] {
    let n = count + 3  // one integer word, two guard words
    func divide(_ a: inout [UInt32], _ d: UInt64) {
      var rem: UInt64 = 0
      for i in 0..<a.count {
        let cur = rem << 32 | UInt64(a[i])
        a[i] = UInt32(cur / d)
        rem = cur % d
      }
    }
    func add(_ a: inout [UInt32], _ b: [UInt32], negate: Bool) {
      var carry: Int64 = 0
      for i in stride(from: a.count - 1, through: 0, by: -1) {
        var v = Int64(a[i]) + (negate ? -Int64(b[i]) : Int64(b[i])) + carry
        carry = 0
        if v < 0 {
          v += 1 << 32
          carry = -1
        } else if v >= 1 << 32 {
          v -= 1 << 32
          carry = 1
        }
        a[i] = UInt32(v)
      }
    }
    /// `factor` · atan(1/x), by its alternating series.
    func atanInverse(_ x: UInt64, times factor: UInt64) -> [UInt32] {
      var power = [UInt32](repeating: 0, count: n)
      power[0] = UInt32(factor)
      divide(&power, x)
      var sum = power
      var k: UInt64 = 1
      while power.contains(where: { $0 != 0 }) {
        divide(&power, x * x)
        var term = power
        divide(&term, 2 * k + 1)
        add(&sum, term, negate: k % 2 == 1)
        k += 1
      }
      return sum
    }
    var pi = atanInverse(5, times: 16)
    add(&pi, atanInverse(239, times: 4), negate: true)
    return Array(pi[1...count])
  }

  struct State {
    var p: [UInt32]
    var s: [UInt32]  // four boxes of 256, concatenated

    static let initial: State = {
      let words = piWords(18 + 1024)
      return State(p: Array(words[0..<18]), s: Array(words[18...]))
    }()

    @inline(__always) func f(_ x: UInt32) -> UInt32 {
      let a = s[Int(x >> 24)], b = s[256 + Int((x >> 16) & 0xFF)]
      let c = s[512 + Int((x >> 8) & 0xFF)], d = s[768 + Int(x & 0xFF)]
      return ((a &+ b) ^ c) &+ d
    }

    func encrypt(_ l: inout UInt32, _ r: inout UInt32) {
      var xl = l, xr = r
      for i in 0..<16 {
        xl ^= p[i]
        xr ^= f(xl)
        swap(&xl, &xr)
      }
      swap(&xl, &xr)
      xr ^= p[16]
      xl ^= p[17]
      (l, r) = (xl, xr)
    }

    /// Blowfish key schedule, optionally mixing in a salt as bcrypt's EksBlowfish does.
    mutating func expand(key: [UInt8], salt: [UInt8]?) {
      var kp = 0
      for i in 0..<18 { p[i] ^= State.word(key, &kp) }
      var l: UInt32 = 0, r: UInt32 = 0
      var sp = 0
      for i in stride(from: 0, to: 18, by: 2) {
        if let salt {
          l ^= State.word(salt, &sp)
          r ^= State.word(salt, &sp)
        }
        encrypt(&l, &r)
        (p[i], p[i + 1]) = (l, r)
      }
      for i in stride(from: 0, to: 1024, by: 2) {
        if let salt {
          l ^= State.word(salt, &sp)
          r ^= State.word(salt, &sp)
        }
        encrypt(&l, &r)
        (s[i], s[i + 1]) = (l, r)
      }
    }

    /// Four bytes, big-endian, cycling through `data`.
    static func word(_ data: [UInt8], _ pos: inout Int) -> UInt32 {
      var w: UInt32 = 0
      for _ in 0..<4 {
        w = w << 8 | UInt32(data.isEmpty ? 0 : data[pos % data.count])
        pos += 1
      }
      return w
    }
  }

  /// The `$2a$` hash of `password` with a 16-byte salt.
  static func hash(_ password: String, cost: Int, salt: [UInt8]) -> String {
    let key = Array((Array(password.utf8) + [0]).prefix(72))
    var st = State.initial
    st.expand(key: key, salt: salt)
    for _ in 0..<(1 << cost) {
      st.expand(key: key, salt: nil)
      st.expand(key: salt, salt: nil)
    }
    var ctext = Array("OrpheanBeholderScryDoubt".utf8)
    var words = (0..<6).map { i in ctext[i * 4..<i * 4 + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    for _ in 0..<64 {
      for j in stride(from: 0, to: 6, by: 2) {
        var (l, r) = (words[j], words[j + 1])
        st.encrypt(&l, &r)
        (words[j], words[j + 1]) = (l, r)
      }
    }
    ctext = words.flatMap { w in (0..<4).reversed().map { UInt8(truncatingIfNeeded: w >> (8 * UInt32($0))) } }
    let c = cost < 10 ? "0\(cost)" : "\(cost)"
    return "$2a$\(c)$" + encode(salt, count: 22) + encode(Array(ctext.prefix(23)), count: 31)
  }

  /// bcrypt's base64: its own alphabet, no padding.
  static func encode(_ bytes: [UInt8], count: Int) -> String {
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
      let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
      out.append(alphabet[Int(b0 >> 2)])
      out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
      out.append(alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)])
      out.append(alphabet[Int(b2 & 0x3F)])
      i += 3
    }
    return String(decoding: out.prefix(count), as: UTF8.self)
  }

  static func decode(_ text: String) -> [UInt8]? {
    var vals: [UInt8] = []
    for c in text.utf8 {
      guard let v = alphabet.firstIndex(of: c) else { return nil }
      vals.append(UInt8(v))
    }
    var out: [UInt8] = []
    var i = 0
    while i + 1 < vals.count {
      out.append(vals[i] << 2 | vals[i + 1] >> 4)
      if i + 2 < vals.count { out.append(vals[i + 1] << 4 | vals[i + 2] >> 2) }
      if i + 3 < vals.count { out.append(vals[i + 2] << 6 | vals[i + 3]) }
      i += 4
    }
    return out
  }
}

/// Deterministic entry points for known-answer tests (the public `bcrypt` salts randomly).
@_spi(Testing) public enum BcryptTesting {
  public static func hash(_ password: String, setting: String) -> String? {
    let parts = setting.split(separator: "$")
    guard parts.count == 3, let cost = Int(parts[1]), (4...31).contains(cost), let salt = Bcrypt.decode(String(parts[2])),
      salt.count >= 16
    else { return nil }
    return Bcrypt.hash(password, cost: cost, salt: Array(salt.prefix(16)))
  }

  public static func piWords(_ count: Int) -> [UInt32] { Bcrypt.piWords(count) }
}

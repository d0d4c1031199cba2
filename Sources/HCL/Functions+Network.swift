extension Stdlib {
  static let network: [String: Function] = [
    "cidrhost": fn([P("prefix", .string), P("hostnum", .number)]) { a throws(FunctionError) in
      let net = try CIDR(parsing: a[0].s)
      let hostBits = net.bits - net.prefix
      let n = a[1].n
      guard n.isInteger else { throw FunctionError("hostnum must be a whole number", argument: 1) }
      let size = CIDR.pow2(hostBits)
      let index = n.sign < 0 ? size + n : n
      guard index.sign >= 0, index < size else {
        throw FunctionError("prefix of \(net.prefix) bits cannot accommodate a host numbered \(n)")
      }
      return .string(CIDR.format(CIDR.add(net.address, index)))
    },
    "cidrnetmask": fn([P("prefix", .string)]) { a throws(FunctionError) in
      let net = try CIDR(parsing: a[0].s)
      guard net.address.count == 4 else { throw FunctionError("only IPv4 networks are supported") }
      return .string(CIDR.format(CIDR.mask(prefix: net.prefix, bytes: 4)))
    },
    "cidrsubnet": fn([P("prefix", .string), P("newbits", .number), P("netnum", .number)]) { a throws(FunctionError) in
      let net = try CIDR(parsing: a[0].s)
      let newbits = try a[1].int(1, "newbits")
      guard newbits >= 0, newbits <= net.bits - net.prefix else {
        throw FunctionError("insufficient address space to extend prefix of \(net.prefix) by \(newbits)")
      }
      let num = a[2].n
      guard num.isInteger, num.sign >= 0, num < CIDR.pow2(newbits) else {
        throw FunctionError("prefix extension of \(newbits) does not accommodate a subnet numbered \(num)")
      }
      return .string(try net.subnet(newbits: newbits, number: num).description)
    },
    "cidrsubnets": fn([P("prefix", .string)], variadic: P("newbits", .number)) { a throws(FunctionError) in
      let net = try CIDR(parsing: a[0].s)
      var out: [Value] = []
      var next = Number(0)  // the next free address offset from the network start
      for (i, nb) in a.dropFirst().enumerated() {
        let newbits = try nb.int(i + 1, "newbits")
        guard newbits >= 1, newbits <= net.bits - net.prefix else {
          throw FunctionError("would extend prefix to \(newbits > 1000 ? "more than 1000" : String(net.prefix + newbits)) bits, which is too long for an IPv\(net.bits == 32 ? 4 : 6) address", argument: i + 1)
        }
        let blockSize = CIDR.pow2(net.bits - net.prefix - newbits)
        // Align to the block size, as subnets of differing sizes must not overlap.
        let rem = next.remainder(dividingBy: blockSize) ?? .zero
        if !rem.isZero { next = next + blockSize - rem }
        guard next + blockSize <= CIDR.pow2(net.bits - net.prefix) else {
          throw FunctionError("not enough remaining address space for a subnet with a prefix of \(net.prefix + newbits) bits after \(out.last?.s ?? a[0].s)", argument: i + 1)
        }
        let sub = CIDR(address: CIDR.add(net.address, next), prefix: net.prefix + newbits)
        out.append(.string(sub.description))
        next = next + blockSize
      }
      return .list(out, .string)
    },
  ]
}

/// An IPv4 or IPv6 network, with host bits cleared as Go's ParseCIDR does.
struct CIDR: CustomStringConvertible {
  var address: [UInt8]
  var prefix: Int
  var bits: Int { address.count * 8 }

  init(address: [UInt8], prefix: Int) {
    self.address = address
    self.prefix = prefix
  }

  init(parsing s: String) throws(FunctionError) {
    let parts = s.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let p = Int(parts[1]), let addr = CIDR.parseIP(String(parts[0])), p >= 0, p <= addr.count * 8 else {
      throw FunctionError("invalid CIDR expression: invalid CIDR address: \(s)", argument: 0)
    }
    let m = CIDR.mask(prefix: p, bytes: addr.count)
    address = zip(addr, m).map { $0 & $1 }
    prefix = p
  }

  var description: String { CIDR.format(address) + "/\(prefix)" }

  func subnet(newbits: Int, number: Number) throws(FunctionError) -> CIDR {
    let shift = bits - prefix - newbits
    return CIDR(address: CIDR.add(address, number * CIDR.pow2(shift)), prefix: prefix + newbits)
  }

  static func pow2(_ n: Int) -> Number {
    var r = Number(1)
    for _ in 0..<max(0, n) { r = r * Number(2) }
    return r
  }

  static func mask(prefix: Int, bytes: Int) -> [UInt8] {
    (0..<bytes).map { i in
      let bitsHere = min(8, max(0, prefix - i * 8))
      return bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsHere))
    }
  }

  /// Adds a non-negative integer to an address, wrapping within its width.
  static func add(_ addr: [UInt8], _ n: Number) -> [UInt8] {
    var out = addr
    var rest = n.absolute.magnitude
    var carry = 0
    for i in stride(from: out.count - 1, through: 0, by: -1) {
      let (q, r) = rest.quotientAndRemainder(dividingBy: BigUInt(256))
      rest = q
      let sum = Int(out[i]) + Int(r.uint64 ?? 0) + carry
      out[i] = UInt8(sum & 0xFF)
      carry = sum >> 8
    }
    return out
  }

  static func parseIP(_ s: String) -> [UInt8]? {
    if !s.contains(":") {
      let parts = s.split(separator: ".", omittingEmptySubsequences: false)
      guard parts.count == 4 else { return nil }
      var out: [UInt8] = []
      for p in parts {
        guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isNumber), let v = UInt8(p), !(p.count > 1 && p.hasPrefix("0")) else { return nil }
        out.append(v)
      }
      return out
    }
    var head: [UInt16] = []
    var tail: [UInt16] = []
    let halves = s.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
    guard halves.count <= 2 else { return nil }
    func groups(_ t: String) -> [UInt16]? {
      if t.isEmpty { return [] }
      var out: [UInt16] = []
      let parts = t.split(separator: ":", omittingEmptySubsequences: false)
      for (i, p) in parts.enumerated() {
        if i == parts.count - 1, p.contains("."), let v4 = parseIP(String(p)) {
          out += [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
          continue
        }
        guard !p.isEmpty, p.count <= 4, let v = UInt16(p, radix: 16) else { return nil }
        out.append(v)
      }
      return out
    }
    guard let h = groups(halves[0]) else { return nil }
    head = h
    if halves.count == 2 {
      guard let t = groups(halves[1]), head.count + t.count < 8 else { return nil }
      tail = t
    } else if head.count != 8 {
      return nil
    }
    let all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
    return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
  }

  /// Dotted quad, or RFC 5952 IPv6 (longest zero run compressed, lowercase hex).
  static func format(_ a: [UInt8]) -> String {
    if a.count == 4 { return a.map(String.init).joined(separator: ".") }
    let g = stride(from: 0, to: 16, by: 2).map { UInt16(a[$0]) << 8 | UInt16(a[$0 + 1]) }
    var best = (start: -1, len: 0)
    var i = 0
    while i < 8 {
      if g[i] == 0 {
        var j = i
        while j < 8, g[j] == 0 { j += 1 }
        if j - i > best.len && j - i >= 2 { best = (i, j - i) }
        i = j
      } else {
        i += 1
      }
    }
    let hex = g.map { String($0, radix: 16) }
    if best.start < 0 { return hex.joined(separator: ":") }
    return hex[..<best.start].joined(separator: ":") + "::" + hex[(best.start + best.len)...].joined(separator: ":")
  }
}

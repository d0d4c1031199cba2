import Foundation

extension Stdlib {
  static let crypto: [String: Function] = [
    "md5": digest { Hash.md5($0) },
    "sha1": digest { Hash.sha1($0) },
    "sha256": digest { Hash.sha256($0) },
    "sha512": digest { Hash.sha512($0) },
    "uuidv4": fn([]) { _ throws(FunctionError) in .string(UUID().uuidString.lowercased()) },
    "uuidv5": fn([P("namespace", .string), P("name", .string)]) { a throws(FunctionError) in
      let known = [
        "dns": "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "url": "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
        "oid": "6ba7b812-9dad-11d1-80b4-00c04fd430c8", "x500": "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
      ]
      guard let ns = UUID(uuidString: known[a[0].s] ?? a[0].s) else {
        throw FunctionError("uuidv5() doesn't support namespace \(a[0].s)", argument: 0)
      }
      let u = ns.uuid
      let nsBytes = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
      var h = Array(Hash.sha1(nsBytes + Array(a[1].s.utf8)).prefix(16))
      h[6] = (h[6] & 0x0F) | 0x50
      h[8] = (h[8] & 0x3F) | 0x80
      let hex = Hash.hex(h)
      let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
      return .string(parts.joined(separator: "-"))
    },
    "bcrypt": fn([P("str", .string)], variadic: P("cost", .number)) { a throws(FunctionError) in
      guard a.count <= 2 else { throw FunctionError("bcrypt() takes no more than two arguments") }
      let cost = a.count == 2 ? try a[1].int(1, "cost") : 10
      guard (4...31).contains(cost) else { throw FunctionError("crypto/bcrypt: bcrypt cost \(cost) is outside allowed range (4,31)", argument: 1) }
      var rng = SystemRandomNumberGenerator()
      let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
      return .string(Bcrypt.hash(a[0].s, cost: cost, salt: salt))
    },
    "rsadecrypt": fn([P("ciphertext", .string), P("privatekey", .string)]) { a throws(FunctionError) in
      guard let ct = Data(base64Encoded: a[0].s) else {
        throw FunctionError("failed to decode input \(quoted(a[0].s)): cipher text must be base64-encoded", argument: 0)
      }
      do throws(RSA.Failure) {
        let plain = try RSA.decrypt(Array(ct), pem: a[1].s)
        guard let s = String(validating: plain, as: UTF8.self) else { throw .decrypt("the decrypted text is not valid UTF-8") }
        return .string(s)
      } catch {
        switch error {
        case .key(let m): throw FunctionError("failed to parse key: \(m)", argument: 1)
        case .decrypt(let m): throw FunctionError("failed to decrypt: \(m)")
        }
      }
    },
  ]

  private static func digest(_ f: @escaping @Sendable ([UInt8]) -> [UInt8]) -> Function {
    fn([P("str", .string)]) { a throws(FunctionError) in .string(Hash.hex(f(Array(a[0].s.utf8)))) }
  }
}

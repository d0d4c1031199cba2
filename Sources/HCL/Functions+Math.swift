import Foundation

extension Stdlib {
  static let math: [String: Function] = [
    "absolute": fn([P("num", .number)]) { a throws(FunctionError) in .number(a[0].n.absolute) },
    "add": binary { a, b throws(FunctionError) in a + b },
    "subtract": binary { a, b throws(FunctionError) in a - b },
    "multiply": binary { a, b throws(FunctionError) in
      guard let p = a.times(b) else { throw FunctionError("the result has more than \(Number.maxDigits) digits") }
      return p
    },
    "divide": binary { a, b throws(FunctionError) in
      guard let q = a.divided(by: b) else { throw FunctionError("can't divide by zero") }
      return q
    },
    "modulo": binary { a, b throws(FunctionError) in
      guard let r = a.remainder(dividingBy: b) else { throw FunctionError("can't use modulo with zero") }
      return r
    },
    "negate": fn([P("num", .number)]) { a throws(FunctionError) in .number(-a[0].n) },
    "ceil": fn([P("num", .number)]) { a throws(FunctionError) in .number(a[0].n.ceil) },
    "floor": fn([P("num", .number)]) { a throws(FunctionError) in .number(a[0].n.floor) },
    "int": fn([P("num", .number)]) { a throws(FunctionError) in .number(a[0].n.truncated) },
    "signum": fn([P("num", .number)]) { a throws(FunctionError) in .int(a[0].n.sign) },
    "log": fn([P("num", .number), P("base", .number)]) { a throws(FunctionError) in
      try double(Foundation.log(a[0].n.doubleValue) / Foundation.log(a[1].n.doubleValue))
    },
    "pow": fn([P("num", .number), P("power", .number)]) { a throws(FunctionError) in
      let base = a[0].n
      if let e = a[1].n.intValue, e >= 0, e <= 4096, base.digitCount * e <= Number.maxDigits {
        var r = Number(1)
        for _ in 0..<e { r = r * base }
        return .number(r)
      }
      return try double(Foundation.pow(base.doubleValue, a[1].n.doubleValue))
    },
    "max": fn([], variadic: P("numbers", .number)) { a throws(FunctionError) in
      guard let m = a.map(\.n).max() else { throw FunctionError("must pass at least one number") }
      return .number(m)
    },
    "min": fn([], variadic: P("numbers", .number)) { a throws(FunctionError) in
      guard let m = a.map(\.n).min() else { throw FunctionError("must pass at least one number") }
      return .number(m)
    },
    "parseint": fn([P("number", .any), P("base", .number)]) { a throws(FunctionError) in
      guard case .string(let text) = a[0] else { throw FunctionError("first argument must be a string, not \(a[0].type.friendlyName)", argument: 0) }
      let base = try a[1].int(1, "base")
      guard (2...62).contains(base) else { throw FunctionError("base must be a whole number between 2 and 62 inclusive", argument: 1) }
      guard let n = parseInteger(text, base: base) else {
        throw FunctionError("cannot parse \(quoted(text)) as a base \(base) integer", argument: 0)
      }
      return .number(n)
    },
  ]

  private static func binary(_ op: @escaping @Sendable (Number, Number) throws(FunctionError) -> Number) -> Function {
    fn([P("a", .number), P("b", .number)]) { a throws(FunctionError) in .number(try op(a[0].n, a[1].n)) }
  }

  private static func double(_ d: Double) throws(FunctionError) -> Value {
    guard let n = Number(d) else { throw FunctionError("the result is not a finite number") }
    return .number(n)
  }
}

/// Digits 0-9, then a-z (case-insensitive up to base 36), then A-Z for bases above 36, as Go's big.Int does.
func parseInteger(_ text: String, base: Int) -> Number? {
  var s = Substring(text)
  var negative = false
  if s.first == "-" || s.first == "+" {
    negative = s.first == "-"
    s = s.dropFirst()
  }
  guard !s.isEmpty else { return nil }
  var acc = Number(0)
  let b = Number(base)
  for c in s.unicodeScalars {
    let v: Int
    switch c.value {
    case 0x30...0x39: v = Int(c.value) - 0x30
    case 0x61...0x7A: v = Int(c.value) - 0x61 + 10
    case 0x41...0x5A: v = base <= 36 ? Int(c.value) - 0x41 + 10 : Int(c.value) - 0x41 + 36
    default: return nil
    }
    guard v < base else { return nil }
    acc = acc * b + Number(v)
    if acc.digitCount > Number.maxDigits { return nil }
  }
  return negative ? -acc : acc
}

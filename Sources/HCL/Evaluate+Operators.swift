extension Expression {
  func evalUnary(_ op: UnaryOp, _ e: Expression, _ ctx: EvalContext) throws(Diagnostics) -> Value {
    let v = try e.eval(ctx)
    switch op {
    case .not:
      let b = try e.operand(v, as: .bool, "Unsuitable value for unary operand")
      return .bool(!(b.boolValue ?? false))
    case .negate:
      let n = try e.operand(v, as: .number, "Unsuitable value for unary operand")
      return .number(-(n.numberValue ?? .zero))
    }
  }

  /// Converts an operand or reports "Invalid operand" at it.
  func operand(_ v: Value, as type: HCLType, _ what: String) throws(Diagnostics) -> Value {
    if v.isNull { throw fail("Invalid operand", "\(what): argument must not be null.") }
    do {
      return try v.converted(to: type)
    } catch {
      let need = type == .number ? "a number is required" : type == .bool ? "a bool is required" : error.description
      throw fail("Invalid operand", "\(what): \(need).")
    }
  }

  func evalBinary(_ op: BinaryOp, _ a: Expression, _ b: Expression, _ ctx: EvalContext) throws(Diagnostics) -> Value {
    switch op {
    case .and, .or:
      let l = try a.operand(try a.eval(ctx), as: .bool, "Unsuitable value for left operand").boolValue ?? false
      // Short-circuit, as recent HCL does, so `x != null && x.y` is safe.
      if op == .and && !l { return .bool(false) }
      if op == .or && l { return .bool(true) }
      let r = try b.operand(try b.eval(ctx), as: .bool, "Unsuitable value for right operand").boolValue ?? false
      return .bool(r)
    case .eq, .ne:
      let eq = valuesEqual(try a.eval(ctx), try b.eval(ctx))
      return .bool(op == .eq ? eq : !eq)
    default: break
    }
    let lv = try a.eval(ctx)
    let rv = try b.eval(ctx)
    let l = try a.operand(lv, as: .number, "Unsuitable value for left operand").numberValue ?? .zero
    let r = try b.operand(rv, as: .number, "Unsuitable value for right operand").numberValue ?? .zero
    switch op {
    case .add: return try checked(l + r)
    case .sub: return try checked(l - r)
    case .mul:
      guard let p = l.times(r) else {
        throw fail("Operation failed", "Error during operation: the result has more than \(Number.maxDigits) digits.")
      }
      return .number(p)
    case .div:
      guard let q = l.divided(by: r) else { throw fail("Operation failed", "Error during operation: can't divide by zero.") }
      return .number(q)
    case .mod:
      guard let m = l.remainder(dividingBy: r) else {
        throw fail("Operation failed", "Error during operation: can't use modulo with zero.")
      }
      return .number(m)
    case .lt: return .bool(l < r)
    case .le: return .bool(l <= r)
    case .gt: return .bool(l > r)
    case .ge: return .bool(l >= r)
    case .and, .or, .eq, .ne: return .nullValue
    }
  }

  private func checked(_ n: Number) throws(Diagnostics) -> Value {
    guard n.digitCount <= Number.maxDigits else {
      throw fail("Operation failed", "Error during operation: the result has more than \(Number.maxDigits) digits.")
    }
    return .number(n)
  }
}

/// HCL `==`: values of different types are unequal, except that any two nulls are equal.
func valuesEqual(_ a: Value, _ b: Value) -> Bool {
  switch (a, b) {
  case (.null, .null): return true
  case (.null, _), (_, .null): return false
  case (.list(let x, _), .list(let y, _)), (.tuple(let x), .tuple(let y)), (.set(let x, _), .set(let y, _)):
    return a.type == b.type && x.count == y.count && zip(x, y).allSatisfy { valuesEqual($0, $1) }
  case (.map(let x, _), .map(let y, _)), (.object(let x), .object(let y)):
    return a.type == b.type && x.count == y.count && x.allSatisfy { k, v in y[k].map { valuesEqual(v, $0) } ?? false }
  default: return a == b
  }
}

extension Expression {
  /// Evaluates against `context`. On error the value is an untyped null and the diagnostics say why.
  public func evaluate(in context: EvalContext = EvalContext()) -> (Value, Diagnostics) {
    do {
      return (try eval(context), Diagnostics())
    } catch {
      return (.nullValue, error)
    }
  }

  /// Evaluates and converts to `type`, reporting a conversion failure at this expression.
  public func evaluate(in context: EvalContext, as type: HCLType) -> (Value, Diagnostics) {
    let (v, diags) = evaluate(in: context)
    if diags.hasErrors { return (v, diags) }
    do {
      return (try v.converted(to: type), diags)
    } catch {
      return (.null(type), Diagnostics([err("Incorrect value type", "Invalid expression value: \(error).")]))
    }
  }

  func err(_ summary: String, _ detail: String, at r: SourceRange? = nil) -> Diagnostic {
    Diagnostic(summary: summary, detail: detail, range: r ?? range, context: range)
  }

  func fail(_ summary: String, _ detail: String, at r: SourceRange? = nil) -> Diagnostics {
    Diagnostics([err(summary, detail, at: r)])
  }

  func eval(_ ctx: EvalContext) throws(Diagnostics) -> Value {
    switch node {
    case .literal(let v): return v
    case .parens(let e): return try e.eval(ctx)
    case .splatItem: return ctx.splatItem ?? .nullValue
    case .variable(let t):
      guard let root = ctx.lookup(t.root) else {
        var detail = "There is no variable named \(quoted(t.root))."
        if let s = suggestion(for: t.root, among: Array(ctx.variables.keys) + Array(ctx.locals.keys)) {
          detail += " Did you mean \(quoted(s))?"
        }
        throw fail("Unknown variable", detail, at: t.range)
      }
      var v = root
      for (step, r) in zip(t.steps, t.stepRanges) { v = try apply(step, to: v, at: r) }
      return v
    case .relative(let base, let steps, let ranges):
      var v = try base.eval(ctx)
      for (step, r) in zip(steps, ranges) { v = try apply(step, to: v, at: r) }
      return v
    case .index(let coll, let keyExpr):
      let c = try coll.eval(ctx)
      let k = try keyExpr.eval(ctx)
      return try index(c, by: k, keyRange: keyExpr.range)
    case .unary(let op, let e): return try evalUnary(op, e, ctx)
    case .binary(let op, let a, let b): return try evalBinary(op, a, b, ctx)
    case .conditional(let c, let yes, let no): return try evalConditional(c, yes, no, ctx)
    case .tuple(let es):
      var out: [Value] = []
      out.reserveCapacity(es.count)
      var errors = Diagnostics()
      for e in es { out.append(collecting(&errors) { () throws(Diagnostics) in try e.eval(ctx) }) }
      if errors.hasErrors { throw errors }
      return .tuple(out)
    case .object(let items):
      var out: [String: Value] = [:]
      var errors = Diagnostics()
      for (k, v) in items {
        let before = errors.count
        let kv = collecting(&errors) { () throws(Diagnostics) in try k.eval(ctx) }
        guard case .string(let key) = (try? kv.converted(to: .string)) ?? .nullValue else {
          if errors.count == before {  // the key evaluated, to something unusable
            errors.append(
              k.err(
                "Incorrect key type",
                kv.isNull ? "Can't use a null value as a key." : "Can't use this value as a key: string required."))
          }
          continue
        }
        out[key] = collecting(&errors) { () throws(Diagnostics) in try v.eval(ctx) }
      }
      if errors.hasErrors { throw errors }
      return .object(out)
    case .forExpr(let f): return try evalFor(f, ctx)
    case .splat(let source, let each): return try evalSplat(source, each, ctx)
    case .call(let name, let nameRange, let args, let expand):
      return try evalCall(name, nameRange, args, expand, ctx)
    case .templateWrap(let e): return try e.eval(ctx)
    case .template(let parts):
      var s = ""
      var errors = Diagnostics()
      for p in parts { s += collecting(&errors) { () throws(Diagnostics) in try p.evalString(ctx) } ?? "" }
      if errors.hasErrors { throw errors }
      return .string(s)
    case .templateJoin(let e):
      let v = try e.eval(ctx)
      return .string((v.elements ?? []).compactMap(\.stringValue).joined())
    }
  }

  /// Evaluates one template part to the string it contributes.
  private func evalString(_ ctx: EvalContext) throws(Diagnostics) -> String {
    let v = try eval(ctx)
    if case .string(let s) = v { return s }
    if v.isNull {
      throw fail(
        "Invalid template interpolation value",
        "The expression result is null. Cannot include a null value in a string template.")
    }
    guard case .string(let s) = (try? v.converted(to: .string)) ?? .nullValue else {
      throw fail(
        "Invalid template interpolation value",
        "Cannot include the given value in a string template: string required, but have \(v.type.friendlyName).")
    }
    return s
  }

  // MARK: Traversal

  /// Applies one traversal step; problems are reported at the step (`.name`, `[0]`).
  func apply(_ step: TraversalStep, to v: Value, at r: SourceRange) throws(Diagnostics) -> Value {
    switch step {
    case .index(let k): return try index(v, by: k, keyRange: r, at: r)
    case .attribute(let name):
      switch v {
      case .null:
        throw fail("Attempt to get attribute from null value", "This value is null, so it does not have any attributes.", at: r)
      case .object(let attrs):
        guard let a = attrs[name] else {
          var detail = "This object does not have an attribute named \(quoted(name))."
          if let s = suggestion(for: name, among: Array(attrs.keys)) { detail += " Did you mean \(quoted(s))?" }
          throw fail("Unsupported attribute", detail, at: r)
        }
        return a
      case .map(let m, _):
        guard let a = m[name] else {
          throw fail("Missing map element", "This map does not have an element with the key \(quoted(name)).", at: r)
        }
        return a
      case .list, .set, .tuple:
        throw fail(
          "Unsupported attribute",
          "Can't access attributes on a \(v.type.friendlyName). Did you mean to access an attribute for a specific element of the list, or across all elements of the list?",
          at: r)
      default:
        throw fail("Unsupported attribute", "Can't access attributes on a primitive-typed value (\(v.type.friendlyName)).", at: r)
      }
    }
  }

  func index(_ c: Value, by k: Value, keyRange: SourceRange, at r: SourceRange? = nil) throws(Diagnostics) -> Value {
    switch c {
    case .null:
      throw fail("Attempt to index null value", "This value is null, so it does not have any indices.", at: r)
    case .list(let es, _), .tuple(let es):
      guard case .number(let n) = (try? k.converted(to: .number)) ?? .nullValue else {
        throw fail("Invalid index", "The given key does not identify an element in this collection value: a number is required.", at: keyRange)
      }
      guard let i = n.intValue, i >= 0, i < es.count else {
        throw fail(
          "Invalid index",
          "The given key does not identify an element in this collection value: "
            + (n.isInteger ? "the given index is greater than or equal to the length of the collection." : "the given index is not an integer."),
          at: keyRange)
      }
      return es[i]
    case .map(let m, _), .object(let m):
      guard case .string(let key) = (try? k.converted(to: .string)) ?? .nullValue else {
        throw fail("Invalid index", "The given key does not identify an element in this collection value: string required.", at: keyRange)
      }
      guard let v = m[key] else {
        throw fail("Invalid index", "The given key does not identify an element in this collection value.", at: keyRange)
      }
      return v
    case .set:
      throw fail(
        "Invalid index",
        "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.",
        at: r)
    default:
      throw fail("Invalid index", "This value does not have any indices.", at: r)
    }
  }

  // MARK: Splat, for, conditional

  private func evalSplat(_ source: Expression, _ each: Expression, _ ctx: EvalContext) throws(Diagnostics) -> Value {
    let src = try source.eval(ctx)
    var c = ctx
    switch src {
    case .null: return .emptyTuple
    case .list(let es, _), .set(let es, _), .tuple(let es):
      var out: [Value] = []
      for e in es {
        c.splatItem = e
        out.append(try each.eval(c))
      }
      if case .tuple = src { return .tuple(out) }
      let types = out.map(\.type)
      guard let t = HCLType.unify(types), let (conv, et) = try? Value.convertElements(out, to: t) else { return .tuple(out) }
      return .list(conv, et)
    default:
      // A single non-collection value acts as a one-element tuple.
      c.splatItem = src
      return .tuple([try each.eval(c)])
    }
  }

  private func evalConditional(_ c: Expression, _ yes: Expression, _ no: Expression, _ ctx: EvalContext) throws(Diagnostics)
    -> Value
  {
    let cv = try c.eval(ctx)
    guard case .bool(let b) = (try? cv.converted(to: .bool)) ?? .nullValue else {
      throw c.fail(
        cv.isNull ? "Null condition" : "Incorrect condition type",
        cv.isNull
          ? "The condition value is null. Conditions must either be true or false."
          : "The condition expression must be of type bool.")
    }
    let chosen = try (b ? yes : no).eval(ctx)
    // Like HCL, give both results a common type when the other branch evaluates cleanly.
    guard let other = try? (b ? no : yes).eval(ctx), other.type != chosen.type,
      let t = HCLType.unify([chosen.type, other.type].filter { $0 != .any }), let conv = try? chosen.converted(to: t)
    else { return chosen }
    return conv
  }

  private func evalFor(_ f: ForClause, _ ctx: EvalContext) throws(Diagnostics) -> Value {
    let coll = try f.collection.eval(ctx)
    var pairs: [(Value, Value)] = []
    switch coll {
    case .null:
      throw f.collection.fail("Iteration over null value", "A null value cannot be used as the collection in a 'for' expression.")
    case .set(let es, _):
      // Set elements have no index; the key is the element itself, as in HCL.
      pairs = es.map { ($0, $0) }
    case .list(let es, _), .tuple(let es):
      pairs = es.enumerated().map { (.int($0.offset), $0.element) }
    case .map(let m, _), .object(let m):
      pairs = m.keys.sorted().map { (.string($0), m[$0] ?? .nullValue) }
    default:
      throw f.collection.fail(
        "Iteration over non-iterable value",
        "A value of type \(coll.type.friendlyName) cannot be used as the collection in a 'for' expression.")
    }
    var tupleOut: [Value] = []
    var objOut: [String: Value] = [:]
    var groups: [String: [Value]] = [:]
    for (k, v) in pairs {
      var bind = [f.valueVar: v]
      if let kv = f.keyVar { bind[kv] = k }
      let inner = ctx.binding(bind)
      if let cond = f.condition {
        let cv = try cond.eval(inner)
        guard case .bool(let keep) = (try? cv.converted(to: .bool)) ?? .nullValue else {
          throw cond.fail("Invalid 'for' condition", "The 'if' clause value is invalid: bool required.")
        }
        if !keep { continue }
      }
      guard let keyExpr = f.keyExpr else {
        tupleOut.append(try f.valueExpr.eval(inner))
        continue
      }
      let kv = try keyExpr.eval(inner)
      guard case .string(let key) = (try? kv.converted(to: .string)) ?? .nullValue else {
        throw keyExpr.fail("Invalid object key", kv.isNull ? "Key expression in 'for' expression must not produce a null value." : "The key expression produced an invalid result: string required.")
      }
      let value = try f.valueExpr.eval(inner)
      if f.grouping {
        groups[key, default: []].append(value)
      } else if objOut[key] != nil {
        throw keyExpr.fail(
          "Duplicate object key",
          "Two different items produced the key \(quoted(key)) in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.")
      } else {
        objOut[key] = value
      }
    }
    if f.keyExpr == nil { return .tuple(tupleOut) }
    if f.grouping { return .object(groups.mapValues { .tuple($0) }) }
    return .object(objOut)
  }
}

/// Runs `body`, moving its diagnostics into `errors` so that sibling items still get evaluated
/// and every problem is reported, not just the first.
func collecting(_ errors: inout Diagnostics, _ body: () throws(Diagnostics) -> Value) -> Value {
  do {
    return try body()
  } catch {
    errors.append(contentsOf: error)
    return .nullValue
  }
}

func collecting(_ errors: inout Diagnostics, _ body: () throws(Diagnostics) -> String) -> String? {
  do {
    return try body()
  } catch {
    errors.append(contentsOf: error)
    return nil
  }
}

/// The closest candidate within a small edit distance, for "Did you mean" hints.
func suggestion(for name: String, among candidates: [String]) -> String? {
  func distance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    var prev = Array(0...b.count)
    for (i, ca) in a.enumerated() {
      var cur = [i + 1] + [Int](repeating: 0, count: b.count)
      for (j, cb) in b.enumerated() {
        cur[j + 1] = min(prev[j + 1] + 1, cur[j] + 1, prev[j] + (ca == cb ? 0 : 1))
      }
      prev = cur
    }
    return prev[b.count]
  }
  let n = Array(name)
  return candidates.sorted().map { ($0, distance(n, Array($0))) }.filter { $0.1 <= 2 && $0.1 < n.count }
    .min { $0.1 < $1.1 }?.0
}

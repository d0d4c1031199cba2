extension Expression {
  func evalCall(_ name: String, _ nameRange: SourceRange, _ argExprs: [Expression], _ expand: Bool, _ ctx: EvalContext)
    throws(Diagnostics) -> Value
  {
    guard let fn = ctx.functions[name] else {
      var detail = "There is no function named \(quoted(name))."
      if let s = suggestion(for: name, among: Array(ctx.functions.keys)) { detail += " Did you mean \(quoted(s))?" }
      throw fail("Call to unknown function", detail, at: nameRange)
    }
    if case .raw(let impl) = fn.kind {
      try checkArity(fn, count: argExprs.count, name: name)
      return try impl(argExprs, ctx)
    }
    if case .lazy(let impl) = fn.kind {
      try checkArity(fn, count: argExprs.count, name: name)
      var thunks: [Function.Thunk] = []
      for e in argExprs { thunks.append(Expression.thunk(e, ctx)) }
      return try impl(thunks)
    }
    // Evaluate arguments, spreading the last one when written `f(xs...)`.
    var errors = Diagnostics()
    let values = argExprs.map { e in collecting(&errors) { () throws(Diagnostics) in try e.eval(ctx) } }
    if errors.hasErrors { throw errors }
    var args: [Value] = []
    var ranges: [SourceRange] = []
    for (i, (e, v)) in zip(argExprs, values).enumerated() {
      if expand && i == argExprs.count - 1 {
        guard let es = v.elements, !v.isNull else {
          throw e.fail(
            "Invalid expanding argument value",
            "The expanding argument (indicated by ...) must be of a tuple, list, or set type.")
        }
        args += es
        ranges += Array(repeating: e.range, count: es.count)
      } else {
        args.append(v)
        ranges.append(e.range)
      }
    }
    try checkArity(fn, count: args.count, name: name)
    for (i, v) in args.enumerated() {
      guard let p = i < fn.parameters.count ? fn.parameters[i] : fn.variadic else { continue }
      if v.isNull {
        if !p.allowNull {
          throw fail(
            "Invalid function argument", "Invalid value for \(quoted(p.name)) parameter: argument must not be null.",
            at: ranges[i])
        }
        continue
      }
      do {
        args[i] = try v.converted(to: p.type)
      } catch {
        throw fail(
          "Invalid function argument", "Invalid value for \(quoted(p.name)) parameter: \(error.description).",
          at: ranges[i])
      }
    }
    switch fn.kind {
    case .eager(let impl):
      do {
        return try impl(args)
      } catch {
        if let i = error.argument, i < ranges.count {
          let p = i < fn.parameters.count ? fn.parameters[i] : fn.variadic
          throw fail(
            "Invalid function argument", "Invalid value for \(quoted(p?.name ?? "argument")) parameter: \(error.message).",
            at: ranges[i])
        }
        throw fail("Error in function call", "Call to function \(quoted(name)) failed: \(error.message).")
      }
    case .user(let uf):
      return try callUser(uf, name: name, args: args, ctx)
    case .lazy, .raw:
      return .nullValue
    }
  }

  static func thunk(_ e: Expression, _ ctx: EvalContext) -> Function.Thunk {
    func run() throws(Diagnostics) -> Value { try e.eval(ctx) }
    return run
  }

  private func checkArity(_ fn: Function, count: Int, name: String) throws(Diagnostics) {
    if count < fn.parameters.count {
      let missing = fn.parameters[count].name
      throw fail(
        "Not enough function arguments",
        "Function \(quoted(name)) expects \(fn.parameters.count)\(fn.variadic == nil ? "" : " or more") argument(s). Missing value for \(quoted(missing)).")
    }
    if fn.variadic == nil && count > fn.parameters.count {
      throw fail(
        "Too many function arguments", "Function \(quoted(name)) expects only \(fn.parameters.count) argument(s).")
    }
  }

  private func callUser(_ uf: UserFunction, name: String, args: [Value], _ ctx: EvalContext) throws(Diagnostics) -> Value {
    if let at = ctx.callStack.firstIndex(of: name) {
      let cycle = (ctx.callStack[at...] + [name]).joined(separator: " → ")
      throw fail("Recursive function call", "Function \(quoted(name)) calls itself (\(cycle)); recursion is not allowed.")
    }
    var bind: [String: Value] = [:]
    for (i, p) in uf.parameters.enumerated() { bind[p] = args[i] }
    if let v = uf.variadic { bind[v] = .tuple(Array(args.dropFirst(uf.parameters.count))) }
    // The body sees the caller's variables and functions, but not its `for` locals.
    var inner = EvalContext(variables: ctx.variables, functions: ctx.functions)
    inner.locals = bind
    inner.callStack = ctx.callStack + [name]
    do {
      return try uf.result.eval(inner)
    } catch {
      var out = error
      out.append(err("Error in function call", "Call to function \(quoted(name)) failed."))
      throw out
    }
  }
}

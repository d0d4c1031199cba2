extension Stdlib {
  static let meta: [String: Function] = [
    "try": Function(parameters: [], variadic: P("expressions"), kind: .raw { args, ctx throws(Diagnostics) in
      guard !args.isEmpty else {
        throw Diagnostics([Diagnostic(summary: "Not enough function arguments", detail: "Function \"try\" expects at least one argument.")])
      }
      var failures: [String] = []
      for e in args {
        let (v, d) = e.evaluate(in: ctx)
        if !d.hasErrors { return v }
        failures += d.filter { $0.severity == .error }.map { "- " + $0.description }
      }
      throw args[0].fail(
        "Error in function call",
        "Call to function \"try\" failed: no expression succeeded:\n" + failures.joined(separator: "\n")
          + "\n\nAt least one expression must produce a successful result.",
        at: args[0].range.to(args[args.count - 1].range))
    }),
    "can": Function(parameters: [P("expression")], variadic: nil, kind: .raw { args, ctx throws(Diagnostics) in
      .bool(!args[0].evaluate(in: ctx).1.hasErrors)
    }),
    "convert": Function(parameters: [P("value", allowNull: true), P("type")], variadic: nil, kind: .raw { args, ctx throws(Diagnostics) in
      let (t, td) = HCLType.parse(args[1])
      guard let t else { throw td }
      let (v, vd) = args[0].evaluate(in: ctx)
      if vd.hasErrors { throw vd }
      do {
        return try v.converted(to: t)
      } catch {
        throw args[0].fail("Invalid value for \"value\" parameter", "Cannot convert to \(t): \(error).")
      }
    }),
    "semvercmp": fn([P("version", .string), P("constraint", .string)]) { a throws(FunctionError) in
      guard let v = SemVer(a[0].s) else { throw FunctionError("invalid semantic version", argument: 0) }
      return .bool(try SemVer.satisfies(v, a[1].s))
    },
  ]
}

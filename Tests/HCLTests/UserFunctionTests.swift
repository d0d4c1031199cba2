import HCL
import Testing

/// Builds a context whose functions are the standard library plus user functions from source.
func userContext(_ defs: [(name: String, params: [String], variadic: String?, result: String)]) -> EvalContext {
  var fns = Stdlib.functions
  for d in defs {
    guard let e = HCL.parseExpression(source: d.result, filename: "\(d.name).hcl").0 else { continue }
    fns[d.name] = Function.user(parameters: d.params, variadic: d.variadic, result: e)
  }
  return EvalContext(variables: ["base": .int(100)], functions: fns)
}

func evalUser(_ source: String, _ ctx: EvalContext) -> String {
  guard let e = HCL.parseExpression(source: source).0 else { return "parse error" }
  let (v, d) = e.evaluate(in: ctx)
  if let first = d.first { return "error: \(first.summary); \(first.detail)" }
  return v.description
}

@Test func userFunctions() {
  let ctx = userContext([
    ("add", ["a", "b"], nil, "a + b"),
    ("greet", ["name"], "rest", "\"hi ${name}${length(rest)}\""),
    ("twice", ["x"], nil, "add(x, x)"),
    ("withGlobal", ["x"], nil, "x + base"),
    ("loop", ["n"], nil, "loop(n)"),
    ("ping", ["n"], nil, "pong(n)"),
    ("pong", ["n"], nil, "ping(n)"),
    ("nullable", ["x"], nil, "x == null ? \"none\" : x"),
  ])
  #expect(evalUser("add(1, 2)", ctx) == "3")
  #expect(evalUser("greet(\"bob\")", ctx) == "\"hi bob0\"")
  #expect(evalUser("greet(\"bob\", 1, 2)", ctx) == "\"hi bob2\"")
  #expect(evalUser("twice(21)", ctx) == "42")
  #expect(evalUser("withGlobal(1)", ctx) == "101")
  #expect(evalUser("nullable(null)", ctx) == "\"none\"")
  #expect(evalUser("[for i in [1, 2]: add(i, 10)]", ctx) == "[11, 12]")
  #expect(evalUser("add(1)", ctx) == "error: Not enough function arguments; Function \"add\" expects 2 argument(s). Missing value for \"b\".")
  #expect(evalUser("loop(1)", ctx) == "error: Recursive function call; Function \"loop\" calls itself (loop → loop); recursion is not allowed.")
  #expect(evalUser("ping(1)", ctx) == "error: Recursive function call; Function \"ping\" calls itself (ping → pong → ping); recursion is not allowed.")
  // Loop variables of the caller do not leak into the function body.
  let leak = userContext([("peek", [], nil, "i")])
  #expect(evalUser("[for i in [1]: peek()]", leak).hasPrefix("error: Unknown variable"))
}

@Test func lazyFunctionsSeeUnevaluatedArguments() {
  var ctx = EvalContext(functions: Stdlib.functions)
  ctx.functions["firstok"] = Function(lazyParameters: [], variadic: .init("exprs")) { thunks throws(Diagnostics) in
    for t in thunks { if let v = try? t() { return v } }
    return .nullValue
  }
  #expect(evalUser("firstok(nope, 1 / 0, \"ok\")", ctx) == "\"ok\"")
}

@Test func deepEvaluationWithinTheLimit() {
  let depth = 500
  let src = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
  #expect(eval(src) == "1")
  let tuple = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
  #expect(eval("strlen(jsonencode(\(tuple)))") == "\(depth * 2)")
  #expect(eval("length(flatten(\(tuple)))") == "0")
}

import HCL
import Testing

/// Evaluates `source` as an expression with the standard library and the given variables;
/// returns the rendered value or the first diagnostic's summary prefixed with "error: ".
func eval(_ source: String, _ vars: [String: Value] = [:]) -> String {
  let (expr, pd) = HCL.parseExpression(source: source)
  guard let expr, !pd.hasErrors else { return "error: " + (pd.first?.summary ?? "?") }
  let (v, d) = expr.evaluate(in: EvalContext(variables: vars, functions: Stdlib.functions))
  if let e = d.first { return "error: " + e.summary + "; " + e.detail }
  return v.description
}

func parseAttrs(_ source: String, _ filename: String = "test.hcl") -> ([String: Attribute], Diagnostics) {
  let (body, d) = HCL.parse(source: source, filename: filename)
  guard let body else { return ([:], d) }
  let (attrs, d2) = body.justAttributes()
  var all = d
  all.append(contentsOf: d2)
  return (attrs, all)
}

import HCL
import Testing

/// Syntax errors: `(source, "line:col: summary")` of the first diagnostic.
let syntaxErrorCases: [(String, String)] = [
  ("a = \n", "1:5: Invalid expression"),
  ("a = 1 2\n", "1:7: Missing newline after argument"),
  ("a = \"unterminated\n", "1:18: Invalid multi-line string"),
  ("a = \"abc", "1:5: Unterminated template string"),
  ("a = \"\\q\"\n", "1:6: Invalid escape sequence"),
  ("a = \"\\u12\"\n", "1:6: Invalid escape sequence"),
  ("a = [1, 2\n", "2:1: Syntax error"),
  ("a = {x = 1 y = 2}\n", "1:12: Missing attribute separator"),
  ("a = 1\na = 2\n", "2:1: Attribute redefined"),
  ("block {\n", "2:1: Syntax error"),
  ("block { a = 1 b = 2 }\n", "1:15: Invalid single-argument block definition"),
  ("block { inner {} }\n", "1:9: Invalid single-argument block definition"),
  ("block 1 {}\n", "1:7: Invalid block definition"),
  ("block \"${x}\" {}\n", "1:7: Invalid block label"),
  ("= 1\n", "1:1: Argument or block definition required"),
  ("a = 1 ? 2\n", "1:10: Syntax error"),
  ("a = f(1,\n", "2:1: Invalid expression"),
  ("a = f(x..., y)\n", "1:13: Missing closing parenthesis"),
  ("a = \"${1\"\n", "1:9: Syntax error"),
  ("a = \"%{if true}x\"\n", "1:6: Unterminated template directive"),
  ("a = \"%{endif}\"\n", "1:6: Unexpected template directive"),
  ("a = \"%{bogus}\"\n", "1:8: Invalid template control keyword"),
  ("a = <<EOT\nnever closed\n", "1:5: Unterminated template string"),
  ("a = [for x in y x]\n", "1:17: Syntax error"),
  ("a = {for k, v in y: k}\n", "1:22: Syntax error"),
  ("a = 1 @\n", "1:7: Missing newline after argument"),
  ("a = @\n", "1:5: Invalid character"),
  ("/* unterminated", "1:1: Invalid character"),
  ("a = x.\n", "1:7: Syntax error"),
  ("a = 0x10\n", "1:6: Missing newline after argument"),
]

@Test(arguments: syntaxErrorCases)
func syntaxError(_ source: String, _ expected: String) {
  let (_, diags) = HCL.parse(source: source, filename: "e.hcl")
  let d = diags.first
  let got = d.map { "\($0.range?.start.line ?? 0):\($0.range?.start.column ?? 0): \($0.summary)" } ?? "no diagnostic"
  #expect(got == expected, "\(source)")
}

@Test func renderedSnippet() {
  let src = "target \"app\" {\n  tags = [\"x:${VERSON}\"]\n}\n"
  let (body, _) = HCL.parse(source: src, filename: "docker-bake.hcl")
  let attr = body?.blocks.first?.body.attributes.first
  let (_, diags) = attr?.expression.evaluate(in: EvalContext(variables: ["VERSION": .string("1")])) ?? (.nullValue, Diagnostics())
  #expect(
    diags.render(files: ["docker-bake.hcl": src]) == """
      docker-bake.hcl:2:16: Unknown variable; There is no variable named "VERSON". Did you mean "VERSION"?
      2 |   tags = ["x:${VERSON}"]
        |                ^~~~~~
      """)
}

@Test func renderedMultiLineSnippet() {
  let src = "a = [\n  1,\n  \"x\" + 1,\n]\n"
  let (body, _) = HCL.parse(source: src, filename: "m.hcl")
  let (v, diags) = body?.attributes.first?.expression.evaluate() ?? (.nullValue, Diagnostics())
  #expect(v.isNull)
  #expect(
    diags.render(files: ["m.hcl": src]) == """
      m.hcl:3:3: Invalid operand; Unsuitable value for left operand: a number is required.
      3 |   "x" + 1,
        |   ^~~
      """)
  let (_, pd) = HCL.parse(source: "a = [\n1,\n", filename: "p.hcl")
  #expect(pd.render(files: ["p.hcl": "a = [\n1,\n"]).hasPrefix("p.hcl:3:1: Invalid expression; Expected the start of an expression, but found end of file."))
}

@Test func diagnosticCarriesByteOffsets() throws {
  let (_, diags) = HCL.parse(source: "a = 1\nb = \"é${\"\n", filename: "b.hcl")
  let d = try #require(diags.first)
  #expect(d.severity == .error)
  let r = try #require(d.range)
  #expect(r.filename == "b.hcl")
  #expect(r.start.line == 2)
  #expect(r.start.byte > 6)
}

@Test func evaluationErrorPositions() throws {
  let cases: [(String, String)] = [
    ("a = 1 + true", "1:9-1:13"),
    ("a = [1][3]", "1:8-1:11"),
    ("a = nope", "1:5-1:9"),
    ("a = {x = 1}.y", "1:12-1:14"),
    ("a = {x = {y = null}}.x.y.z", "1:25-1:27"),
    ("a = upper(1, 2)", "1:5-1:16"),
    ("a = upper([])", "1:11-1:13"),
    ("a = missing(1)", "1:5-1:12"),
    ("a = \"x${[]}\"", "1:9-1:11"),
  ]
  for (src, expected) in cases {
    let (body, _) = HCL.parse(source: src, filename: "r.hcl")
    let (_, d) = try #require(body?.attributes.first).expression.evaluate(in: EvalContext(functions: Stdlib.functions))
    let r = try #require(d.first?.range, "\(src)")
    #expect("\(r.start.line):\(r.start.column)-\(r.end.line):\(r.end.column)" == expected, "\(src)")
  }
}

@Test func parserRecoversAtTheNextTopLevelItem() throws {
  let src = "a = [1,\nb = 2\ntarget \"x\" {\n  c = = 3\n}\nd = \"ok\"\ne = )\n"
  let (body, diags) = HCL.parse(source: src, filename: "r.hcl")
  #expect(diags.map { "\($0.range?.start.line ?? 0):\($0.summary)" } == ["2:Syntax error", "4:Invalid expression", "7:Invalid expression"])
  let attrs = try #require(body).attributes.map(\.name)
  #expect(attrs == ["d"])
}

@Test func renderingHandlesCRLFAndTabs() {
  let src = "a = 1\r\n\tb = nope\r\n"
  let (body, _) = HCL.parse(source: src, filename: "w.hcl")
  let attr = body?.attributes.first { $0.name == "b" }
  let (_, d) = attr?.expression.evaluate() ?? (.nullValue, Diagnostics())
  #expect(
    d.render(files: ["w.hcl": src]) == """
      w.hcl:2:6: Unknown variable; There is no variable named "nope".
      2 |  b = nope
        |      ^~~~
      """)
}

@Test func warningsRenderWithPrefixAndWithoutSource() {
  var d = Diagnostics()
  d.append(Diagnostic(severity: .warning, summary: "Deprecated", detail: "Use x instead."))
  #expect(!d.hasErrors)
  #expect(d.render(files: [:]) == "warning: Deprecated; Use x instead.")
}

@Test func evaluationReportsEverySiblingError() throws {
  let (e, _) = HCL.parseExpression(source: "[a, 1 + true, {k = b, (null) = 1}, \"${c}${d}\", upper(e, f)]", filename: "s.hcl")
  let (_, d) = try #require(e).evaluate(in: EvalContext(functions: Stdlib.functions))
  #expect(
    d.map { "\($0.range?.start.column ?? 0) \($0.summary)" } == [
      "2 Unknown variable", "9 Invalid operand", "20 Unknown variable", "23 Incorrect key type", "39 Unknown variable",
      "43 Unknown variable", "54 Unknown variable", "57 Unknown variable",
    ])
}

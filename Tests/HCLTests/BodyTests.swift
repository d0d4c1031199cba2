import HCL
import Testing

/// Attribute values in whole native-syntax files: `(source, attribute, expected value)`.
let bodyCases: [(String, String, String)] = [
  ("a = 1\n", "a", "1"),
  ("a = 1", "a", "1"),
  ("# comment\na = 1 # trailing\n", "a", "1"),
  ("// comment\na = 2 // trailing\n", "a", "2"),
  ("/* block\ncomment */ a = 3\n", "a", "3"),
  ("a = /* inline */ 4\n", "a", "4"),
  ("\n\n  a   =   5  \n\n", "a", "5"),
  ("a = \"x\"\r\nb = 2\r\n", "a", "\"x\""),
  ("a = [\n  1,\n  2,\n]\n", "a", "[1, 2]"),
  ("a = {\n  x = 1\n  y = 2\n}\n", "a", "{x = 1, y = 2}"),
  ("a = {\n  x = 1,\n  \"y\": 2\n}\n", "a", "{x = 1, y = 2}"),
  ("a = (\n  1 +\n  2\n)\n", "a", "3"),
  ("a = <<EOT\nhello\nworld\nEOT\n", "a", "\"hello\\nworld\\n\""),
  ("a = <<EOT\n  indented\nEOT\n", "a", "\"  indented\\n\""),
  ("a = <<-EOT\n    one\n      two\n    EOT\n", "a", "\"one\\n  two\\n\""),
  ("a = <<-EOT\n\tx\n\tEOT\n", "a", "\"x\\n\""),
  ("a = <<EOT\nv=${1 + 1}\nEOT\n", "a", "\"v=2\\n\""),
  ("a = <<EOT\nno \\n escapes\nEOT\n", "a", "\"no \\\\n escapes\\n\""),
  ("a = <<EOT\n$${literal}\nEOT\n", "a", "\"${literal}\\n\""),
  ("a = <<EOT\n%{for x in [1,2]}${x}\n%{endfor}\nEOT\n", "a", "\"1\\n2\\n\\n\""),
  ("a = <<EOT\n%{for x in [1,2]}${x}\n%{endfor~}\nEOT\n", "a", "\"1\\n2\\n\""),
  ("a = <<EOT\nEOT\n", "a", "\"\""),
  ("a = <<EOT\n  EOT is not the end\nEOT\n", "a", "\"  EOT is not the end\\n\""),
  ("a = <<-EOT\n  %{~ if true ~}\n  yes\n  %{~ endif ~}\n  EOT\n", "a", "\"yes\""),
  ("a = [<<EOT\nx\nEOT\n, 2]\n", "a", "[\"x\\n\", 2]"),
  ("a = true ? \"y\" : \"n\"\n", "a", "\"y\""),
  ("a = [for x in [1, 2] : x * 10]\n", "a", "[10, 20]"),
  ("a = \"${upper(\"x\")}-${lower(\"Y\")}\"\n", "a", "\"X-y\""),
  ("a = \"\"\n", "a", "\"\""),
  ("a = 'x'\n", "a", "error"),
]

@Test(arguments: bodyCases)
func bodyAttribute(_ source: String, _ name: String, _ expected: String) {
  let (attrs, diags) = parseAttrs(source)
  if expected == "error" {
    #expect(diags.hasErrors, "\(source)")
    return
  }
  #expect(!diags.hasErrors, "\(diags)")
  guard let attr = attrs[name] else {
    Issue.record("no attribute \(name) in \(source)")
    return
  }
  let (v, d) = attr.expression.evaluate(in: EvalContext(functions: Stdlib.functions))
  #expect(!d.hasErrors, "\(d)")
  #expect(v.description == expected, "\(source)")
}

@Test func blocksWithLabels() throws {
  let src = """
    variable "TAG" {
      default = "latest"
    }
    target "app" {
      tags = ["a:${TAG}"]
      args = { X = 1 }
    }
    target web {}
    group default { targets = ["app"] }
    function "add" {
      params = [a, b]
      result = a + b
    }
    """
  let (body, diags) = HCL.parse(source: src, filename: "docker-bake.hcl")
  #expect(!diags.hasErrors, "\(diags)")
  let root = try #require(body)
  let schema = BodySchema(blocks: [
    BlockHeaderSchema("variable", labels: ["name"]), BlockHeaderSchema("target", labels: ["name"]),
    BlockHeaderSchema("group", labels: ["name"]), BlockHeaderSchema("function", labels: ["name"]),
  ])
  let (content, d2) = root.content(schema)
  #expect(!d2.hasErrors, "\(d2)")
  #expect(content.blocks.map(\.type) == ["variable", "target", "target", "group", "function"])
  #expect(content.blocks.map(\.labels) == [["TAG"], ["app"], ["web"], ["default"], ["add"]])
  let targets = content.blocks(ofType: "target")
  #expect(targets.count == 2)
  let group = content.blocks(ofType: "group")[0]
  let (gattrs, _) = group.body.justAttributes()
  #expect(gattrs["targets"]?.expression.evaluate().0.description == "[\"app\"]")
  let (appContent, d3) = targets[0].body.content(BodySchema(attributes: [AttributeSchema("tags"), AttributeSchema("args")]))
  #expect(!d3.hasErrors)
  let tags = try #require(appContent.attributes["tags"])
  #expect(tags.expression.variables.map(\.description) == ["TAG"])
  let (tv, _) = tags.expression.evaluate(in: EvalContext(variables: ["TAG": .string("v1")]))
  #expect(tv.description == "[\"a:v1\"]")
  let (_, d4) = root.content(BodySchema(blocks: [BlockHeaderSchema("target", labels: ["name", "extra"])]))
  #expect(d4.contains { $0.summary == "Missing extra for target" })
}

@Test func schemaDiagnostics() throws {
  let src = "known = 1\nunknown = 2\nblk {}\nother \"x\" {}\n"
  let (body, _) = HCL.parse(source: src, filename: "f.hcl")
  let root = try #require(body)
  let (content, diags) = root.content(
    BodySchema(attributes: [AttributeSchema("known"), AttributeSchema("needed", required: true)], blocks: [BlockHeaderSchema("other")]))
  #expect(content.attributes.keys.sorted() == ["known"])
  let rendered = diags.map(\.description)
  #expect(
    rendered == [
      "f.hcl:5:1: Missing required argument; The argument \"needed\" is required, but no definition was found.",
      "f.hcl:4:7: Extraneous label for other; No labels are expected for other blocks.",
      "f.hcl:2:1: Unsupported argument; An argument named \"unknown\" is not expected here. Did you mean \"known\"?",
      "f.hcl:3:1: Unsupported block type; Blocks of type \"blk\" are not expected here.",
    ])
}

@Test func partialContentLeavesTheRest() throws {
  let (body, _) = HCL.parse(source: "a = 1\nb = 2\nx {}\n", filename: "f.hcl")
  let root = try #require(body)
  let (c1, rest, d1) = root.partialContent(BodySchema(attributes: [AttributeSchema("a")]))
  #expect(!d1.hasErrors)
  #expect(c1.attributes.keys.sorted() == ["a"])
  let (c2, d2) = rest.content(BodySchema(attributes: [AttributeSchema("b")], blocks: [BlockHeaderSchema("x")]))
  #expect(!d2.hasErrors, "\(d2)")
  #expect(c2.attributes.keys.sorted() == ["b"])
  #expect(c2.blocks.count == 1)
}

@Test func justAttributesRejectsBlocks() throws {
  let (body, _) = HCL.parse(source: "a = 1\nb {}\n", filename: "f.hcl")
  let (_, diags) = try #require(body).justAttributes()
  #expect(diags.map(\.description) == ["f.hcl:2:1: Unexpected \"b\" block; Blocks are not allowed here."])
}

@Test func variablesReportsTraversals() throws {
  let (e, _) = HCL.parseExpression(source: "a.b[0].c + f(x, [for v in y: v + z]) + w[k] + \"${t.u}\" + m[*].n")
  let expr = try #require(e)
  #expect(expr.variables.map(\.description) == ["a.b[0].c", "x", "y", "z", "w", "k", "t.u", "m"])
  #expect(expr.functionCalls == ["f"])
  #expect(HCL.parseExpression(source: "target.app.tags").0?.asTraversal?.steps == [.attribute("app"), .attribute("tags")])
}

@Test func expressionRangesAndTraversalPositions() throws {
  let (e, _) = HCL.parseExpression(source: "foo +\n  bar.baz", filename: "x.hcl")
  let expr = try #require(e)
  let vars = expr.variables
  #expect(vars.map { "\($0.range.start.line):\($0.range.start.column)-\($0.range.end.line):\($0.range.end.column)" } == ["1:1-1:4", "2:3-2:10"])
  #expect(expr.range.start.byte == 0 && expr.range.end.byte == 15)
}

/// Flush heredocs strip the smallest indentation of their non-blank lines; tabs count as one column.
let heredocCases: [(String, String)] = [
  ("<<EOT\nFoo\nBar\nEOT", "Foo\nBar\n"),
  ("<<EOT\n    Foo\n    Bar\n  EOT", "    Foo\n    Bar\n"),
  ("<<EOT\nFoo\n\nBar\nEOT", "Foo\n\nBar\n"),
  ("<<EOT\n    NOT EOT\n  EOT", "    NOT EOT\n"),
  ("<<-EOT\nFoo\nBar\nEOT", "Foo\nBar\n"),
  ("<<-EOT\n    Foo\n    Bar\n  EOT", "Foo\nBar\n"),
  ("<<-EOT\n    Foo\n      Bar\n    Baz\n  EOT", "Foo\n  Bar\nBaz\n"),
  ("<<-EOT\n    Foo\n  Bar\n    Baz\n  EOT", "  Foo\nBar\n  Baz\n"),
  ("<<-EOT\n    Foo\n      ${\"Bar\"}\n    Baz\n  EOT", "Foo\n  Bar\nBaz\n"),
  ("<<-EOT\n\tFoo\n  Bar\n  Baz\n  EOT", "Foo\n Bar\n Baz\n"),
  ("<<-EOT\n    Foo\n\n    Bar\n  EOT", "Foo\n\nBar\n"),
  ("<<-EOT\n  \u{2003}Foo\n  Bar\n  EOT", "\u{2003}Foo\nBar\n"),
  ("<<EOT\r\nFoo\r\nEOT", "Foo\r\n"),
  ("<<END_OF-TEXT\nx\nEND_OF-TEXT", "x\n"),
]

@Test(arguments: heredocCases)
func heredoc(_ source: String, _ expected: String) {
  let (attrs, d) = parseAttrs("a = " + source + "\n")
  #expect(!d.hasErrors, "\(d)")
  #expect(attrs["a"]?.expression.evaluate().0 == .string(expected), "\(source)")
}

@Test func literalsAreNFC() {
  let (attrs, _) = parseAttrs("a = \"an\u{0303}o\"\nb = true\nnull = null\n")
  #expect(attrs["a"]?.expression.evaluate().0 == .string("a\u{00F1}o"))
  #expect(attrs["a"]?.expression.evaluate().0.stringValue?.unicodeScalars.count == 3)
  #expect(attrs["null"]?.expression.evaluate().0 == .nullValue)
}

@Test func schemaSuggestsNearNames() throws {
  let (body, _) = HCL.parse(source: "platform = [\"linux/amd64\"]\ntarge \"x\" {}\n", filename: "s.hcl")
  let (_, d) = try #require(body).content(
    BodySchema(attributes: [AttributeSchema("platforms"), AttributeSchema("tags")], blocks: [BlockHeaderSchema("target", labels: ["name"])]))
  #expect(
    d.map(\.detail) == [
      "An argument named \"platform\" is not expected here. Did you mean \"platforms\"?",
      "Blocks of type \"targe\" are not expected here. Did you mean \"target\"?",
    ])
  let (jbody, _) = HCL.parseJSON(source: "{\"tgas\": []}", filename: "s.json")
  let (_, jd) = try #require(jbody).content(BodySchema(attributes: [AttributeSchema("tags")]))
  #expect(jd.first?.detail == "No argument or block type is named \"tgas\". Did you mean \"tags\"?")
}

import HCL
import Testing

@Test func jsonBodyWithBlocksAndLabels() throws {
  let src = """
    {
      "//": "comments are ignored",
      "variable": {"TAG": {"default": "latest"}},
      "target": {
        "app": {"tags": ["repo:${TAG}"], "args": {"A": "1"}},
        "web": [{"context": "."}, {"context": "web"}]
      },
      "group": {"default": {"targets": ["app"]}}
    }
    """
  let (body, diags) = HCL.parseJSON(source: src, filename: "docker-bake.json")
  #expect(!diags.hasErrors, "\(diags)")
  let root = try #require(body)
  let (content, d2) = root.content(
    BodySchema(blocks: [
      BlockHeaderSchema("variable", labels: ["name"]), BlockHeaderSchema("target", labels: ["name"]),
      BlockHeaderSchema("group", labels: ["name"]),
    ]))
  #expect(!d2.hasErrors, "\(d2)")
  #expect(content.blocks.map { "\($0.type):\($0.labels.joined(separator: ","))" } == ["variable:TAG", "target:app", "target:web", "target:web", "group:default"])
  let app = content.blocks[1]
  let (attrs, d3) = app.body.content(BodySchema(attributes: [AttributeSchema("tags"), AttributeSchema("args")]))
  #expect(!d3.hasErrors)
  let tags = try #require(attrs.attributes["tags"])
  #expect(tags.expression.variables.map(\.description) == ["TAG"])
  #expect(tags.expression.evaluate(in: EvalContext(variables: ["TAG": .string("v2")])).0.description == "[\"repo:v2\"]")
  #expect(attrs.attributes["args"]?.expression.evaluate().0.description == "{A = \"1\"}")
  let (just, _) = content.blocks[2].body.justAttributes()
  #expect(just["context"]?.expression.evaluate().0.description == "\".\"")
}

/// JSON attribute values: strings are templates, numbers exact, objects and arrays are objects and tuples.
let jsonValueCases: [(String, String)] = [
  ("{\"a\": 1}", "1"), ("{\"a\": 1.25e2}", "125"), ("{\"a\": -0.5}", "-0.5"), ("{\"a\": true}", "true"),
  ("{\"a\": null}", "null"), ("{\"a\": \"x\"}", "\"x\""), ("{\"a\": \"${1 + 2}\"}", "3"), ("{\"a\": \"v${1 + 2}\"}", "\"v3\""),
  ("{\"a\": \"$${literal}\"}", "\"${literal}\""), ("{\"a\": [1, \"b\", [true]]}", "[1, \"b\", [true]]"),
  ("{\"a\": {\"k\": \"v\", \"n\": {}}}", "{k = \"v\", n = {}}"), ("{\"a\": \"\\u00e9\\n\"}", "\"é\\n\""),
  ("{\"a\": \"%{if true}y%{endif}\"}", "\"y\""), ("{\"a\": {\"${\\\"k\\\"}x\": 1}}", "{kx = 1}"),
  ("{\"a\": \"\\ud83d\\ude00\"}", "\"😀\""), ("{\"a\": 123456789012345678901234567890}", "123456789012345678901234567890"),
]

@Test(arguments: jsonValueCases)
func jsonValue(_ source: String, _ expected: String) throws {
  let (body, diags) = HCL.parseJSON(source: source, filename: "v.json")
  #expect(!diags.hasErrors, "\(diags)")
  let (attrs, d2) = try #require(body).justAttributes()
  #expect(!d2.hasErrors)
  #expect(attrs["a"]?.expression.evaluate().0.description == expected, "\(source)")
}

/// Malformed JSON documents and the first diagnostic: `line:col: summary; detail`.
let jsonErrorCases: [(String, String)] = [
  ("", "1:1: Invalid JSON; Unexpected end of JSON input."),
  ("[1]", "1:1: Root value must be object; The root value in a JSON-based configuration must be a JSON object."),
  ("{\"a\": }", "1:7: Invalid JSON; Invalid JSON value."),
  ("{\"a\": 1,}", "1:9: Invalid JSON; Expected a quoted property name."),
  ("{\"a\" 1}", "1:6: Invalid JSON; Expected ':' after property name."),
  ("{\"a\": \"x}", "1:7: Invalid JSON; Unterminated string."),
  ("{\"a\": 01}", "1:8: Invalid JSON; Expected ',' or '}' in object."),
  ("{\"a\": 1} x", "1:10: Invalid JSON; Extraneous data after value."),
  ("{\n  \"a\": tru\n}", "2:8: Invalid JSON; Invalid JSON value."),
  ("{\"a\": \"\\x\"}", "1:8: Invalid JSON; Invalid escape sequence in string."),
]

@Test(arguments: jsonErrorCases)
func jsonError(_ source: String, _ expected: String) {
  let (body, diags) = HCL.parseJSON(source: source, filename: "e.json")
  #expect(body == nil)
  let d = diags.first
  #expect(d.map { "\($0.range?.start.line ?? 0):\($0.range?.start.column ?? 0): \($0.summary); \($0.detail)" } == expected, "\(source)")
}

@Test func jsonSchemaErrors() throws {
  let (body, _) = HCL.parseJSON(source: "{\"a\": 1, \"zzz\": 2, \"blk\": \"notanobject\"}", filename: "s.json")
  let (_, diags) = try #require(body).content(
    BodySchema(attributes: [AttributeSchema("a"), AttributeSchema("req", required: true)], blocks: [BlockHeaderSchema("blk", labels: ["n"])]))
  #expect(
    diags.map(\.description) == [
      "s.json:1:27: Incorrect JSON value type; A JSON object is required here, whose keys are the n labels of blk blocks.",
      "s.json:1:40: Missing required argument; The argument \"req\" is required, but no definition was found.",
      "s.json:1:10: Extraneous JSON object property; No argument or block type is named \"zzz\".",
    ])
}

@Test func jsonTemplateErrorsPointIntoTheString() throws {
  let (body, _) = HCL.parseJSON(source: "{\n  \"a\": \"x${\"\n}", filename: "t.json")
  let (_, diags) = try #require(body).justAttributes()
  let r = try #require(diags.first?.range)
  #expect(r.start.line == 2)
  #expect(r.start.column >= 9)
}

@Test func jsonArraysAtLabelLevels() throws {
  let (body, _) = HCL.parseJSON(source: "{\"target\": [{\"a\": {\"x\": 1}}, {\"b\": [{\"x\": 2}, {\"x\": 3}]}]}", filename: "l.json")
  let (content, diags) = try #require(body).content(BodySchema(blocks: [BlockHeaderSchema("target", labels: ["name"])]))
  #expect(!diags.hasErrors, "\(diags)")
  #expect(content.blocks.map { $0.labels.joined() } == ["a", "b", "b"])
}

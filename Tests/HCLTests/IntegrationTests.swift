import HCL
import Testing

/// End to end, the way a bake decoder uses the engine: schema-driven decoding, `function`
/// blocks turned into user functions, variables ordered by the traversals they reference.
@Test func bakeStyleFile() throws {
  let src = """
    variable "REPO" { default = "kiln" }
    variable "TAG" { default = "v${MAJOR}.${MINOR}" }
    variable "MAJOR" { default = 1 }
    variable "MINOR" { default = 2 }

    function "image" {
      params = [name, tag]
      variadic_params = extra
      result = join(",", concat(["${REPO}/${name}:${tag}"], extra))
    }

    target "app" {
      tags = [image("app", TAG, "latest")]
      args = { for k, v in { A = 1, B = "two" } : k => tostring_ok(v) }
    }
    """
  let (parsed, diags) = HCL.parse(source: src, filename: "docker-bake.hcl")
  #expect(!diags.hasErrors, "\(diags)")
  let body = try #require(parsed)
  let (root, rd) = body.content(
    BodySchema(blocks: [
      BlockHeaderSchema("variable", labels: ["name"]), BlockHeaderSchema("function", labels: ["name"]),
      BlockHeaderSchema("target", labels: ["name"]),
    ]))
  #expect(!rd.hasErrors)

  // Functions from `function` blocks.
  var functions = Stdlib.functions
  functions["tostring_ok"] = Function(parameters: [.init("v", .string)]) { a throws(FunctionError) in a[0] }
  for block in root.blocks(ofType: "function") {
    let (c, d) = block.body.content(
      BodySchema(attributes: [AttributeSchema("params", required: true), AttributeSchema("variadic_params"), AttributeSchema("result", required: true)]))
    #expect(!d.hasErrors)
    let params = try #require(c.attributes["params"]?.expression.listElements).compactMap(\.asKeyword)
    let variadic = c.attributes["variadic_params"]?.expression.asKeyword
    let result = try #require(c.attributes["result"]).expression
    functions[block.labels[0]] = Function.user(parameters: params, variadic: variadic, result: result)
  }

  // Variables in dependency order, found from the traversals their defaults reference.
  var defaults: [String: Expression] = [:]
  for block in root.blocks(ofType: "variable") {
    let (c, _) = block.body.content(BodySchema(attributes: [AttributeSchema("default")]))
    defaults[block.labels[0]] = c.attributes["default"]?.expression
  }
  var values: [String: Value] = [:]
  func resolve(_ name: String, _ visiting: Set<String>) throws {
    guard values[name] == nil, let expr = defaults[name] else { return }
    #expect(!visiting.contains(name), "cycle at \(name)")
    for dep in expr.variables.map(\.root) where defaults[dep] != nil { try resolve(dep, visiting.union([name])) }
    let (v, d) = expr.evaluate(in: EvalContext(variables: values, functions: functions))
    #expect(!d.hasErrors, "\(d)")
    values[name] = v
  }
  for name in defaults.keys.sorted() { try resolve(name, []) }
  #expect(values["TAG"] == .string("v1.2"))

  let app = try #require(root.blocks(ofType: "target").first)
  let (attrs, ad) = app.body.content(BodySchema(attributes: [AttributeSchema("tags"), AttributeSchema("args")]))
  #expect(!ad.hasErrors)
  let ctx = EvalContext(variables: values, functions: functions)
  #expect(attrs.attributes["tags"]?.expression.evaluate(in: ctx).0 == .tuple([.string("kiln/app:v1.2,latest")]))
  #expect(attrs.attributes["args"]?.expression.evaluate(in: ctx).0 == .object(["A": .string("1"), "B": .string("two")]))
  #expect(attrs.attributes["tags"]?.expression.functionCalls == ["image"])
}

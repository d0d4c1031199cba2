/// Entry points of the HCL engine: a pure-Swift implementation of HCL2's native and JSON
/// syntaxes, its expression language, cty's value and type model, and the function library
/// that docker/buildx's bake offers (`Stdlib.functions`).
///
/// ```swift
/// let (body, diags) = HCL.parse(source: text, filename: "docker-bake.hcl")
/// guard let body else { print(diags.render(files: ["docker-bake.hcl": text])); return }
/// let (content, more) = body.content(BodySchema(blocks: [BlockHeaderSchema("target", labels: ["name"])]))
/// for block in content.blocks {
///   for attr in block.body.attributes {
///     let deps = attr.expression.variables          // for dependency ordering
///     let (value, d) = attr.expression.evaluate(in: EvalContext(variables: vars, functions: Stdlib.functions))
///   }
/// }
/// print(diags.render(files: ["docker-bake.hcl": text]))
/// ```
///
/// Every function returns what it could parse plus diagnostics; none throws or traps on bad input.
public enum HCL {
  /// Parses a file in HCL native syntax into its root body.
  public static func parse(source: String, filename: String) -> (Body?, Diagnostics) {
    let p = Parser(SourceFile(filename: filename, text: source))
    let body = p.parseFile()
    return (body, p.diags)
  }

  /// Parses a file in HCL's JSON syntax. The root must be a JSON object.
  public static func parseJSON(source: String, filename: String) -> (Body?, Diagnostics) {
    let src = SourceFile(filename: filename, text: source)
    switch JSONParser.parse(src) {
    case .failure(let f):
      return (nil, Diagnostics([Diagnostic(summary: "Invalid JSON", detail: f.message + ".", range: f.range)]))
    case .success(let v):
      guard case .object = v else {
        return (
          nil,
          Diagnostics([
            Diagnostic(summary: "Root value must be object", detail: "The root value in a JSON-based configuration must be a JSON object.", range: v.range)
          ])
        )
      }
      return (Body.fromJSON(v), Diagnostics())
    }
  }

  /// Parses a standalone native-syntax expression, e.g. a command-line override value.
  public static func parseExpression(source: String, filename: String = "<expr>") -> (Expression?, Diagnostics) {
    let p = Parser(SourceFile(filename: filename, text: source))
    p.skipNewlines = true
    do {
      let e = try p.parseExpression()
      let t = p.peek()
      guard t.kind == .eof else {
        throw p.fail("Extra characters after expression", "An expression was successfully parsed, but extra characters were found after it.", at: p.range(t))
      }
      return (e, p.diags)
    } catch {
      return (nil, p.diags)
    }
  }

  /// Parses a standalone template (text with `${}` and `%{}` sequences, no surrounding quotes).
  public static func parseTemplate(source: String, filename: String = "<template>") -> (Expression?, Diagnostics) {
    let p = Parser(SourceFile(filename: filename, text: source))
    do {
      return (try p.parseBareTemplate(), p.diags)
    } catch {
      return (nil, p.diags)
    }
  }

  /// Parses a JSON-syntax expression (strings are templates), as used for JSON attribute values.
  public static func parseJSONExpression(source: String, filename: String = "<json>") -> (Expression?, Diagnostics) {
    switch JSONParser.parse(SourceFile(filename: filename, text: source)) {
    case .failure(let f):
      return (nil, Diagnostics([Diagnostic(summary: "Invalid JSON", detail: f.message + ".", range: f.range)]))
    case .success(let v):
      let (e, d) = v.expression()
      return (e, d)
    }
  }
}

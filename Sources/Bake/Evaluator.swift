import KilnCore
import HCL

/// What a bake file set is evaluated against.
public struct ParseOptions: Sendable {
  /// Built-in variables (`BAKE_CMD_CONTEXT`, `BAKE_LOCAL_PLATFORM`): strings that files cannot redefine.
  public var builtins: [String: String]
  /// `--var name=value`, consulted before the environment.
  public var vars: [String: String]
  /// The environment, for variable overrides; nil when lookup is disabled.
  public var environment: [String: String]?

  /// `BUILDX_BAKE_FILE_RELATIVE_PATHS`: relative contexts resolve against their defining file.
  public var fileRelativePaths: Bool

  public init(
    builtins: [String: String] = [:], vars: [String: String] = [:], environment: [String: String]? = nil,
    fileRelativePaths: Bool = false
  ) {
    self.builtins = builtins
    self.vars = vars
    self.environment = environment
    self.fileRelativePaths = fileRelativePaths
  }

  func lookup(_ name: String) -> String? { vars[name] ?? environment?[name] }
}

struct VariableDef {
  var name: String
  var type: Expression?
  var defaultValue: Attribute?
  var description: String
  var validations: [(condition: Expression, message: Expression)]
  var block: Block
  /// The type constraint, once resolved, when one was given.
  var constraint: HCLType?
}

struct FunctionDef {
  var name: String
  var params: Attribute?
  var variadic: Attribute?
  var result: Attribute?
  var block: Block
}

/// Evaluates the HCL and JSON bake files the way buildx's `hclparser` does: values, functions and
/// block attributes are resolved on demand, following the references each expression makes, so
/// definitions may come in any order and a cycle is reported where it closes.
final class Evaluator {
  let options: ParseOptions
  var vars: [String: VariableDef] = [:]
  var attrs: [String: Attribute] = [:]
  var funcs: [String: FunctionDef] = [:]
  /// `target` and `group` blocks in definition order.
  var blocks: [Block] = []

  /// Resolved global values (variables, attributes, built-ins).
  var values: [String: Value] = [:]
  var functions: [String: Function] = Stdlib.functions
  /// Problems buildx tolerates silently (unknown attributes); reported, not fatal.
  var warnings = Diagnostics()
  var resolvingValues: Set<String> = []
  var resolvingFunctions: Set<String> = []
  /// Per block (by index in `blocks`), its instances once matrix and name are known.
  var instances: [Int: [Instance]] = [:]
  var blockAttributes: [Int: [String: Attribute]] = [:]
  /// Block indices by type and resolved name.
  var byName: [String: [String: [Int]]] = [:]

  static let blockTypes = ["target", "group"]

  init(options: ParseOptions) { self.options = options }

  /// Collects definitions from every file's body; later files override earlier definitions.
  func load(_ bodies: [Body]) throws(Diagnostics) {
    let schema = BodySchema(blocks: [
      BlockHeaderSchema("target", labels: ["name"]), BlockHeaderSchema("group", labels: ["name"]),
      BlockHeaderSchema("variable", labels: ["name"]), BlockHeaderSchema("function", labels: ["name"]),
    ])
    let reserved = Set(Self.blockTypes).union(options.builtins.keys)
    var diags = Diagnostics()
    for body in bodies {
      let (content, rest, d) = body.partialContent(schema)
      diags.append(contentsOf: d)
      for b in content.blocks {
        switch b.type {
        case "variable":
          if reserved.contains(b.labels[0]) { continue }
          if let v = decodeVariable(b, &diags) { vars[v.name] = v }
        case "function":
          if reserved.contains(b.labels[0]) { continue }
          if let f = decodeFunction(b, &diags) { funcs[f.name] = f }
        default: blocks.append(b)
        }
      }
      let (topLevel, ad) = rest.justAttributes()
      // Blocks of other types are tolerated at the top level, as buildx does.
      diags.append(contentsOf: Diagnostics(ad.items.filter { $0.detail != "Blocks are not allowed here." }))
      for (name, a) in topLevel where !reserved.contains(name) && name != "function" { attrs[name] = a }
    }
    if diags.hasErrors { throw diags }
    for name in options.builtins.keys.sorted() { values[name] = .string(options.builtins[name] ?? "") }
  }

  private func decodeVariable(_ b: Block, _ diags: inout Diagnostics) -> VariableDef? {
    let (c, _, d) = b.body.partialContent(
      BodySchema(
        attributes: [AttributeSchema("type"), AttributeSchema("default"), AttributeSchema("description")],
        blocks: [BlockHeaderSchema("validation")]))
    diags.append(contentsOf: d)
    var description = ""
    if let e = c.attributes["description"] {
      let (v, dd) = e.expression.evaluate(in: EvalContext(), as: .string)
      diags.append(contentsOf: dd)
      description = v.stringValue ?? ""
    }
    var validations: [(Expression, Expression)] = []
    for vb in c.blocks {
      let (vc, vd) = vb.body.content(
        BodySchema(attributes: [AttributeSchema("condition", required: true), AttributeSchema("error_message", required: true)]))
      diags.append(contentsOf: vd)
      if let cond = vc.attributes["condition"], let msg = vc.attributes["error_message"] {
        validations.append((cond.expression, msg.expression))
      }
    }
    return VariableDef(
      name: b.labels[0], type: c.attributes["type"]?.expression, defaultValue: c.attributes["default"],
      description: description, validations: validations, block: b)
  }

  private func decodeFunction(_ b: Block, _ diags: inout Diagnostics) -> FunctionDef? {
    let (c, d) = b.body.content(
      BodySchema(attributes: [AttributeSchema("params"), AttributeSchema("variadic_params"), AttributeSchema("result")]))
    diags.append(contentsOf: d)
    return FunctionDef(
      name: b.labels[0], params: c.attributes["params"], variadic: c.attributes["variadic_params"],
      result: c.attributes["result"], block: b)
  }

  // MARK: Dependencies

  /// Resolves what `expr` needs before it can be evaluated: user functions it calls, values and
  /// block attributes it references. Names that exist nowhere are left for evaluation to report
  /// as unknown, so the user sees "Unknown variable", not a cycle.
  func loadDeps(_ expr: Expression, exclude: Set<String> = [], locals: [String: Value] = [:]) throws(Diagnostics) {
    for name in expr.functionCalls where functions[name] == nil && funcs[name] != nil {
      try resolveFunction(name, at: expr.range)
    }
    for t in expr.variables where !exclude.contains(t.root) && locals[t.root] == nil {
      if Self.blockTypes.contains(t.root) {
        guard case .attribute(let name)? = t.steps.first else {
          throw failure(
            "Invalid expression",
            t.steps.isEmpty ? "cannot access \(t.root) as a variable" : "cannot traverse \(t.root) without attribute", at: expr.range)
        }
        var attribute: String?
        if t.steps.count > 1, case .attribute(let a) = t.steps[1] { attribute = a }
        try resolveBlocks(type: t.root, name: name, attribute: attribute, at: expr.range)
      } else if values[t.root] == nil, attrs[t.root] != nil || vars[t.root] != nil {
        try resolveValue(t.root, at: expr.range)
      }
    }
  }

  /// The variables `expr` can see. Block objects (`target`, `group`) hold only the
  /// instances the expression names: building every instance for every expression made
  /// evaluation quadratic in the number of targets.
  func context(for expr: Expression) -> EvalContext {
    var v = values
    var named: [String: Set<String>] = [:]
    var whole: Set<String> = []
    for t in expr.variables where Self.blockTypes.contains(t.root) {
      if case .attribute(let name)? = t.steps.first {
        named[t.root, default: []].insert(name)
      } else {
        whole.insert(t.root)
      }
    }
    for type in Self.blockTypes where whole.contains(type) || named[type] != nil {
      v[type] = blockObject(type, only: whole.contains(type) ? nil : named[type])
    }
    return EvalContext(variables: v, functions: functions)
  }

  /// Evaluates `expr` after loading its dependencies.
  func evaluate(_ expr: Expression, locals: [String: Value] = [:]) throws(Diagnostics) -> Value {
    try loadDeps(expr, locals: locals)
    var ctx = context(for: expr)
    ctx.variables.merge(locals) { _, new in new }
    let (v, d) = expr.evaluate(in: ctx)
    if d.hasErrors { throw d }
    return v
  }

  // MARK: Functions

  func resolveFunction(_ name: String, at range: SourceRange) throws(Diagnostics) {
    guard functions[name] == nil, let f = funcs[name] else { return }
    guard !resolvingFunctions.contains(name) else {
      throw failure("Invalid expression", "function cycle not allowed for \(name)", at: range)
    }
    resolvingFunctions.insert(name)
    guard let result = f.result else {
      throw failure("Invalid function", "empty result not allowed for \(name)", at: f.block.labelRanges[0], context: f.block.defRange)
    }
    guard let params = f.params else {
      throw failure("Invalid function", "empty params not allowed for \(name)", at: f.block.labelRanges[0], context: f.block.defRange)
    }
    guard let list = params.expression.listElements else {
      throw failure("Invalid function", "params must be a list of identifiers", at: params.range)
    }
    var names: [String] = []
    var diags = Diagnostics()
    for e in list {
      guard let k = e.asKeyword else {
        diags.append(Diagnostic(summary: "Invalid param element", detail: "Each parameter name must be an identifier.", range: e.range))
        continue
      }
      names.append(k)
    }
    var variadic: String?
    if let v = f.variadic {
      variadic = v.expression.asKeyword
      if variadic == nil {
        diags.append(Diagnostic(summary: "Invalid param element", detail: "Each parameter name must be an identifier.", range: v.range))
      }
    }
    if diags.hasErrors { throw diags }
    try loadDeps(result.expression, exclude: Set(names + (variadic.map { [$0] } ?? [])))
    functions[name] = Function.user(parameters: names, variadic: variadic, result: result.expression)
  }

  // MARK: Values

  /// Resolves a top-level attribute or variable: its default (or attribute value), then any
  /// override from `--var` or the environment, coerced as buildx does.
  func resolveValue(_ name: String, at range: SourceRange) throws(Diagnostics) {
    if values[name] != nil { return }
    guard !resolvingValues.contains(name) else {
      throw failure("Invalid expression", "variable cycle not allowed for \(name)", at: range)
    }
    resolvingValues.insert(name)
    if let a = attrs[name] {
      values[name] = try evaluate(a.expression)
      return
    }
    guard var def = vars[name] else { return }
    var type = HCLType.any
    var typed = false
    if let te = def.type {
      var (t, d) = HCLType.parse(te)
      // In JSON files the type is a string holding a type expression, e.g. "list(string)".
      if t == nil, te.variables.isEmpty, case .string(let text) = te.evaluate(in: EvalContext()).0 {
        (t, d) = HCLType.parse(source: text)
      }
      if let t {
        type = t
        typed = type != .any || te.asKeyword == "any" || te.evaluate(in: EvalContext()).0 == .string("any")
      } else if let v = try? evaluate(te), v.isNull {
        typed = false
      } else {
        throw d
      }
      if typed {
        def.constraint = type
        vars[name] = def
      }
    }
    let subject = def.block.defRange
    guard let defaultAttr = def.defaultValue else {
      guard let (text, json) = override(name, favorJSON: false) else {
        values[name] = typed ? .null(type) : .string("")
        return
      }
      values[name] = try coerce(name, text, json: json, typed: typed, type: type, current: nil, at: subject)
      return
    }
    var v = try evaluate(defaultAttr.expression)
    do {
      v = try v.converted(to: type)
    } catch {
      throw failure(
        "Invalid value", "invalid type \(type.friendlyName) for variable \(name) default value: \(error)", at: defaultAttr.range)
    }
    if let (text, json) = override(name, favorJSON: typed) {
      v = try coerce(name, text, json: json, typed: typed, type: type, current: v, at: subject)
    }
    values[name] = v
  }

  /// The override text for `name` and whether it is JSON (`NAME_JSON`, used when there is no plain
  /// override or when the variable is typed, unless `NAME_JSON` is itself defined).
  func override(_ name: String, favorJSON: Bool) -> (String, Bool)? {
    let plain = options.lookup(name)
    if plain == nil || favorJSON {
      let jsonName = name + "_JSON"
      if vars[jsonName] == nil, options.builtins[jsonName] == nil, let j = options.lookup(jsonName) { return (j, true) }
    }
    return plain.map { ($0, false) }
  }

  private func coerce(
    _ name: String, _ text: String, json: Bool, typed: Bool, type: HCLType, current: Value?, at range: SourceRange
  ) throws(Diagnostics) -> Value {
    do throws(BakeError) {
      if typed && json {
        let (v, d) = Value.fromJSON(text, filename: name + "_JSON")
        guard let v, !d.hasErrors else { throw BakeError("failed to convert variable \(name) from JSON: \(d.first?.detail ?? "invalid JSON")") }
        do {
          return try v.converted(to: type)
        } catch {
          throw BakeError("failed to convert variable \(name) from JSON: \(error)")
        }
      }
      switch type {
      case .list, .set, .tuple, .map:
        do {
          return try EnvValue.fromCSV(name, text, type)
        } catch {
          throw BakeError("failed to convert variable \(name) from CSV: \(error.message)")
        }
      case .string, .number, .bool:
        if typed { return try EnvValue.primitive(name, text, type) }
      default: break
      }
      if typed { throw BakeError("unsupported type \(type.friendlyName) for variable \(name)") }
      guard let current, current.type != .any else { return .string(text) }
      if current.type.isPrimitive { return try EnvValue.primitive(name, text, current.type) }
      throw BakeError("unsupported type \(current.type.friendlyName) for variable \(name)")
    } catch {
      throw failure("Invalid value", error.message, at: range)
    }
  }

  /// Checks every variable's `validation` blocks once all values are known.
  func validate() throws(Diagnostics) {
    var diags = Diagnostics()
    for name in vars.keys.sorted() {
      guard let def = vars[name] else { continue }
      for rule in def.validations {
        let result: Value
        do {
          result = try evaluate(rule.condition)
        } catch {
          diags.append(contentsOf: error)
          continue
        }
        guard !result.isNull else {
          diags.append(
            Diagnostic(
              summary: "Invalid condition result", detail: "Condition expression must return either true or false, not null.",
              range: rule.condition.range))
          continue
        }
        guard case .bool(let ok) = (try? result.converted(to: .bool)) ?? .nullValue else {
          diags.append(
            Diagnostic(
              summary: "Invalid condition result", detail: "Invalid condition result value: a bool is required.",
              range: rule.condition.range))
          continue
        }
        if ok { continue }
        do {
          let message = try evaluate(rule.message)
          let text = (try? message.converted(to: .string))?.stringValue
          diags.append(
            Diagnostic(
              summary: "Validation failed", detail: text ?? "This check failed, but has an invalid error message.",
              range: rule.condition.range))
        } catch {
          diags.append(contentsOf: error)
        }
      }
    }
    if diags.hasErrors { throw diags }
  }

  func failure(_ summary: String, _ detail: String, at range: SourceRange?, context: SourceRange? = nil) -> Diagnostics {
    Diagnostics([Diagnostic(summary: summary, detail: detail, range: range, context: context)])
  }
}

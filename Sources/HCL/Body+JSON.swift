/// HCL's JSON syntax: an object is a body whose properties become attributes or blocks
/// depending on the schema; block labels are nested object keys; strings are templates.
extension Body {
  static func fromJSON(_ v: JSONValue) -> Body {
    Body(storage: .json(v), range: v.range, endRange: endOf(v.range))
  }

  private static func endOf(_ r: SourceRange) -> SourceRange {
    var s = r.end
    if s.byte > r.start.byte {
      s.byte -= 1
      s.column = max(1, s.column - 1)
    }
    return SourceRange(filename: r.filename, start: s, end: r.end)
  }

  /// The body's objects: one object, or each object of an array of objects.
  private func objects(_ v: JSONValue, _ diags: inout Diagnostics) -> [[JSONMember]] {
    switch v {
    case .object(let ms, _): return [ms.filter { $0.key != "//" }]
    case .array(let items, _):
      return items.flatMap { objects($0, &diags) }
    default:
      diags.error("Incorrect JSON value type", "A JSON object is required here, setting the arguments for this block.", at: v.range)
      return []
    }
  }

  func jsonContent(_ v: JSONValue, _ schema: BodySchema, into content: inout BodyContent, _ diags: inout Diagnostics) {
    let members = objects(v, &diags).flatMap { $0 }
    let attrNames = Dictionary(schema.attributes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    let blockSchemas = Dictionary(schema.blocks.map { ($0.type, $0) }, uniquingKeysWith: { a, _ in a })
    for m in members where !hidden.contains(m.key) {
      if attrNames[m.key] != nil {
        if let prev = content.attributes[m.key] {
          diags.error(
            "Duplicate argument",
            "The argument \(quoted(m.key)) was already set at \(prev.nameRange.start.line):\(prev.nameRange.start.column).",
            at: m.keyRange)
          continue
        }
        let (expr, d) = m.value.expression()
        diags.append(contentsOf: d)
        content.attributes[m.key] = Attribute(
          name: m.key, expression: expr, range: m.keyRange.to(m.value.range), nameRange: m.keyRange)
      } else if let bs = blockSchemas[m.key] {
        expandBlocks(
          type: m.key, typeRange: m.keyRange, value: m.value, labels: [], labelRanges: [],
          remaining: bs.labelNames, into: &content.blocks, &diags)
      }
    }
    for s in schema.attributes where s.required && content.attributes[s.name] == nil && !hidden.contains(s.name) {
      diags.error(
        "Missing required argument", "The argument \(quoted(s.name)) is required, but no definition was found.",
        at: endRange)
    }
  }

  private func expandBlocks(
    type: String, typeRange: SourceRange, value: JSONValue, labels: [String], labelRanges: [SourceRange],
    remaining: [String], into blocks: inout [Block], _ diags: inout Diagnostics
  ) {
    guard let label = remaining.first else {
      let bodies: [JSONValue]
      if case .array(let items, _) = value { bodies = items } else { bodies = [value] }
      for b in bodies {
        guard case .object = b else {
          diags.error(
            "Incorrect JSON value type", "A JSON object is required here, to define the body of a \(type) block.",
            at: b.range)
          continue
        }
        blocks.append(
          Block(
            type: type, labels: labels, labelRanges: labelRanges, body: Body.fromJSON(b), typeRange: typeRange,
            defRange: typeRange))
      }
      return
    }
    if case .array(let items, _) = value {
      // An array at a label level lists several objects, each keyed by labels.
      for item in items {
        expandBlocks(
          type: type, typeRange: typeRange, value: item, labels: labels, labelRanges: labelRanges,
          remaining: remaining, into: &blocks, &diags)
      }
      return
    }
    guard case .object(let ms, _) = value else {
      diags.error(
        "Incorrect JSON value type",
        "A JSON object is required here, whose keys are the \(label) labels of \(type) blocks.", at: value.range)
      return
    }
    for m in ms where m.key != "//" {
      expandBlocks(
        type: type, typeRange: typeRange, value: m.value, labels: labels + [m.key],
        labelRanges: labelRanges + [m.keyRange], remaining: Array(remaining.dropFirst()), into: &blocks, &diags)
    }
  }

  func jsonExtraneous(_ schema: BodySchema) -> Diagnostics {
    guard case .json(let v) = storage else { return Diagnostics() }
    var diags = Diagnostics()
    let known = Set(schema.attributes.map(\.name) + schema.blocks.map(\.type)).union(hidden)
    for m in objects(v, &diags).flatMap({ $0 }) where !known.contains(m.key) {
      diags.error(
        "Extraneous JSON object property",
        "No argument or block type is named \(quoted(m.key))."
          + (suggestion(for: m.key, among: Array(known)).map { " Did you mean \(quoted($0))?" } ?? ""),
        at: m.keyRange)
    }
    // Shape errors were already reported by partialContent.
    return Diagnostics(diags.filter { $0.summary == "Extraneous JSON object property" })
  }

  func jsonJustAttributes(_ v: JSONValue, _ diags: inout Diagnostics) -> ([String: Attribute], Diagnostics) {
    var out: [String: Attribute] = [:]
    for m in objects(v, &diags).flatMap({ $0 }) where !hidden.contains(m.key) {
      if out[m.key] != nil {
        diags.error("Duplicate argument", "The argument \(quoted(m.key)) was already set.", at: m.keyRange)
        continue
      }
      let (expr, d) = m.value.expression()
      diags.append(contentsOf: d)
      out[m.key] = Attribute(name: m.key, expression: expr, range: m.keyRange.to(m.value.range), nameRange: m.keyRange)
    }
    return (out, diags)
  }
}

extension JSONValue {
  /// The expression a JSON value denotes: strings are parsed as templates.
  func expression() -> (Expression, Diagnostics) {
    var diags = Diagnostics()
    let e = expression(&diags)
    return (e, diags)
  }

  private func expression(_ diags: inout Diagnostics) -> Expression {
    switch self {
    case .string(let s, let r): return JSONValue.template(s, r, &diags)
    case .number(let n, let r): return Expression(.literal(Number(parsing: n).map(Value.number) ?? .nullValue), r)
    case .bool(let b, let r): return Expression(.literal(.bool(b)), r)
    case .null(let r): return Expression(.literal(.nullValue), r)
    case .array(let items, let r): return Expression(.tuple(items.map { $0.expression(&diags) }), r)
    case .object(let ms, let r):
      return Expression(
        .object(ms.map { m in (JSONValue.template(m.key, m.keyRange, &diags), m.value.expression(&diags)) }), r)
    }
  }

  static func template(_ s: String, _ r: SourceRange, _ diags: inout Diagnostics) -> Expression {
    guard s.contains("${") || s.contains("%{") else { return Expression(.literal(.string(s)), r) }
    var origin = r.start
    origin.column += 1
    origin.byte += 1
    let sub = SourceFile(filename: r.filename, text: s, origin: origin)
    let p = Parser(sub)
    do {
      let e = try p.parseBareTemplate()
      diags.append(contentsOf: p.diags)
      return e
    } catch {
      diags.append(contentsOf: p.diags)
      return Expression(.literal(.string(s)), r)
    }
  }
}

/// `name = expression` in a body.
public struct Attribute: Sendable {
  public var name: String
  public var expression: Expression
  /// The whole `name = expression` definition.
  public var range: SourceRange
  public var nameRange: SourceRange
}

/// `type "label" ident { body }`.
public struct Block: Sendable {
  public var type: String
  public var labels: [String]
  public var labelRanges: [SourceRange]
  public var body: Body
  public var typeRange: SourceRange
  /// The header: type and labels, up to the opening brace. Good for "defined here" messages.
  public var defRange: SourceRange
}

/// What a decoder expects in a body: attributes by name and blocks by type (like hcl.BodySchema).
public struct BodySchema: Sendable {
  public var attributes: [AttributeSchema]
  public var blocks: [BlockHeaderSchema]

  public init(attributes: [AttributeSchema] = [], blocks: [BlockHeaderSchema] = []) {
    self.attributes = attributes
    self.blocks = blocks
  }
}

public struct AttributeSchema: Sendable {
  public var name: String
  public var required: Bool

  public init(_ name: String, required: Bool = false) {
    self.name = name
    self.required = required
  }
}

public struct BlockHeaderSchema: Sendable {
  public var type: String
  public var labelNames: [String]

  public init(_ type: String, labels: [String] = []) {
    self.type = type
    labelNames = labels
  }
}

/// The result of decoding a body against a schema.
public struct BodyContent: Sendable {
  public var attributes: [String: Attribute]
  /// Blocks in source order.
  public var blocks: [Block]
  /// Where to point when a required item is absent: the body's closing brace or end of file.
  public var missingItemRange: SourceRange

  public func blocks(ofType type: String) -> [Block] { blocks.filter { $0.type == type } }
}

/// A body: the contents of a file or of a block, in native or JSON syntax. Ask it for content by
/// schema; names the schema does not mention come back as diagnostics.
public struct Body: Sendable {
  enum Storage: Sendable {
    case native(attributes: [Attribute], blocks: [Block])
    case json(JSONValue)
  }

  let storage: Storage
  /// Names already taken by an earlier `partialContent`, so they are not reported again.
  var hidden: Set<String> = []
  public let range: SourceRange
  /// The end of the body, used for "missing" diagnostics.
  public let endRange: SourceRange

  init(storage: Storage, range: SourceRange, endRange: SourceRange) {
    self.storage = storage
    self.range = range
    self.endRange = endRange
  }

  /// Decodes against `schema`, reporting anything the schema does not name.
  public func content(_ schema: BodySchema) -> (BodyContent, Diagnostics) {
    var (content, _, diags) = partialContent(schema)
    if case .native(let attrs, let blocks) = storage {
      let attrNames = Set(schema.attributes.map(\.name))
      let blockTypes = Set(schema.blocks.map(\.type))
      for a in attrs where !attrNames.contains(a.name) && !hidden.contains(a.name) {
        let hint =
          blockTypes.contains(a.name)
          ? " Did you mean to define a block of type \(quoted(a.name))?"
          : suggestion(for: a.name, among: Array(attrNames)).map { " Did you mean \(quoted($0))?" } ?? ""
        diags.error(
          "Unsupported argument", "An argument named \(quoted(a.name)) is not expected here.\(hint)",
          at: a.nameRange)
      }
      for b in blocks where !blockTypes.contains(b.type) && !hidden.contains(b.type) {
        let hint =
          attrNames.contains(b.type)
          ? " Did you mean to define argument \(quoted(b.type))?"
          : suggestion(for: b.type, among: Array(blockTypes)).map { " Did you mean \(quoted($0))?" } ?? ""
        diags.error(
          "Unsupported block type", "Blocks of type \(quoted(b.type)) are not expected here.\(hint)", at: b.typeRange)
      }
    } else {
      diags.append(contentsOf: jsonExtraneous(schema))
    }
    content.missingItemRange = endRange
    return (content, diags)
  }

  /// Decodes what `schema` names and returns the rest as a body for another decoder.
  public func partialContent(_ schema: BodySchema) -> (BodyContent, Body, Diagnostics) {
    var diags = Diagnostics()
    var content = BodyContent(attributes: [:], blocks: [], missingItemRange: endRange)
    switch storage {
    case .native(let attrs, let blocks):
      let byName = Dictionary(attrs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
      for s in schema.attributes where !hidden.contains(s.name) {
        if let a = byName[s.name] {
          content.attributes[s.name] = a
        } else if s.required {
          diags.error(
            "Missing required argument", "The argument \(quoted(s.name)) is required, but no definition was found.",
            at: endRange)
        }
      }
      let blockSchemas = Dictionary(schema.blocks.map { ($0.type, $0) }, uniquingKeysWith: { a, _ in a })
      for b in blocks {
        guard let s = blockSchemas[b.type], !hidden.contains(b.type) else { continue }
        if b.labels.count > s.labelNames.count {
          let r = b.labelRanges[s.labelNames.count]
          diags.error(
            "Extraneous label for \(b.type)",
            s.labelNames.isEmpty
              ? "No labels are expected for \(b.type) blocks."
              : "Only \(s.labelNames.count) labels (\(s.labelNames.joined(separator: ", "))) are expected for \(b.type) blocks.",
            at: r)
          continue
        }
        if b.labels.count < s.labelNames.count {
          diags.error(
            "Missing \(s.labelNames[b.labels.count]) for \(b.type)",
            "All \(b.type) blocks must have \(s.labelNames.count) labels (\(s.labelNames.joined(separator: ", "))).",
            at: b.defRange)
          continue
        }
        content.blocks.append(b)
      }
    case .json(let v):
      jsonContent(v, schema, into: &content, &diags)
    }
    var rest = self
    rest.hidden.formUnion(schema.attributes.map(\.name))
    rest.hidden.formUnion(schema.blocks.map(\.type))
    return (content, rest, diags)
  }

  /// Treats every item as an attribute (for bodies of free-form maps such as `variable` defaults
  /// or bake's `args`); any block is an error.
  public func justAttributes() -> ([String: Attribute], Diagnostics) {
    var diags = Diagnostics()
    switch storage {
    case .native(let attrs, let blocks):
      for b in blocks where !hidden.contains(b.type) {
        diags.error("Unexpected \(quoted(b.type)) block", "Blocks are not allowed here.", at: b.typeRange)
      }
      var out: [String: Attribute] = [:]
      for a in attrs where !hidden.contains(a.name) { out[a.name] = a }
      return (out, diags)
    case .json(let v):
      return jsonJustAttributes(v, &diags)
    }
  }

  /// Attributes in source order, for native bodies; JSON bodies answer as `justAttributes` would.
  public var attributes: [Attribute] {
    switch storage {
    case .native(let attrs, _): attrs.filter { !hidden.contains($0.name) }
    case .json: justAttributes().0.values.sorted { $0.range.start.byte < $1.range.start.byte }
    }
  }

  /// Blocks in source order (native syntax only; JSON blocks exist only relative to a schema).
  public var blocks: [Block] {
    if case .native(_, let blocks) = storage { return blocks.filter { !hidden.contains($0.type) } }
    return []
  }
}

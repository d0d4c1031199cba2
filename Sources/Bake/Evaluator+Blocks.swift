import KilnCore
import HCL

/// One evaluation of a `target` or `group` block: a block yields one instance per combination of
/// its `matrix` values, each with its own name and matrix variables.
struct Instance {
  var name: String
  var locals: [String: Value]
  /// Attributes evaluated so far, converted to their schema types.
  var values: [String: Value] = [:]
  var resolving: Set<String> = []
}

extension Evaluator {
  static let targetAttributes: [String] = [
    "description", "inherits", "annotations", "attest", "context", "contexts", "dockerfile", "dockerfile-inline", "args",
    "labels", "tags", "cache-from", "cache-to", "target", "secret", "ssh", "platforms", "output", "pull", "no-cache",
    "network", "no-cache-filter", "shm-size", "ulimits", "resources", "call", "entitlements", "extra-hosts", "policy",
  ]
  static let groupAttributes = ["description", "targets"]

  static func attributeNames(_ type: String) -> [String] { type == "group" ? groupAttributes : targetAttributes }

  static func schema(_ type: String) -> BodySchema {
    let names = attributeNames(type) + ["name", "matrix"]
    return BodySchema(attributes: names.map { AttributeSchema($0, required: type == "group" && $0 == "targets") })
  }

  /// The body's attributes known to the block type's schema. buildx ignores the others, so they
  /// are only warned about (once per block, in `instances(of:)`).
  /// Cached per block: every attribute of every matrix instance asks again.
  func attributes(of index: Int) throws(Diagnostics) -> [String: Attribute] {
    if let cached = blockAttributes[index] { return cached }
    let block = blocks[index]
    let (c, _, d) = block.body.partialContent(Self.schema(block.type))
    if d.hasErrors { throw d }
    blockAttributes[index] = c.attributes
    return c.attributes
  }

  /// Names the schema does not know, as warnings: a typo would otherwise go unnoticed.
  func warnUnknown(_ block: Block) {
    let (_, d) = block.body.content(Self.schema(block.type))
    for var w in d where w.summary.hasPrefix("Unsupported") {
      w.severity = .warning
      warnings.append(w)
    }
  }

  /// Expands a block into its instances (matrix, `name`), validating each name.
  func instances(of index: Int) throws(Diagnostics) -> [Instance] {
    if let done = instances[index] { return done }
    let block = blocks[index]
    let label = block.labels[0]
    let labelRange = block.labelRanges[0]
    try validateName(label, at: labelRange)
    let attrs = try attributes(of: index)
    warnUnknown(block)
    var contexts: [[String: Value]] = [[:]]
    if block.type == "group" {
      if attrs["name"] != nil { throw failure("Invalid name", "name is not supported for groups", at: labelRange) }
      if attrs["matrix"] != nil { throw failure("Invalid name", "matrix is not supported for groups", at: labelRange) }
    } else if let m = attrs["matrix"] {
      let value = try evaluate(m.expression)
      guard let entries = value.entries else {
        throw failure("Invalid block", "matrix must be a map", at: m.range)
      }
      // buildx walks a Go map here; sorted keys make the order of expansion stable.
      for key in entries.keys.sorted() {
        guard let items = entries[key]?.elements else {
          throw failure("Invalid block", "matrix values must be a list", at: m.range)
        }
        var next: [[String: Value]] = []
        for item in items {
          for c in contexts {
            var c2 = c
            c2[key] = item
            next.append(c2)
          }
        }
        contexts = next
      }
    }
    var out: [Instance] = []
    for locals in contexts {
      var name = label
      if let n = attrs["name"] {
        guard attrs["matrix"] != nil else { throw failure("Invalid name", "name requires matrix", at: labelRange) }
        let v = try evaluate(n.expression, locals: locals)
        guard case .string(let s)? = try? v.converted(to: .string) else {
          throw failure("Invalid name", "name must be a string", at: n.range)
        }
        name = s
        try validateName(name, at: labelRange)
      }
      out.append(Instance(name: name, locals: locals))
    }
    var seen = Set<String>()
    for i in out where !seen.insert(i.name).inserted {
      throw failure("Invalid name", "duplicate name \(goQuote(i.name))", at: labelRange)
    }
    instances[index] = out
    return out
  }

  func validateName(_ name: String, at range: SourceRange) throws(Diagnostics) {
    let ok = !name.isEmpty && name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "-" }
    if !ok { throw failure("Invalid name", "only \"[a-zA-Z0-9_-]+\" are allowed", at: range) }
  }

  /// Resolves one attribute (or all, when nil) of every block named `name`, for a reference.
  func resolveBlocks(type: String, name: String, attribute: String?, at range: SourceRange) throws(Diagnostics) {
    for index in byName[type]?[name] ?? [] {
      let count = try instances(of: index).count
      for i in 0..<count {
        for a in attribute.map({ [$0] }) ?? Self.attributeNames(type) {
          try resolveAttribute(index, i, a)
        }
      }
    }
  }

  /// Evaluates one attribute of one instance, detecting reference cycles between blocks.
  func resolveAttribute(_ index: Int, _ i: Int, _ name: String) throws(Diagnostics) {
    guard let inst = instances[index]?[i], inst.values[name] == nil else { return }
    let block = blocks[index]
    guard Self.attributeNames(block.type).contains(name) else { return }
    if inst.resolving.contains(name) {
      throw failure("Invalid block", "reference cycle not allowed for \(block.type).\(inst.name).\(name)", at: block.labelRanges[0], context: block.defRange)
    }
    instances[index]?[i].resolving.insert(name)
    defer { instances[index]?[i].resolving.remove(name) }
    guard let attr = try attributes(of: index)[name] else { return }
    let raw = try evaluate(attr.expression, locals: inst.locals)
    let converted = try Decode.convert(raw, for: name, attr)
    instances[index]?[i].values[name] = converted
  }

  /// The value that `target` or `group` evaluates to: every named instance, with the attributes
  /// resolved so far (others null), so `target.app.tags` reads what `app` declares.
  /// `only` limits the object to those instance names (`nil`: all of them).
  func blockObject(_ type: String, only: Set<String>? = nil) -> Value {
    var out: [String: Value] = [:]
    for (index, block) in blocks.enumerated() where block.type == type {
      for inst in instances[index] ?? [] where only?.contains(inst.name) ?? true {
        var fields = (out[inst.name]?.entries) ?? [:]
        for a in Self.attributeNames(type) {
          if let v = inst.values[a] { fields[a] = v } else if fields[a] == nil { fields[a] = .null(Decode.type(of: a)) }
        }
        fields["name"] = .string(inst.name)
        out[inst.name] = .object(fields)
      }
    }
    return .object(out)
  }

  /// `x` when the expression is exactly `target.x.context`.
  static func contextReference(_ e: Expression) -> String? {
    guard let t = e.asTraversal, t.root == "target", t.steps.count == 2, t.steps[1] == .attribute("context") else { return nil }
    switch t.steps[0] {
    case .attribute(let n): return n
    case .index(let v): return (try? v.converted(to: .string))?.stringValue
    }
  }

  /// Evaluates every block into a `Config`, the way buildx's `Parse` fills its `Config`.
  func config() throws(Diagnostics) -> Config {
    var renamed: [(label: String, names: [String])] = []
    for index in blocks.indices {
      let names = try instances(of: index).map(\.name)
      for n in names { byName[blocks[index].type, default: [:]][n, default: []].append(index) }
      if blocks[index].type == "target" { renamed.append((blocks[index].labels[0], names)) }
    }
    var config = Config()
    var diags = Diagnostics()
    var targetIndex: [String: Int] = [:]
    var groupIndex: [String: Int] = [:]
    for (index, block) in blocks.enumerated() {
      do {
        let count = try instances(of: index).count
        for i in 0..<count {
          for a in Self.attributeNames(block.type) { try resolveAttribute(index, i, a) }
        }
      } catch {
        diags.append(contentsOf: error)
        continue
      }
      for inst in instances[index] ?? [] {
        if block.type == "group" {
          let g = Decode.group(inst)
          if let at = groupIndex[g.name] { config.groups[at] = g } else {
            groupIndex[g.name] = config.groups.count
            config.groups.append(g)
          }
        } else {
          var t = Decode.target(inst)
          if options.fileRelativePaths, let attrs = try? attributes(of: index) {
            t.setSource(
              file: block.defRange.filename, hasContext: attrs["context"] != nil,
              contextRef: attrs["context"].flatMap { Self.contextReference($0.expression) }, hasContexts: attrs["contexts"] != nil)
          }
          if let at = targetIndex[t.name] { config.targets[at].merge(t) } else {
            targetIndex[t.name] = config.targets.count
            config.targets.append(t)
          }
        }
      }
    }
    if diags.hasErrors { throw diags }
    // A matrix target's label becomes a group of the targets it expanded to.
    var merged: [(String, [String])] = []
    for (label, names) in renamed {
      if let i = merged.firstIndex(where: { $0.0 == label }) { merged[i].1 += names } else { merged.append((label, names)) }
    }
    for (label, names) in merged {
      let unique = dedupNames(names)
      if unique.count == 1 && unique[0] == label { continue }
      config.groups.append(Group(name: label, targets: unique))
    }
    config.dedupe()
    for (name, a) in attrs.sorted(by: { $0.key < $1.key }) { try resolveValue(name, at: a.range) }
    return config
  }
}

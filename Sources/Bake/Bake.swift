import Foundation
import HCL
public import KilnCore

/// A bake definition file's name and text.
public struct BakeFile: Sendable {
  public var name: String
  public var contents: String

  public init(name: String, contents: String) {
    self.name = name
    self.contents = contents
  }
}

/// A variable as `--list=variables` shows it.
public struct VariableInfo: Sendable, Equatable {
  public var name: String
  public var description: String
  /// The declared type constraint, in cty's words ("list of string"); empty when untyped.
  public var type: String
  /// The value as text; nil when null.
  public var value: String?
}

/// What a set of bake files defines once evaluated.
public struct Definition: Sendable {
  public var config: Config
  public var variables: [VariableInfo]
  /// Rendered warnings (with snippets) for things buildx accepts silently, such as unknown attributes.
  public var warnings: String?
}

/// Bake's entry points: parse files into a `Definition`, then resolve the requested targets.
public enum Bake {
  /// Files read when no `-f` is given, in this order; missing ones are skipped.
  public static let defaultFilenames = [
    "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml", "docker-bake.json", "docker-bake.hcl",
    "docker-bake.override.json", "docker-bake.override.hcl",
  ]

  /// Evaluates the files as one definition (later files override earlier ones).
  public static func parse(_ files: [BakeFile], options: ParseOptions) throws(KilnError) -> Definition {
    let sources = Dictionary(files.map { ($0.name, $0.contents) }, uniquingKeysWith: { _, b in b })
    let composeFiles = files.filter { Compose.isCompose($0.name) }
    var composeConfig: Config?
    if !composeFiles.isEmpty {
      var c = try Compose.parse(composeFiles, environment: composeEnvironment(options))
      // Compose paths are relative to the first compose file.
      if options.fileRelativePaths, localFileDir(composeFiles[0].name) != nil {
        for i in c.targets.indices {
          c.targets[i].setSource(file: composeFiles[0].name, hasContext: c.targets[i].context != nil, contextRef: nil, hasContexts: true)
        }
      }
      composeConfig = c
    }
    let hclFiles = files.filter { !Compose.isCompose($0.name) }
    do throws(Diagnostics) {
      var bodies: [Body] = []
      for f in hclFiles {
        let lower = f.name.lowercased()
        let (body, diags): (Body?, Diagnostics)
        if lower.hasSuffix(".json") {
          (body, diags) = HCL.parseJSON(source: f.contents, filename: f.name)
        } else if lower.hasSuffix(".hcl") || !f.contents.trimmingSpaces.hasPrefix("{") {
          (body, diags) = HCL.parse(source: f.contents, filename: f.name)
        } else {
          (body, diags) = HCL.parseJSON(source: f.contents, filename: f.name)
        }
        if diags.hasErrors { throw diags }
        if let body { bodies.append(body) }
      }
      let e = Evaluator(options: options)
      if var composeConfig, bodies.isEmpty {
        if options.fileRelativePaths { composeConfig.rebaseContextPaths() }
        return Definition(config: composeConfig, variables: [])
      }
      try e.load(bodies)
      var variables: [VariableInfo] = []
      for name in e.vars.keys.sorted() {
        guard let def = e.vars[name] else { continue }
        try e.resolveValue(name, at: def.block.defRange)
        let constraint = e.vars[name]?.constraint
        variables.append(
          VariableInfo(
            name: name, description: def.description, type: constraint.map(constraintName) ?? "",
            value: e.values[name].flatMap { listValue($0, constraint) }))
      }
      try e.validate()
      for (name, f) in e.funcs.sorted(by: { $0.key < $1.key }) {
        try e.resolveFunction(name, at: f.params?.range ?? f.block.labelRanges[0])
      }
      var config = try e.config()
      if let composeConfig { config = composeConfig.overlaid(by: config) }
      if options.fileRelativePaths { config.rebaseContextPaths() }
      return Definition(
        config: config, variables: variables, warnings: e.warnings.isEmpty ? nil : e.warnings.render(files: sources))
    } catch {
      throw KilnError(.invalidArgument, error.render(files: sources))
    }
  }

  /// Compose interpolation sees the environment (unless lookup is disabled), then `.env` in the
  /// working directory for names not already set, then `--var` values.
  static func composeEnvironment(_ options: ParseOptions) -> [String: String] {
    var env = options.environment ?? [:]
    if let data = FileManager.default.contents(atPath: ".env") {
      for e in DotEnv.parse(String(decoding: data, as: UTF8.self)) where env[e.key] == nil {
        if let v = e.value { env[e.key] = v }
      }
    }
    env.merge(options.vars) { _, new in new }
    return env
  }

  private static func constraintName(_ t: HCLType) -> String {
    switch t {
    case .any: "any type"
    case .list(let e): "list of " + elementName(e)
    case .set(let e): "set of " + elementName(e)
    case .map(let e): "map of " + elementName(e)
    default: t.friendlyName
    }
  }

  /// A collection's elements must share one type, hence cty's "any single type".
  private static func elementName(_ t: HCLType) -> String { t == .any ? "any single type" : constraintName(t) }

  private static func listValue(_ v: Value, _ constraint: HCLType?) -> String? {
    if v.isNull { return nil }
    if let constraint {
      let json = ctyJSON(v, constraint)
      // Typed strings print unquoted, like untyped ones (buildx trims every surrounding quote).
      guard constraint == .string else { return json }
      var s = Substring(json)
      while s.first == "\"" { s.removeFirst() }
      while s.last == "\"" { s.removeLast() }
      return String(s)
    }
    if v.type.isPrimitive { return (try? v.converted(to: .string))?.stringValue }
    return v.jsonEncoded
  }

  /// Resolves `targets` (names, groups, globs; `default` when empty) with `--set` overrides into
  /// what `--print` shows. `environment` supplies `--set t.args.X` values and `SOURCE_DATE_EPOCH`.
  public static func resolve(
    _ definition: Definition, targets requested: [String], overrides: [String], environment: [String: String]?
  ) throws(KilnError) -> Resolved {
    let c = definition.config
    var names: [String] = []
    for t in (requested.isEmpty ? ["default"] : requested).map({ $0.replacing(".", with: "_") }) {
      names += try c.matchNames(t)
    }
    names = dedupNames(names)
    let o = try c.overrides(overrides, environment: environment)
    let index = Config.Index(c)
    var targets: [String: Target] = [:]
    var groups: [String: Group] = [:]
    for name in names {
      let (ts, gs) = c.resolveGroup(name, in: index)
      for t in ts { targets[t] = try c.resolveTarget(t, o, in: index) }
      for g in gs { if let group = c.group(g, in: index) { groups[g] = group } }
    }
    for name in names where !(groups["default"] != nil && name == "default") {
      groups["default", default: Group(name: "default", targets: [])].targets.append(name)
    }
    if var d = groups["default"] {
      d.targets = dedupNames(d.targets).sorted()
      groups["default"] = d
    }
    for name in targets.keys.sorted() {
      guard var t = targets[name] else { continue }
      try c.loadLinks(name, &t, &targets, o, visited: [], in: index)
      targets[name] = t
    }
    for (name, var t) in targets {
      if t.args?["SOURCE_DATE_EPOCH"] == nil, let epoch = environment?["SOURCE_DATE_EPOCH"], !epoch.isEmpty {
        t.args = (t.args ?? [:]).merging(["SOURCE_DATE_EPOCH": .some(epoch)]) { a, _ in a }
      }
      if t.context == "-" { throw KilnError("context from stdin not allowed in bake") }
      if t.dockerfile == "-" { throw KilnError("dockerfile from stdin not allowed in bake") }
      // The build options buildx derives write the cleaned context back into the target.
      var ctx = t.context ?? "."
      if let local = ctx.cutPrefix("cwd://") {
        ctx = GoPath.clean(local)
      } else if !isRemoteURL(ctx) {
        ctx = GoPath.clean(ctx)
      }
      t.context = ctx
      targets[name] = t
    }
    return Resolved(groups: groups, targets: targets)
  }
}

func isRemoteURL(_ s: String) -> Bool {
  ["http://", "https://", "git://", "git@", "ssh://", "github.com/"].contains { s.hasPrefix($0) }
}

extension String {
  func cutPrefix(_ prefix: String) -> String? { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil }
}

/// cty's JSON for a value of type `t`: like `jsonencode`, except that where the type is dynamic
/// (`any`) the value is wrapped with its type, `{"value":…,"type":…}`.
func ctyJSON(_ v: Value, _ t: HCLType) -> String {
  switch t {
  case .any where !v.isNull:
    return "{\"value\":" + ctyJSON(v, v.type) + ",\"type\":" + ctyTypeJSON(v.type) + "}"
  case .list(let e), .set(let e):
    guard let items = v.elements else { return v.jsonEncoded }
    return "[" + items.map { ctyJSON($0, e) }.joined(separator: ",") + "]"
  case .tuple(let es):
    guard let items = v.elements, items.count == es.count else { return v.jsonEncoded }
    return "[" + zip(items, es).map { ctyJSON($0, $1) }.joined(separator: ",") + "]"
  case .map(let e):
    guard let m = v.entries else { return v.jsonEncoded }
    return "{" + m.keys.sorted().map { JSONText.string($0) + ":" + ctyJSON(m[$0] ?? .nullValue, e) }.joined(separator: ",") + "}"
  case .object(let attrs, _):
    guard let m = v.entries else { return v.jsonEncoded }
    return "{" + m.keys.sorted().map { JSONText.string($0) + ":" + ctyJSON(m[$0] ?? .nullValue, attrs[$0] ?? .any) }.joined(separator: ",") + "}"
  default:
    return v.jsonEncoded
  }
}

/// cty's JSON encoding of a type: `"string"`, `["list","number"]`, `["object",{"a":"bool"}]`.
func ctyTypeJSON(_ t: HCLType) -> String {
  switch t {
  case .any: "\"dynamic\""
  case .string: "\"string\""
  case .number: "\"number\""
  case .bool: "\"bool\""
  case .list(let e): "[\"list\"," + ctyTypeJSON(e) + "]"
  case .set(let e): "[\"set\"," + ctyTypeJSON(e) + "]"
  case .map(let e): "[\"map\"," + ctyTypeJSON(e) + "]"
  case .tuple(let es): "[\"tuple\",[" + es.map(ctyTypeJSON).joined(separator: ",") + "]]"
  case .object(let attrs, _):
    "[\"object\",{" + attrs.keys.sorted().map { JSONText.string($0) + ":" + ctyTypeJSON(attrs[$0] ?? .any) }.joined(separator: ",") + "}]"
  }
}

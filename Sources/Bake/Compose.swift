import KilnCore
import Yams

/// A YAML document reduced to what compose files need; scalars keep their source text, so
/// `buildno: 123` reads as "123" whatever YAML would resolve it to.
indirect enum YAML: Equatable {
  case null
  case scalar(String)
  case map([(String, YAML)])
  case seq([YAML])

  static func == (a: YAML, b: YAML) -> Bool {
    switch (a, b) {
    case (.null, .null): true
    case (.scalar(let x), .scalar(let y)): x == y
    case (.seq(let x), .seq(let y)): x == y
    case (.map(let x), .map(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
    default: false
    }
  }

  init(_ node: Node) {
    switch node {
    case .scalar(let s):
      let nulls: Set = ["", "~", "null", "Null", "NULL"]
      self = s.style == .plain && nulls.contains(s.string) ? .null : .scalar(s.string)
    case .mapping(let m): self = .map(m.map { ($0.key.string ?? "", YAML($0.value)) })
    case .sequence(let s): self = .seq(s.map(YAML.init))
    }
  }

  subscript(_ key: String) -> YAML? {
    if case .map(let m) = self { return m.last { $0.0 == key }?.1 }
    return nil
  }

  var string: String? {
    if case .scalar(let s) = self { return s }
    return nil
  }

  /// A list of strings; a single string becomes its whitespace-separated fields (as x-bake reads).
  var strings: [String]? {
    switch self {
    case .seq(let items): items.compactMap(\.string)
    case .scalar(let s): s.split(whereSeparator: \.isWhitespace).map(String.init)
    default: nil
    }
  }

  /// A mapping of strings, from either `{k: v}` or `["k=v", "k"]` (nil values for bare keys).
  func keyValues(separator: Character = "=") -> [(String, String?)]? {
    switch self {
    case .map(let m): return m.map { ($0.0, $0.1.string) }
    case .seq(let items):
      return items.compactMap(\.string).map { s in s.splitOnce(separator).map { ($0.0, Optional($0.1)) } ?? (s, nil) }
    default: return nil
    }
  }

  /// Later files override earlier ones key by key; anything else is replaced.
  func merged(with other: YAML) -> YAML {
    guard case .map(var a) = self, case .map(let b) = other else { return other }
    for (k, v) in b {
      if let i = a.firstIndex(where: { $0.0 == k }) { a[i].1 = a[i].1.merged(with: v) } else { a.append((k, v)) }
    }
    return .map(a)
  }

  /// Substitutes `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR:+alt}`,
  /// `$VAR` and `$$` in every scalar, as compose does before reading the model.
  func interpolated(_ env: [String: String]) throws(KilnError) -> YAML {
    switch self {
    case .null: return .null
    case .scalar(let s): return .scalar(try Self.interpolate(s, env))
    case .seq(let items):
      var out: [YAML] = []
      for i in items { out.append(try i.interpolated(env)) }
      return .seq(out)
    case .map(let m):
      var out: [(String, YAML)] = []
      for (k, v) in m { out.append((k, try v.interpolated(env))) }
      return .map(out)
    }
  }

  static func interpolate(_ s: String, _ env: [String: String]) throws(KilnError) -> String {
    var out = ""
    var chars = Substring(s)
    while let c = chars.popFirst() {
      guard c == "$", let next = chars.first else {
        out.append(c)
        continue
      }
      if next == "$" {
        chars.removeFirst()
        out.append("$")
      } else if next == "{" {
        chars.removeFirst()
        guard let close = chars.firstIndex(of: "}") else { throw KilnError("invalid interpolation format for \(s)") }
        out += try substitute(String(chars[..<close]), env, in: s)
        chars = chars[chars.index(after: close)...]
      } else if next == "_" || next.isLetter {
        let name = chars.prefix { $0 == "_" || $0.isLetter || $0.isNumber }
        chars = chars.dropFirst(name.count)
        out += env[String(name)] ?? ""
      } else {
        out.append(c)
      }
    }
    return out
  }

  private static func substitute(_ expr: String, _ env: [String: String], in s: String) throws(KilnError) -> String {
    let name = String(expr.prefix { $0 == "_" || $0.isLetter || $0.isNumber })
    let rest = expr.dropFirst(name.count)
    let value = env[name]
    if rest.isEmpty { return value ?? "" }
    for op in [":-", "-", ":?", "?", ":+", "+"] where rest.hasPrefix(op) {
      let arg = try interpolate(String(rest.dropFirst(op.count)), env)
      let unsetOrEmpty = value == nil || value == ""
      switch op {
      case ":-": return unsetOrEmpty ? arg : value ?? ""
      case "-": return value ?? arg
      case ":?": if unsetOrEmpty { throw KilnError("required variable \(name) is missing a value: \(arg)") }
      case "?": if value == nil { throw KilnError("required variable \(name) is missing a value: \(arg)") }
      case ":+": return unsetOrEmpty ? "" : arg
      default: return value == nil ? "" : arg
      }
      return value ?? ""
    }
    throw KilnError("invalid interpolation format for \(s)")
  }
}

/// Compose files as buildx reads them: each service with a `build` section becomes a target,
/// all of them in the `default` group; `x-bake` adds what compose cannot express.
enum Compose {
  static let buildProperties: Set = [
    "context", "dockerfile", "dockerfile_inline", "entitlements", "args", "ssh", "labels", "cache_from", "cache_to",
    "no_cache", "additional_contexts", "network", "provenance", "sbom", "pull", "target", "shm_size", "extra_hosts",
    "isolation", "privileged", "secrets", "tags", "ulimits", "platforms",
  ]

  static func isCompose(_ name: String) -> Bool {
    let lower = name.lowercased()
    return lower.hasSuffix(".yml") || lower.hasSuffix(".yaml")
  }

  static func parse(_ files: [BakeFile], environment: [String: String]) throws(KilnError) -> Config {
    var doc = YAML.map([])
    for f in files {
      let raw = try ComposeLoader.parse(f.contents, name: f.name)
      doc = try ComposeLoader.mergeModels(doc, try ComposeLoader.load(raw, name: f.name, dir: "", environment: environment, included: []))
    }
    guard case .map(let services)? = doc["services"] else {
      if doc["services"] == nil && doc["secrets"] == nil { throw KilnError("failed to parse compose file: empty compose file") }
      return Config()
    }
    let secrets = doc["secrets"]
    var config = Config()
    var group = Group(name: "default", targets: [])
    // buildx walks compose-go's service map; sorting keeps the order stable.
    for (name, svc) in services.sorted(by: { $0.0 < $1.0 }) {
      // compose-go resolves every service's environment, so a missing env file fails either way.
      let serviceEnv = try serviceEnvironment(svc, project: environment)
      guard let build = svc["build"], build != .null else { continue }
      let targetName = name.replacing(".", with: "_")
      if targetName.isEmpty || !targetName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
        throw KilnError("failed to parse compose file: invalid service name \(goQuote(targetName)): only \"[a-zA-Z0-9_-]+\" are allowed")
      }
      var t = Target(name: targetName)
      let b: YAML = build.string.map { .map([("context", .scalar($0))]) } ?? build
      // Compose's schema, which buildx validates against, names every build property.
      if case .map(let fields) = b {
        for (key, _) in fields where !key.hasPrefix("x-") && !buildProperties.contains(key) {
          throw KilnError("services.\(name).build additional properties '\(key)' not allowed")
        }
      }
      t.context = b["context"]?.string.flatMap { $0.isEmpty ? nil : $0 }
      t.dockerfile = b["dockerfile"]?.string.flatMap { $0.isEmpty ? nil : $0 }
      t.dockerfileInline = b["dockerfile_inline"]?.string.flatMap { $0.isEmpty ? nil : $0 }
      if let c = b["additional_contexts"]?.keyValues() {
        t.contexts = namedContexts(Dictionary(c.map { ($0.0, $0.1 ?? "") }, uniquingKeysWith: { _, n in n }))
      }
      t.network = b["network"]?.string.flatMap { $0.isEmpty ? nil : $0 }
      if let size = b["shm_size"]?.string, let bytes = ramInBytes(size), bytes > 0 {
        t.shmSize = HumanUnits.binarySize(Double(bytes))
      }
      if case .map(let limits)? = b["ulimits"] {
        // buildx walks a Go map here; sorted names keep the order stable.
        t.ulimits = limits.sorted { $0.0 < $1.0 }.map { name, v in
          // buildx reads only soft/hard, so the single-number form prints as 0:0.
          let soft = v["soft"]?.string ?? "0"
          let hard = v["hard"]?.string ?? "0"
          return "\(name)=\(soft):\(hard)"
        }
      }
      // "host:ip" or "host=ip" entries, or a map; repeated hosts join their addresses with ",".
      var hosts: [(String, String)] = []
      switch b["extra_hosts"] {
      case .seq(let items)?:
        for e in items.compactMap(\.string) {
          if let kv = e.contains("=") ? e.splitOnce("=") : e.splitOnce(":") { hosts.append(kv) }
        }
      case .map(let m)?:
        for (k, v) in m { hosts.append((k, v.strings?.joined(separator: ",") ?? "")) }
      default: break
      }
      var extraHosts: [String: String?] = [:]
      for (k, v) in hosts { extraHosts[k] = .some(extraHosts[k].flatMap { $0 }.map { $0 + "," + v } ?? v) }
      t.extraHosts = extraHosts
      var ssh: [SSHKey] = []
      for s in b["ssh"]?.keyValues() ?? [] { ssh.append(SSHKey(id: s.0, paths: s.1.map { [$0] } ?? [])) }
      ssh.sort { ($0.id, $0.paths.joined(separator: ",")) < ($1.id, $1.paths.joined(separator: ",")) }
      t.ssh = ssh.isEmpty ? nil : ssh
      var secretList: [Secret] = []
      if case .seq(let items)? = b["secrets"] {
        for item in items {
          guard let source = item.string ?? item["source"]?.string else { continue }
          let def = secrets?[source]
          if def?["external"]?.string == "true" { throw KilnError("unsupported external secret \(source)") }
          secretList.append(Secret(id: source, src: def?["file"]?.string ?? "", env: def?["environment"]?.string ?? ""))
        }
      }
      t.secrets = secretList.isEmpty ? nil : secretList
      var labels: [String: String?] = [:]
      for (k, v) in b["labels"]?.keyValues() ?? [] { labels[k] = .some(v ?? "") }
      t.labels = labels
      t.cacheFrom = try nonEmpty(CacheEntry.parseList(b["cache_from"]?.strings ?? []))
      t.cacheTo = try nonEmpty(CacheEntry.parseList(b["cache_to"]?.strings ?? []))
      var attests: [Attest] = []
      for (type, key) in [("sbom", "sbom"), ("provenance", "provenance")] {
        guard let v = b[key]?.string, !v.isEmpty else { continue }
        let text = parseGoBool(v).map { "type=\(type),disabled=\(!$0)" } ?? "type=\(type),\(v)"
        attests.append(try Attest.parse(text))
      }
      t.attest = attests.isEmpty ? nil : attests
      if b["no_cache"]?.string == "true" { t.noCache = true }
      if b["pull"]?.string == "true" { t.pull = true }
      t.tags = b["tags"]?.strings
      t.platforms = b["platforms"]?.strings
      t.args = args(b["args"], serviceEnvironment: serviceEnv, environment: environment)
      try applyExtension(b["x-bake"], to: &t)
      if let target = b["target"]?.string, !target.isEmpty { t.target = target }
      if (t.tags ?? []).isEmpty, let image = svc["image"]?.string, !image.isEmpty { t.tags = [image] }
      group.targets.append(targetName)
      config.targets.append(t)
    }
    config.groups.append(group)
    return config
  }

  /// go-units `RAMInBytes`: `64m`, `1.5g`, `512` (binary multiples, optional `i`/`b` suffix).
  static func ramInBytes(_ text: String) -> Int? {
    var s = Substring(text.lowercased())
    if s.hasSuffix("b") { s = s.dropLast() }
    if s.hasSuffix("i") { s = s.dropLast() }
    let units: [Character: Double] = ["k": 0x1p10, "m": 0x1p20, "g": 0x1p30, "t": 0x1p40, "p": 0x1p50]
    var multiplier = 1.0
    if let last = s.last, let m = units[last] {
      multiplier = m
      s = s.dropLast()
    }
    guard let n = Double(String(s).trimmingSpaces), n >= 0 else { return nil }
    return Int(n * multiplier)
  }

  private static func nonEmpty<T>(_ a: [T]) -> [T]? { a.isEmpty ? nil : a }

  /// Build args; a bare name takes its value from the service's environment, then the project's.
  private static func args(
    _ y: YAML?, serviceEnvironment: [String: String?], environment: [String: String]
  ) -> [String: String?]? {
    guard let kvs = y?.keyValues(), !kvs.isEmpty else { return nil }
    var out: [String: String?] = [:]
    for (k, v) in kvs {
      if let v {
        out[k] = .some(v)
      } else if let s = serviceEnvironment[k] ?? nil {
        out[k] = .some(s)
      } else if let e = environment[k] {
        out[k] = .some(e)
      }
    }
    return out
  }

  /// `service:x` becomes `target:x`; local paths come back cleaned, as compose's loader leaves them.
  private static func namedContexts(_ m: [String: String]) -> [String: String] {
    m.mapValues { v in
      for prefix in ["service:", "target:"] where v.hasPrefix(prefix) {
        return "target:" + v.dropFirst(prefix.count).replacing(".", with: "_")
      }
      let special = v.contains("://") || v.hasPrefix("docker-image:") || v.hasPrefix("oci-layout:") || isRemoteURL(v)
      return special || v.isEmpty ? v : GoPath.clean(v)
    }
  }

  /// `x-bake`: the bake attributes compose's build section lacks, merged into the target.
  private static func applyExtension(_ x: YAML?, to t: inout Target) throws(KilnError) {
    guard let x, x != .null else { return }
    if let v = x["tags"]?.strings, !v.isEmpty { t.tags = dedupNames((t.tags ?? []) + v) }
    if let v = x["cache-from"]?.strings, !v.isEmpty {
      t.cacheFrom = CacheEntry.normalize((t.cacheFrom ?? []) + (try CacheEntry.parseList(v)))
    }
    if let v = x["cache-to"]?.strings, !v.isEmpty {
      t.cacheTo = CacheEntry.normalize((t.cacheTo ?? []) + (try CacheEntry.parseList(v)))
    }
    if let v = x["secret"]?.strings, !v.isEmpty {
      var parsed: [Secret] = []
      for s in v where !s.isEmpty { parsed.append(try Secret.parse(s)) }
      t.secrets = t.secrets == nil ? parsed : Secret.normalize((t.secrets ?? []) + parsed)
    }
    if let v = x["ssh"]?.strings, !v.isEmpty {
      let parsed = v.filter { !$0.isEmpty }.map(SSHKey.parse)
      var all = t.ssh == nil ? parsed : SSHKey.normalize((t.ssh ?? []) + parsed)
      all.sort { ($0.id, $0.paths.joined(separator: ",")) < ($1.id, $1.paths.joined(separator: ",")) }
      t.ssh = all
    }
    if let v = x["platforms"]?.strings, !v.isEmpty { t.platforms = dedupNames((t.platforms ?? []) + v) }
    if let v = x["output"]?.strings, !v.isEmpty {
      var parsed: [ExportEntry] = []
      for s in v where !s.isEmpty { parsed.append(try ExportEntry.parse(s)) }
      t.outputs = t.outputs == nil ? parsed : ExportEntry.normalize((t.outputs ?? []) + parsed)
    }
    if let v = x["pull"]?.string.flatMap(parseGoBool) { t.pull = v }
    if let v = x["no-cache"]?.string.flatMap(parseGoBool) { t.noCache = v }
    if let v = x["no-cache-filter"]?.strings, !v.isEmpty { t.noCacheFilter = dedupNames((t.noCacheFilter ?? []) + v) }
    if let v = x["contexts"]?.keyValues(), !v.isEmpty {
      var m = t.contexts ?? [:]
      for (k, val) in namedContexts(Dictionary(v.map { ($0.0, $0.1 ?? "") }, uniquingKeysWith: { _, n in n })) where m[k] == nil {
        m[k] = val
      }
      t.contexts = m
    }
  }
}

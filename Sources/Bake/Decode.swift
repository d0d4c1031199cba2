import KilnCore
import HCL

/// Converts evaluated attribute values to the types bake's schema gives them, and instances to
/// `Target`s and `Group`s. Structured flags (`cache-from`, `output`, …) accept strings in their
/// CSV form or objects, and are kept as canonical maps so references can read them.
enum Decode {
  static let strings: Set = ["description", "context", "dockerfile", "dockerfile-inline", "target", "network", "shm-size", "call"]
  static let lists: Set = ["inherits", "annotations", "tags", "platforms", "no-cache-filter", "ulimits", "entitlements", "targets"]
  static let maps: Set = ["args", "labels", "extra-hosts", "contexts"]
  static let bools: Set = ["pull", "no-cache"]

  static func type(of attribute: String) -> HCLType {
    if strings.contains(attribute) { return .string }
    if lists.contains(attribute) { return .list(.string) }
    if maps.contains(attribute) { return .map(.string) }
    if bools.contains(attribute) { return .bool }
    switch attribute {
    case "secret": return .list(.object(["id": .string, "src": .string, "env": .string]))
    case "ssh": return .list(.object(["id": .string, "paths": .list(.string)]))
    case "policy": return .list(.list(.string))
    case "resources":
      let attrs = Dictionary(uniqueKeysWithValues: Resources.strings.map { ($0, HCLType.string) } + Resources.numbers.map { ($0, HCLType.number) })
      return .object(attrs, optional: Set(attrs.keys))
    default: return .list(.map(.string))
    }
  }

  static func convert(_ v: Value, for name: String, _ attr: Attribute) throws(Diagnostics) -> Value {
    func fail(_ detail: String) -> Diagnostics {
      Diagnostics([
        Diagnostic(
          summary: "Unsuitable value type", detail: "Unsuitable value: \(detail)", range: attr.expression.range,
          context: attr.range)
      ])
    }
    let t = type(of: name)
    if !["attest", "cache-from", "cache-to", "secret", "ssh", "output", "policy"].contains(name) {
      do {
        return try v.converted(to: t)
      } catch {
        throw fail(error.path.isEmpty ? "\(t.friendlyName) required" : error.description)
      }
    }
    if v.isNull { return .null(t) }
    guard let items = v.elements else { throw fail("list of \(name == "secret" || name == "ssh" ? "object" : "map of string") required") }
    var out: [Value] = []
    do throws(BakeError) {
      for item in items {
        if case .string(let s) = item, s.isEmpty { continue }
        if item.isNull { continue }
        switch name {
        case "cache-from", "cache-to":
          let entries: [CacheEntry]
          if case .string(let s) = item { entries = try CacheEntry.parseList([s]) } else { entries = [try cache(item)] }
          out += entries.map { .stringMap($0.json) }
        case "output":
          let e = item.stringValue != nil ? try ExportEntry.parse(item.stringValue ?? "") : try export(item)
          out.append(.stringMap(e.json))
        case "attest":
          let a = item.stringValue != nil ? try Attest.parse(item.stringValue ?? "") : try attest(item)
          var m = a.attrs
          m["type"] = a.type
          if a.disabled { m["disabled"] = "true" }
          out.append(.map(m.mapValues(Value.string), .string))
        case "policy":
          let p: Policy
          if let text = item.stringValue {
            p = try Policy.parse(text)
          } else if let entries = item.entries {
            // Map entries become fields; buildx reads them in map order, so keys are sorted here.
            var fields: [String] = []
            for (k, v) in entries.sorted(by: { $0.key < $1.key }) where !v.isNull && v != .string("") {
              guard case .string(let text)? = try? v.converted(to: .string) else { throw BakeError("string required") }
              fields.append("\(k)=\(text)")
            }
            p = try Policy.parse(fields: fields)
          } else {
            throw BakeError("map of string required")
          }
          out.append(.list(p.fields.map(Value.string), .string))
        case "secret":
          let s = item.stringValue != nil ? try Secret.parse(item.stringValue ?? "") : try secret(item)
          out.append(.object(["id": .string(s.id), "src": .string(s.src), "env": .string(s.env)]))
        default:
          let k = item.stringValue != nil ? SSHKey.parse(item.stringValue ?? "") : try ssh(item)
          out.append(.object(["id": .string(k.id), "paths": .list(k.paths.map(Value.string), .string)]))
        }
      }
    } catch {
      throw fail(error.message)
    }
    return .list(out, type(of: name).elementType ?? .any)
  }

  private static func stringMap(_ v: Value) throws(BakeError) -> [String: String] {
    guard case .map(let m, _) = (try? v.converted(to: .map(.string))) ?? .nullValue else {
      throw BakeError("map of string required")
    }
    return m.compactMapValues(\.stringValue)
  }

  private static func cache(_ v: Value) throws(BakeError) -> CacheEntry {
    var m = try stringMap(v)
    let type = m.removeValue(forKey: "type") ?? ""
    if type.isEmpty { throw BakeError("type required for \(goQuote(v.jsonEncoded))") }
    return CacheEntry(type: type, attrs: m)
  }

  private static func export(_ v: Value) throws(BakeError) -> ExportEntry {
    var m = try stringMap(v)
    let type = m.removeValue(forKey: "type") ?? ""
    let dest = m.removeValue(forKey: "dest") ?? ""
    if type.isEmpty { throw BakeError("type is required for output") }
    return ExportEntry(type: type, attrs: m, destination: dest)
  }

  private static func attest(_ v: Value) throws(BakeError) -> Attest {
    var m = try stringMap(v)
    var a = Attest()
    a.type = m.removeValue(forKey: "type") ?? ""
    if let d = m.removeValue(forKey: "disabled") {
      guard let b = parseGoBool(d) else { throw BakeError("invalid value for disabled: \(d)") }
      a.disabled = b
    }
    a.attrs = m
    if a.type.isEmpty { throw BakeError("attestation type not specified") }
    return a
  }

  private static func secret(_ v: Value) throws(BakeError) -> Secret {
    let m = try stringMap(v)
    return Secret(id: m["id"] ?? "", src: m["src"] ?? "", env: m["env"] ?? "")
  }

  private static func ssh(_ v: Value) throws(BakeError) -> SSHKey {
    guard let e = v.entries else { throw BakeError("object required") }
    let id = (try? e["id"]?.converted(to: .string))?.stringValue ?? ""
    let paths = (try? e["paths"]?.converted(to: .list(.string)))?.elements?.compactMap(\.stringValue) ?? []
    return SSHKey(id: id, paths: paths)
  }

  // MARK: Instances to targets

  static func target(_ inst: Instance) -> Target {
    let v = inst.values
    var t = Target(name: inst.name)
    func str(_ k: String) -> String? { v[k]?.stringValue }
    func list(_ k: String) -> [String]? { v[k]?.elements.map { $0.map { $0.stringValue ?? "" } } }
    func optMap(_ k: String) -> [String: String?]? { v[k]?.entries.map { $0.mapValues(\.stringValue) } }
    func maps(_ k: String) -> [[String: String]]? {
      v[k]?.elements.map { $0.map { ($0.entries ?? [:]).compactMapValues(\.stringValue) } }
    }
    t.description = str("description") ?? ""
    t.inherits = list("inherits") ?? []
    t.annotations = list("annotations")
    t.attest = maps("attest")?.map { m in
      var m = m
      let type = m.removeValue(forKey: "type") ?? ""
      let disabled = m.removeValue(forKey: "disabled") == "true"
      return Attest(type: type, disabled: disabled, attrs: m)
    }
    t.context = str("context")
    t.contexts = v["contexts"]?.entries.map { $0.mapValues { $0.stringValue ?? "" } }
    t.dockerfile = str("dockerfile")
    t.dockerfileInline = str("dockerfile-inline")
    t.args = optMap("args")
    t.labels = optMap("labels")
    t.tags = list("tags")
    t.cacheFrom = maps("cache-from")?.map(cacheEntry)
    t.cacheTo = maps("cache-to")?.map(cacheEntry)
    t.target = str("target")
    t.secrets = maps("secret")?.map { Secret(id: $0["id"] ?? "", src: $0["src"] ?? "", env: $0["env"] ?? "") }
    t.ssh = v["ssh"]?.elements?.map { e in
      let f = e.entries ?? [:]
      return SSHKey(id: f["id"]?.stringValue ?? "", paths: f["paths"]?.elements?.compactMap(\.stringValue) ?? [])
    }
    t.platforms = list("platforms")
    t.outputs = maps("output")?.map { m in
      var m = m
      let type = m.removeValue(forKey: "type") ?? ""
      let dest = m.removeValue(forKey: "dest") ?? ""
      return ExportEntry(type: type, attrs: m, destination: dest)
    }
    t.pull = v["pull"]?.boolValue
    t.noCache = v["no-cache"]?.boolValue
    t.network = str("network")
    t.noCacheFilter = list("no-cache-filter")
    t.shmSize = str("shm-size")
    t.ulimits = list("ulimits")
    if let r = v["resources"]?.entries {
      var res = Resources()
      res.memory = r["memory"]?.stringValue
      res.memorySwap = r["memory-swap"]?.stringValue
      res.cpuShares = r["cpu-shares"]?.numberValue?.intValue
      res.cpuPeriod = r["cpu-period"]?.numberValue?.intValue
      res.cpuQuota = r["cpu-quota"]?.numberValue?.intValue
      res.cpusetCPUs = r["cpuset-cpus"]?.stringValue
      res.cpusetMems = r["cpuset-mems"]?.stringValue
      t.resources = res
    }
    t.call = str("call")
    t.entitlements = list("entitlements")
    t.extraHosts = optMap("extra-hosts")
    t.policy = v["policy"]?.elements?.compactMap { e in
      try? Policy.parse(fields: e.elements?.compactMap(\.stringValue) ?? [])
    }
    return t
  }

  private static func cacheEntry(_ m: [String: String]) -> CacheEntry {
    var m = m
    let type = m.removeValue(forKey: "type") ?? ""
    return CacheEntry(type: type, attrs: m)
  }

  static func group(_ inst: Instance) -> Group {
    Group(
      name: inst.name, description: inst.values["description"]?.stringValue ?? "",
      targets: inst.values["targets"]?.elements?.map { $0.stringValue ?? "" } ?? [])
  }
}

extension Value {
  static func stringMap(_ json: GoJSON) -> Value {
    guard case .object(let fields) = json else { return .map([:], .string) }
    var m: [String: Value] = [:]
    for (k, v) in fields { if case .string(let s) = v { m[k] = .string(s) } }
    return .map(m, .string)
  }
}

import KilnCore
/// `--print` output: buildx marshals its `Target` struct, so fields come in the struct's order
/// and empty ones are omitted. Values that HCL would interpolate again are escaped (`${` → `$${`,
/// `%{` → `%%{`) so the printed file evaluates back to the same strings.
extension Target {
  var json: GoJSON {
    var o: [(String, GoJSON)] = []
    func strings(_ key: String, _ v: [String]?, escaped: Bool = false) {
      guard let v, !v.isEmpty else { return }
      o.append((key, .array(v.map { .string(escaped ? Self.escape($0) : $0) })))
    }
    func string(_ key: String, _ v: String?, escaped: Bool = false) {
      guard let v else { return }
      o.append((key, .string(escaped ? Self.escape(v) : v)))
    }
    func map(_ key: String, _ v: [String: String?]?) {
      guard let v, !v.isEmpty else { return }
      o.append((key, .map(v.mapValues { $0.map { .string(Self.escape($0)) } ?? .null })))
    }
    func list(_ key: String, _ v: [GoJSON]?) {
      guard let v, !v.isEmpty else { return }
      o.append((key, .array(v)))
    }
    func bool(_ key: String, _ v: Bool?) {
      guard let v else { return }
      o.append((key, .bool(v)))
    }
    if !description.isEmpty { o.append(("description", .string(description))) }
    strings("inherits", inherits)
    strings("annotations", annotations, escaped: true)
    list("attest", attest?.map(\.json))
    string("context", context)
    if let c = contexts, !c.isEmpty { o.append(("contexts", .stringMap(c))) }
    string("dockerfile", dockerfile)
    string("dockerfile-inline", dockerfileInline, escaped: true)
    map("args", args)
    map("labels", labels)
    strings("tags", tags)
    list("cache-from", cacheFrom?.map(\.json))
    list("cache-to", cacheTo?.map(\.json))
    string("target", target)
    list("secret", secrets?.map(\.json))
    list("ssh", ssh?.map(\.json))
    strings("platforms", platforms)
    list("output", outputs?.map(\.json))
    bool("pull", pull)
    bool("no-cache", noCache)
    string("network", network)
    strings("no-cache-filter", noCacheFilter)
    string("shm-size", shmSize)
    strings("ulimits", ulimits)
    if let r = resources {
      var f: [(String, GoJSON)] = []
      if let v = r.memory { f.append(("memory", .string(v))) }
      if let v = r.memorySwap { f.append(("memory-swap", .string(v))) }
      if let v = r.cpuShares { f.append(("cpu-shares", .number(String(v)))) }
      if let v = r.cpuPeriod { f.append(("cpu-period", .number(String(v)))) }
      if let v = r.cpuQuota { f.append(("cpu-quota", .number(String(v)))) }
      if let v = r.cpusetCPUs { f.append(("cpuset-cpus", .string(v))) }
      if let v = r.cpusetMems { f.append(("cpuset-mems", .string(v))) }
      o.append(("resources", .object(f)))
    }
    string("call", call)
    strings("entitlements", entitlements)
    map("extra-hosts", extraHosts)
    list("policy", policy?.map(\.json))
    return .object(o)
  }

  static func escape(_ s: String) -> String {
    // Only `${` and `%{` change; most values have neither.
    guard s.utf8.contains(where: { $0 == 0x24 || $0 == 0x25 }) else { return s }
    return s.replacing("${", with: "$${").replacing("%{", with: "%%{")
  }
}

extension Group {
  var json: GoJSON {
    var o: [(String, GoJSON)] = []
    if !description.isEmpty { o.append(("description", .string(description))) }
    o.append(("targets", .array(targets.map(GoJSON.string))))
    return .object(o)
  }
}

/// The result of resolving targets: what `--print` shows and what a build would run.
public struct Resolved: Sendable {
  public var groups: [String: Group]
  public var targets: [String: Target]

  /// `--print`'s document, with its trailing newline.
  public var printed: String {
    var o: [(String, GoJSON)] = []
    if !groups.isEmpty { o.append(("group", .map(groups.mapValues(\.json)))) }
    o.append(("target", .map(targets.mapValues(\.json))))
    return GoJSON.object(o).render() + "\n"
  }
}

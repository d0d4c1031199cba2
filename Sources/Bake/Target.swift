import KilnCore
/// A bake target as buildx models it. Optional fields distinguish "not set" (nil, omitted from
/// `--print` and skipped by merges) from "set to empty"; merge rules follow buildx's `Target.Merge`.
public struct Target: Sendable, Equatable {
  public var name: String
  public var description = ""
  public var inherits: [String] = []
  public var annotations: [String]?
  public var attest: [Attest]?
  public var context: String?
  public var contexts: [String: String]?
  public var dockerfile: String?
  public var dockerfileInline: String?
  /// A nil value is an arg declared without a value; merges skip it.
  public var args: [String: String?]?
  public var labels: [String: String?]?
  public var tags: [String]?
  public var cacheFrom: [CacheEntry]?
  public var cacheTo: [CacheEntry]?
  public var target: String?
  public var secrets: [Secret]?
  public var ssh: [SSHKey]?
  public var platforms: [String]?
  public var outputs: [ExportEntry]?
  public var pull: Bool?
  public var noCache: Bool?
  public var network: String?
  public var noCacheFilter: [String]?
  public var shmSize: String?
  public var ulimits: [String]?
  public var resources: Resources?
  public var call: String?
  public var entitlements: [String]?
  public var extraHosts: [String: String?]?
  public var policy: [Policy]?

  // Where relative paths are resolved from when BUILDX_BAKE_FILE_RELATIVE_PATHS is on: the
  // defining file's directory, for the default context, `context` and each of `contexts`.
  var defaultContextBase: String?
  var useDefaultContextBase = false
  var contextBase: String?
  /// The target whose context this one copies (`context = target.x.context`).
  var contextBaseRef: String?
  var contextsBase: [String: String] = [:]

  public init(name: String) { self.name = name }

  /// Layers `other` over `self`: scalars and "no merge" lists are replaced, maps are merged key by
  /// key (nil values skipped), and the lists buildx accumulates are appended.
  public mutating func merge(_ o: Target) {
    if let base = o.defaultContextBase {
      defaultContextBase = base
      useDefaultContextBase = o.useDefaultContextBase
    }
    if let v = o.context {
      context = v
      contextBase = o.contextBase
      contextBaseRef = o.contextBaseRef
    }
    if let v = o.dockerfile { dockerfile = v }
    if let v = o.dockerfileInline { dockerfileInline = v }
    args = Self.mergeMap(args, o.args)
    if let c = o.contexts {
      var m = contexts ?? [:]
      for (k, v) in c {
        m[k] = v
        contextsBase[k] = o.contextsBase[k]
      }
      contexts = m
    }
    labels = Self.mergeMap(labels, o.labels)
    if let v = o.tags { tags = v }
    if let v = o.target { target = v }
    if let v = o.call { call = v }
    if let v = o.annotations { annotations = (annotations ?? []) + v }
    if let v = o.attest { attest = attest == nil ? v : Attest.normalize((attest ?? []) + v) }
    if let v = o.secrets { secrets = secrets == nil ? v : Secret.normalize((secrets ?? []) + v) }
    if let v = o.ssh { ssh = ssh == nil ? v : SSHKey.normalize((ssh ?? []) + v) }
    if let v = o.platforms { platforms = v }
    if let v = o.cacheFrom { cacheFrom = CacheEntry.normalize((cacheFrom ?? []) + v) }
    if let v = o.cacheTo { cacheTo = v }
    if let v = o.outputs { outputs = v }
    if let v = o.pull { pull = v }
    if let v = o.noCache { noCache = v }
    if let v = o.network { network = v }
    if let v = o.noCacheFilter { noCacheFilter = (noCacheFilter ?? []) + v }
    if let v = o.shmSize { shmSize = v }
    if let v = o.ulimits { ulimits = (ulimits ?? []) + v }
    if let v = o.resources { resources = (resources ?? Resources()).merging(v) }
    if !o.description.isEmpty { description = o.description }
    if let v = o.entitlements { entitlements = (entitlements ?? []) + v }
    extraHosts = Self.mergeMap(extraHosts, o.extraHosts)
    if let v = o.policy { policy = (policy ?? []) + v }
    inherits += o.inherits
  }

  private static func mergeMap(_ a: [String: String?]?, _ b: [String: String?]?) -> [String: String?]? {
    guard let b else { return a }
    var m = a
    for (k, v) in b {
      guard let v else { continue }
      if m == nil { m = [:] }
      m?[k] = .some(v)
    }
    return m
  }

  /// Removes duplicates and empty entries, as buildx does once a target is resolved.
  mutating func normalize() {
    annotations = annotations.map(Self.dedup)
    attest = attest.flatMap { $0.isEmpty ? nil : Attest.normalize($0) }
    tags = tags.map(Self.dedup)
    secrets = secrets.flatMap { $0.isEmpty ? nil : Secret.normalize($0) }
    ssh = ssh.flatMap { $0.isEmpty ? nil : SSHKey.normalize($0) }
    platforms = platforms.map(Self.dedup)
    cacheFrom = cacheFrom.flatMap { $0.isEmpty ? nil : CacheEntry.normalize($0) }
    cacheTo = cacheTo.flatMap { $0.isEmpty ? nil : CacheEntry.normalize($0) }
    outputs = outputs.flatMap { $0.isEmpty ? nil : ExportEntry.normalize($0) }
    noCacheFilter = noCacheFilter.map(Self.dedup)
    ulimits = ulimits.map(Self.dedup)
    if network == "host" { entitlements = (entitlements ?? []) + ["network.host"] }
    entitlements = entitlements.map(Self.dedup)
    if let c = contexts {
      let kept = c.filter { !$0.value.isEmpty }
      contexts = kept.isEmpty ? nil : kept
    }
  }

  /// First occurrence wins; empty strings are dropped.
  static func dedup(_ s: [String]) -> [String] {
    var seen = Set<String>()
    return s.filter { !$0.isEmpty && seen.insert($0).inserted }
  }
}

/// A named list of targets and groups.
public struct Group: Sendable, Equatable {
  public var name: String
  public var description = ""
  public var targets: [String]

  public init(name: String, description: String = "", targets: [String]) {
    self.name = name
    self.description = description
    self.targets = targets
  }
}

/// Everything a set of bake files defines, in definition order.
public struct Config: Sendable {
  public var groups: [Group] = []
  public var targets: [Target] = []

  public init(groups: [Group] = [], targets: [Target] = []) {
    self.groups = groups
    self.targets = targets
  }

  /// Folds repeated definitions of one target into the first, as buildx's `dedupeConfig`.
  mutating func dedupe() {
    groups = groups.map { Group(name: $0.name, description: $0.description, targets: dedupNames($0.targets)) }
    var out: [Target] = []
    var index: [String: Int] = [:]
    for t in targets {
      if let i = index[t.name] {
        out[i].merge(t)
      } else {
        index[t.name] = out.count
        out.append(t)
      }
    }
    targets = out
  }
}

/// Keeps the first occurrence of each name, in order (buildx's `dedupSlice`).
func dedupNames(_ s: [String]) -> [String] {
  var seen = Set<String>()
  return s.filter { seen.insert($0).inserted }
}

extension Config {
  /// HCL definitions layered over compose ones: same-named targets merge, same-named groups are
  /// replaced (buildx decodes HCL into the config compose produced).
  func overlaid(by hcl: Config) -> Config {
    var out = self
    for g in hcl.groups {
      if let i = out.groups.firstIndex(where: { $0.name == g.name }) { out.groups[i] = g } else { out.groups.append(g) }
    }
    for t in hcl.targets {
      if let i = out.targets.firstIndex(where: { $0.name == t.name }) { out.targets[i].merge(t) } else { out.targets.append(t) }
    }
    return out
  }
}

/// `resources`: cgroup limits for the build's containers; merges field by field.
public struct Resources: Sendable, Equatable {
  public var memory: String?
  public var memorySwap: String?
  public var cpuShares: Int?
  public var cpuPeriod: Int?
  public var cpuQuota: Int?
  public var cpusetCPUs: String?
  public var cpusetMems: String?

  public init() {}

  func merging(_ o: Resources) -> Resources {
    var r = self
    r.memory = o.memory ?? memory
    r.memorySwap = o.memorySwap ?? memorySwap
    r.cpuShares = o.cpuShares ?? cpuShares
    r.cpuPeriod = o.cpuPeriod ?? cpuPeriod
    r.cpuQuota = o.cpuQuota ?? cpuQuota
    r.cpusetCPUs = o.cpusetCPUs ?? cpusetCPUs
    r.cpusetMems = o.cpusetMems ?? cpusetMems
    return r
  }

  /// `--set t.resources.<name>=value`.
  mutating func set(_ name: String, _ value: String) throws(KilnError) {
    func int() throws(KilnError) -> Int {
      guard let n = Int(value) else { throw KilnError("invalid value \(value) for int64 key resources.\(name)") }
      return n
    }
    switch name {
    case "memory": memory = value
    case "memory-swap": memorySwap = value
    case "cpu-shares": cpuShares = try int()
    case "cpu-period": cpuPeriod = try int()
    case "cpu-quota": cpuQuota = try int()
    case "cpuset-cpus": cpusetCPUs = value
    case "cpuset-mems": cpusetMems = value
    default: throw KilnError("unknown resources key \(name)")
    }
  }

  static let strings = ["memory", "memory-swap", "cpuset-cpus", "cpuset-mems"]
  static let numbers = ["cpu-shares", "cpu-period", "cpu-quota"]
}

// MARK: File-relative paths

extension Target {
  /// Records the defining file (buildx's `SetBlockSource`); `hasContext`/`hasContexts` say whether
  /// the block itself sets them.
  mutating func setSource(file: String, hasContext: Bool, contextRef: String?, hasContexts: Bool) {
    let base = localFileDir(file) ?? ""
    defaultContextBase = base
    if hasContext {
      contextBase = base
      contextBaseRef = contextRef
    }
    if hasContexts { for k in (contexts ?? [:]).keys { contextsBase[k] = base } }
  }

  mutating func rebaseContextPaths() {
    if let c = context {
      if let base = contextBase { context = rebaseContextPath(base, c) }
    } else if defaultContextBase != nil {
      useDefaultContextBase = true
    }
    for (k, v) in contexts ?? [:] {
      if let base = contextsBase[k] { contexts?[k] = rebaseContextPath(base, v) }
    }
  }
}

extension Config {
  /// Resolves relative contexts against their defining files, following `context = target.x.context`.
  mutating func rebaseContextPaths() {
    let byName = Dictionary(targets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    for i in targets.indices {
      if let ref = targets[i].contextBaseRef.flatMap({ byName[$0] }) {
        if let base = ref.contextBase ?? ref.defaultContextBase { targets[i].contextBase = base }
      }
      targets[i].rebaseContextPaths()
    }
  }
}

/// The directory of a local definition file; nil for stdin and remote files.
func localFileDir(_ name: String) -> String? {
  if name.isEmpty || name == "-" || isRemoteURL(name) { return nil }
  guard let slash = name.lastIndex(of: "/") else { return "." }
  let dir = String(name[..<slash])
  return dir.isEmpty ? "/" : GoPath.clean(dir)
}

func rebaseContextPath(_ base: String, _ p: String) -> String {
  let special = ["cwd://", "target:", "docker-image:", "oci-layout://"].contains { p.hasPrefix($0) } || isRemoteURL(p)
  if base.isEmpty || p.isEmpty || special || p.hasPrefix("/") { return p }
  return GoPath.clean(base + "/" + p)
}

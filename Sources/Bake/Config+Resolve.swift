import KilnCore
/// Target selection and resolution, as buildx's `ReadTargets`: groups expand to their targets,
/// `inherits` chains merge parents first, overrides apply per target, and `target:` contexts
/// pull in linked targets.
extension Config {
  /// Positions of targets and groups by name (the first of each), so resolving
  /// thousands of targets does not scan the lists once per lookup.
  struct Index {
    let targets: [String: Int]
    let groups: [String: Int]

    init(_ config: Config) {
      targets = Dictionary(config.targets.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
      groups = Dictionary(config.groups.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
  }

  func group(_ name: String, in index: Index) -> Group? { index.groups[name].map { groups[$0] } }

  /// A requested name; with glob characters, every matching group and target.
  func matchNames(_ pattern: String) throws(KilnError) -> [String] {
    guard pattern.contains(where: { "*?[]".contains($0) }) else { return [pattern] }
    var names: [String] = []
    for g in groups where Glob.match(pattern, g.name) == true { names.append(g.name) }
    for t in targets where Glob.match(pattern, t.name) == true { names.append(t.name) }
    if names.isEmpty { throw KilnError("could not find any target matching \(goQuote(pattern))") }
    return names
  }

  /// The targets and groups a name stands for; nested groups expand, and a group reached again
  /// (a cycle) contributes what is known of it so far.
  func resolveGroup(_ name: String, in index: Index) -> (targets: [String], groups: [String]) {
    var visited: [String: (targets: [String], groups: [String])] = [:]
    func walk(_ name: String) -> (targets: [String], groups: [String]) {
      if let v = visited[name] { return v }
      guard let g = group(name, in: index) else { return ([name], []) }
      visited[name] = ([], [])
      var ts: [String] = []
      var gs = [name]
      for t in g.targets {
        let (tt, tg) = walk(t)
        ts += tt.isEmpty ? [t] : tt
        gs += tg
      }
      visited[name] = (ts, gs)
      return (ts, gs)
    }
    let (ts, gs) = walk(name)
    return (dedupNames(ts), dedupNames(gs))
  }

  /// A target with its parents merged in, overrides applied, and buildx's defaults filled.
  func resolveTarget(_ name: String, _ overrides: Overrides, in index: Index) throws(KilnError) -> Target {
    var visited: [String: Target?] = [:]
    guard var t = try target(name, &visited, overrides, index) else { throw KilnError("failed to find target \(name)") }
    t.inherits = []
    if t.context == nil { t.context = t.useDefaultContextBase ? rebaseContextPath(t.defaultContextBase ?? "", ".") : "." }
    if t.dockerfile == nil || t.dockerfile == "" { t.dockerfile = "Dockerfile" }
    return t
  }

  private func target(_ name: String, _ visited: inout [String: Target?], _ overrides: Overrides, _ index: Index) throws(KilnError) -> Target? {
    if let v = visited[name] { return v }
    visited[name] = .some(nil)
    guard let position = index.targets[name] else { throw KilnError("failed to find target \(name)") }
    let t = targets[position]
    var parents = Target(name: name)
    for p in t.inherits {
      if let parent = try target(p, &visited, overrides, index) { parents.merge(parent) }
    }
    var m = Target(name: name)
    m.merge(parents)
    m.merge(t)
    try m.apply(overrides[name] ?? [])
    m.normalize()
    visited[name] = .some(m)
    return m
  }

  /// Resolves targets named by `target:` contexts; a linked target only fills the cache.
  func loadLinks(
    _ name: String, _ t: inout Target, _ all: inout [String: Target], _ overrides: Overrides, visited: [String], in index: Index
  ) throws(KilnError) {
    let visited = visited + [name]
    for (_, v) in (t.contexts ?? [:]).sorted(by: { $0.key < $1.key }) {
      guard let linked = v.cutPrefix("target:") else { continue }
      if linked == name { throw KilnError("target \(linked) cannot link to itself") }
      if visited.contains(linked) { throw KilnError("infinite loop from \(name) to \(linked)") }
      var t2: Target
      if let existing = all[linked] {
        t2 = existing
      } else {
        t2 = try resolveTarget(linked, overrides, in: index)
        t2.outputs = [ExportEntry(type: "cacheonly", attrs: [:], destination: "")]
      }
      try loadLinks(linked, &t2, &all, overrides, visited: visited, in: index)
      all[linked] = t2
      for e in t2.entitlements ?? [] where !(t.entitlements ?? []).contains(e) {
        t.entitlements = (t.entitlements ?? []) + [e]
      }
      if let p1 = t.platforms, let p2 = t2.platforms, p1.count > 1, p2.count > 1, !p1.allSatisfy(p2.contains) {
        throw KilnError(
          "target \(linked) can't be used by \(name) because its platforms [\(p1.joined(separator: " "))] are not a subset of [\(p2.joined(separator: " "))]"
        )
      }
    }
  }
}


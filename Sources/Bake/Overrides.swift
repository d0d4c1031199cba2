import KilnCore
/// `--set pattern.key=value` overrides, parsed and applied as buildx's `newOverrides` and
/// `AddOverrides` do. `+=` appends to list-valued keys; the pattern is a glob over target names.
struct Override {
  var value = ""
  var arrValue: [String] = []
  var append = false
}

/// Overrides by target name, each an ordered list of keys (`tags`, `args.FOO`).
typealias Overrides = [String: [(key: String, override: Override)]]

extension Config {
  static let listKeys: Set = [
    "output", "cache-to", "cache-from", "tags", "platform", "secrets", "ssh", "attest", "entitlements", "network",
    "annotations", "policy",
  ]

  func overrides(_ specs: [String], environment: [String: String]?) throws(BakeError) -> Overrides {
    var out: Overrides = [:]
    for spec in specs {
      let (rawKey, value) = spec.splitOnce("=").map { ($0.0, Optional($0.1)) } ?? (spec, nil)
      let appendTo = rawKey.hasSuffix("+")
      let key = appendTo ? String(rawKey.dropLast()) : rawKey
      let keys = key.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
      guard keys.count >= 2 else { throw BakeError("invalid override key \(key), expected target.name") }
      if value == nil && keys[1] != "args" { throw BakeError("invalid override \(spec), expected target.name=value") }
      let names = try expandTargets(keys[0])
      let okey = keys.dropFirst().joined(separator: ".")
      for name in names {
        var list = out[name] ?? []
        let at = list.firstIndex { $0.key == okey }
        var o = at.map { list[$0].override } ?? Override()
        switch keys[1] {
        case _ where Self.listKeys.contains(keys[1]):
          if let value {
            o.append = appendTo
            o.arrValue.append(value)
          }
        case "resources", "secret":
          guard keys.count == 3 else { throw BakeError("invalid key \(rawKey), \(keys[1]) requires name") }
          if appendTo { throw BakeError("invalid key \(rawKey), \(keys[1]) does not support append") }
          o.value = value ?? ""
        case "args", "contexts":
          guard keys.count == 3 else { throw BakeError("invalid key \(rawKey), \(keys[1]) requires name") }
          if let value {
            o.value = value
          } else if let environment {
            // `--set t.args.FOO` takes FOO from the environment, or is ignored.
            guard let env = environment[keys[2]] else { continue }
            o.value = env
          }
        default:
          if let value { o.value = value }
        }
        if let at { list[at].override = o } else { list.append((okey, o)) }
        out[name] = list
      }
    }
    return out
  }

  /// Target names an override pattern selects: an exact name, or a glob over targets only.
  func expandTargets(_ pattern: String) throws(BakeError) -> [String] {
    if targets.contains(where: { $0.name == pattern }) { return [pattern] }
    var names: [String] = []
    for t in targets {
      guard let ok = Glob.match(pattern, t.name) else {
        throw BakeError("could not match targets with '\(pattern)': syntax error in pattern")
      }
      if ok { names.append(t.name) }
    }
    if names.isEmpty { throw BakeError("could not find any target matching '\(pattern)'") }
    return names
  }
}

extension Target {
  mutating func apply(_ overrides: [(key: String, override: Override)]) throws(BakeError) {
    var secretOverrides: [(String, String)] = []
    for (key, o) in overrides {
      let value = o.value
      let keys = key.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
      let sub = keys.count == 2 ? keys[1] : nil
      func named(_ what: String) throws(BakeError) -> String {
        guard let sub else { throw BakeError("invalid format for \(what), expecting \(what).<name>=<value>") }
        return sub
      }
      func bool(_ what: String) throws(BakeError) -> Bool {
        guard let b = parseGoBool(value) else { throw BakeError("invalid value \(value) for boolean key \(what)") }
        return b
      }
      switch keys[0] {
      case "context": context = value
      case "dockerfile": dockerfile = value
      case "args": args = (args ?? [:]).merging([try named("args"): .some(value)]) { _, b in b }
      case "contexts": contexts = (contexts ?? [:]).merging([try named("contexts"): value]) { _, b in b }
      case "labels": labels = (labels ?? [:]).merging([try named("labels"): .some(value)]) { _, b in b }
      case "extra-hosts":
        guard let sub else { throw BakeError("invalid format for extra-hosts, expecting extra-hosts.<hostname>=<ip>") }
        extraHosts = (extraHosts ?? [:]).merging([sub: .some(value)]) { _, b in b }
      case "tags": tags = o.append ? (tags ?? []) + o.arrValue : o.arrValue
      case "cache-from":
        let c = try CacheEntry.parseList(o.arrValue)
        cacheFrom = o.append ? CacheEntry.normalize((cacheFrom ?? []) + c) : c
      case "cache-to":
        let c = try CacheEntry.parseList(o.arrValue)
        cacheTo = o.append ? CacheEntry.normalize((cacheTo ?? []) + c) : c
      case "target": target = value
      case "call": call = value
      case "secret": secretOverrides.append((try named("secret"), value))
      case "secrets":
        var parsed: [Secret] = []
        for v in o.arrValue where !v.isEmpty {
          do { parsed.append(try Secret.parse(v)) } catch { throw BakeError("invalid value for outputs: \(error.message)") }
        }
        secrets = o.append ? Secret.normalize((secrets ?? []) + parsed) : parsed
      case "ssh":
        let parsed = o.arrValue.filter { !$0.isEmpty }.map(SSHKey.parse)
        ssh = o.append ? SSHKey.normalize((ssh ?? []) + parsed) : parsed
      case "platform": platforms = o.append ? (platforms ?? []) + o.arrValue : o.arrValue
      case "output":
        var parsed: [ExportEntry] = []
        for v in o.arrValue where !v.isEmpty {
          do { parsed.append(try ExportEntry.parse(v)) } catch { throw BakeError("invalid value for outputs: \(error.message)") }
        }
        outputs = o.append ? ExportEntry.normalize((outputs ?? []) + parsed) : parsed
      case "entitlements": entitlements = (entitlements ?? []) + o.arrValue
      case "annotations": annotations = (annotations ?? []) + o.arrValue
      case "attest":
        var parsed: [Attest] = []
        for v in o.arrValue where !v.isEmpty {
          do { parsed.append(try Attest.parse(v)) } catch { throw BakeError("invalid value for attest: \(error.message)") }
        }
        attest = attest == nil ? parsed : Attest.normalize((attest ?? []) + parsed)
      case "no-cache": noCache = try bool("no-cache")
      case "no-cache-filter": noCacheFilter = o.append ? (noCacheFilter ?? []) + o.arrValue : o.arrValue
      case "shm-size": shmSize = value
      case "ulimits": ulimits = o.append ? (ulimits ?? []) + o.arrValue : o.arrValue
      case "network": network = value
      case "pull": pull = try bool("pull")
      case "push": outputs = Self.pushOverride(outputs ?? [], try bool("push"))
      case "load": outputs = Self.loadOverride(outputs ?? [], try bool("load"))
      case "resources":
        guard let sub else { throw BakeError("invalid format for resources, expecting resources.<name>=<value>") }
        var r = resources ?? Resources()
        try r.set(sub, value)
        resources = r
      case "policy":
        var parsed = o.append ? policy ?? [] : []
        for v in o.arrValue { parsed.append(try Policy.parse(v)) }
        policy = parsed
      default: throw BakeError("unknown key: \(keys[0])")
      }
    }
    for (id, value) in secretOverrides {
      guard let i = secrets?.firstIndex(where: { $0.id == id }) else {
        throw BakeError("secret \(goQuote(id)) must be declared before it can be overridden")
      }
      let next = try Secret.parse(value)
      if !next.id.isEmpty && next.id != id {
        throw BakeError("secret override id \(goQuote(next.id)) does not match declared secret \(goQuote(id))")
      }
      secrets?[i].env = next.env
      secrets?[i].src = next.src
    }
  }

  /// `--push` / `*.push=`: registry outputs removed or image outputs told to push.
  static func pushOverride(_ input: [ExportEntry], _ push: Bool) -> [ExportEntry] {
    var outputs = input
    if !push {
      var i = 0
      while i < outputs.count {
        switch outputs[i].type {
        case "registry":
          outputs.swapAt(i, outputs.count - 1)
          outputs.removeLast()
          continue
        case "image": outputs[i].attrs["push"] = "false"
        default: break
        }
        i += 1
      }
      return outputs
    }
    var setPush = true
    for i in outputs.indices {
      if outputs[i].type != "docker" { setPush = false }
      if outputs[i].type == "image" { outputs[i].attrs["push"] = "true" }
    }
    if setPush { outputs.append(ExportEntry(type: "image", attrs: ["push": "true"], destination: "")) }
    return outputs
  }

  /// `--load` / `*.load=true`: adds a docker output unless one already loads or another exports.
  static func loadOverride(_ outputs: [ExportEntry], _ load: Bool) -> [ExportEntry] {
    guard load else { return outputs }
    for o in outputs {
      switch o.type {
      case "docker": if o.destination.isEmpty { return outputs }
      case "image", "registry", "oci": break
      default: return outputs
      }
    }
    return outputs + [ExportEntry(type: "docker", attrs: [:], destination: "")]
  }
}

/// Go's `path.Match` (`*`, `?`, `[...]` with ranges and `^` negation, `\` escapes); nil for a
/// malformed pattern.
enum Glob {
  static func match(_ pattern: String, _ name: String) -> Bool? {
    matchFrom(Array(pattern.unicodeScalars)[...], Array(name.unicodeScalars)[...])
  }

  private static func matchFrom(_ p: ArraySlice<Unicode.Scalar>, _ s: ArraySlice<Unicode.Scalar>) -> Bool? {
    var p = p
    var s = s
    while let c = p.first {
      switch c {
      case "*":
        let rest = p.dropFirst()
        var candidate = s
        while true {
          guard let r = matchFrom(rest, candidate) else { return nil }
          if r { return true }
          guard let f = candidate.first, f != "/" else { return false }
          candidate = candidate.dropFirst()
        }
      case "?":
        guard let f = s.first, f != "/" else { return false }
        p = p.dropFirst()
        s = s.dropFirst()
      case "[":
        guard let f = s.first else { return false }
        var q = p.dropFirst()
        let negate = q.first == "^"
        if negate { q = q.dropFirst() }
        var matched = false
        var first = true
        while true {
          guard let lo0 = q.first else { return nil }
          if lo0 == "]" && !first { q = q.dropFirst(); break }
          first = false
          var lo = lo0
          q = q.dropFirst()
          if lo == "\\" {
            guard let e = q.first else { return nil }
            lo = e
            q = q.dropFirst()
          }
          var hi = lo
          if q.first == "-", let h = q.dropFirst().first, h != "]" {
            hi = h
            q = q.dropFirst(2)
          }
          if lo.value <= f.value && f.value <= hi.value { matched = true }
        }
        if matched == negate { return false }
        p = q
        s = s.dropFirst()
      case "\\":
        p = p.dropFirst()
        guard let e = p.first else { return nil }
        guard s.first == e else { return false }
        p = p.dropFirst()
        s = s.dropFirst()
      default:
        guard s.first == c else { return false }
        p = p.dropFirst()
        s = s.dropFirst()
      }
    }
    return s.isEmpty
  }
}

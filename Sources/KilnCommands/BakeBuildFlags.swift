import Bake
import Build
import KilnCore

/// A resolved bake target as `kiln build` input: the flags `docker buildx build` would be given
/// for it and its context path, as buildx's `toBuildOpt` derives them. The mapping lives here
/// because only this target sees both `Bake` (which knows nothing of BuildKit) and `Build`
/// (which knows nothing of bake files).
struct BakeBuildRequest: Sendable {
  let name: String
  let contextPath: String
  let flags: BuildFlags
  /// `contexts` entries that name another target (`target:NAME`), by context name.
  let linkedTargets: [String: String]

  init(name: String, target t: Target, currentDirectory: String) throws(KilnError) {
    self.name = name
    if t.context == "-" { throw KilnError(.invalidArgument, "context from stdin not allowed in bake") }
    if t.dockerfile == "-" { throw KilnError(.invalidArgument, "dockerfile from stdin not allowed in bake") }
    // `Bake.resolve` already cleaned the context and removed `cwd://`.
    let context = t.context ?? "."
    contextPath = context
    var f = BuildFlags()

    // The Dockerfile is relative to the context unless absolute or marked `cwd://`.
    var dockerfile = t.dockerfile ?? "Dockerfile"
    if let local = dockerfile.cutPrefix("cwd://") {
      dockerfile = GoPath.clean(local.hasPrefix("/") ? local : currentDirectory + "/" + local)
    } else {
      dockerfile = GoPath.clean(dockerfile)
      if !Self.isRemote(context) && !dockerfile.hasPrefix("/") { dockerfile = GoPath.clean(context + "/" + dockerfile) }
    }
    if let inline = t.dockerfileInline {
      f.dockerfileContent = inline
    } else {
      f.file = dockerfile
    }

    // Arguments and labels declared without a value are skipped, as buildx does.
    f.buildArgs = Self.pairs(t.args)
    f.labels = Self.pairs(t.labels)
    f.tags = t.tags ?? []
    f.target = t.target
    f.platforms = t.platforms ?? []
    f.noCache = t.noCache ?? false
    f.pull = t.pull ?? false
    f.noCacheFilter = t.noCacheFilter ?? []
    f.network = t.network
    f.shmSize = t.shmSize
    f.ulimits = t.ulimits ?? []
    f.addHosts = Self.pairs(t.extraHosts)
    f.allow = t.entitlements ?? []
    f.secrets = (t.secrets ?? []).map(Self.secretText)
    f.ssh = (t.ssh ?? []).map { $0.paths.isEmpty ? $0.id : $0.id + "=" + $0.paths.joined(separator: ",") }
    f.cacheFrom = (t.cacheFrom ?? []).map { Self.csv(["type=" + $0.type] + Self.sortedFields($0.attrs)) }
    f.cacheTo = (t.cacheTo ?? []).map { Self.csv(["type=" + $0.type] + Self.sortedFields($0.attrs)) }
    f.attests = (t.attest ?? []).map { a in
      Self.csv(["type=" + a.type] + (a.disabled ? ["disabled=true"] : []) + Self.sortedFields(a.attrs))
    }
    // Annotations go into every output's attributes (BuildPlan adds them), as buildx adds them to each exporter.
    f.annotations = t.annotations ?? []
    f.outputs = (t.outputs ?? []).map { e in
      Self.csv(["type=" + e.type] + Self.sortedFields(e.attrs) + (e.destination.isEmpty ? [] : ["dest=" + e.destination]))
    }

    var links: [String: String] = [:]
    var contexts: [String] = []
    for (k, v) in (t.contexts ?? [:]).sorted(by: { $0.key < $1.key }) {
      if let linked = v.cutPrefix("target:") {
        links[k] = linked
      } else {
        contexts.append(k + "=" + (v.cutPrefix("cwd://").map(GoPath.clean) ?? v))
      }
    }
    f.buildContexts = contexts
    linkedTargets = links

    if let call = t.call, !call.isEmpty, call != "build" {
      throw KilnError(.unsupported, "target \(name): call=\(call) (the frontend's subrequests) is not implemented yet")
    }
    if t.resources != nil {
      throw KilnError(.unsupported, "target \(name): resources limits are not implemented yet")
    }
    flags = f
  }

  static func isRemote(_ s: String) -> Bool {
    ["http://", "https://", "git://", "git@", "ssh://", "github.com/"].contains { s.hasPrefix($0) }
  }

  /// `K=V` for each key with a value, sorted by key so the request is stable.
  static func pairs(_ map: [String: String?]?) -> [String] {
    (map ?? [:]).compactMap { k, v in v.map { k + "=" + $0 } }.sorted()
  }

  static func sortedFields(_ attrs: [String: String]) -> [String] {
    attrs.keys.sorted().map { $0 + "=" + (attrs[$0] ?? "") }
  }

  static func secretText(_ s: Secret) -> String {
    var fields = ["id=" + s.id]
    if !s.src.isEmpty { fields.append("src=" + s.src) }
    if !s.env.isEmpty { fields.append("env=" + s.env) }
    return csv(fields)
  }

  /// One CSV record as Go's `encoding/csv` writes it: fields holding a comma, a quote or a line
  /// break are quoted, with quotes doubled.
  static func csv(_ fields: [String]) -> String {
    fields.map { field in
      guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
      return "\"" + field.replacing("\"", with: "\"\"") + "\""
    }.joined(separator: ",")
  }
}

extension String {
  fileprivate func cutPrefix(_ prefix: String) -> String? { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil }
}

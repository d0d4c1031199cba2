import Foundation
import KilnCore
import Yams

/// Loads compose files the way compose-go does before buildx reads the model: each file is
/// interpolated, its `include`s imported, then its services' `extends` applied. Paths in a
/// file loaded from another directory (an include, an `extends.file`) are joined to that
/// directory; a top-level file's stay relative to the working directory, as buildx gives
/// compose-go no project directory.
struct ComposeLoader {
  static func parse(_ text: String, name: String) throws(KilnError) -> YAML {
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch {
      throw KilnError(.invalidArgument, "failed to parse \(name): \(error)")
    }
    return node.map(YAML.init) ?? .map([])
  }

  static func read(_ path: String) throws(KilnError) -> YAML {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw KilnError(.io, "open \(path): no such file or directory")
    }
    return try parse(String(decoding: data, as: UTF8.self), name: path)
  }

  /// One file's model; `dir` is its directory relative to the working directory, which its
  /// relative references (include, extends.file) are read from. Paths in the result stay
  /// relative to `dir`; the caller rebases them.
  static func load(
    _ raw: YAML, name: String, dir: String, environment: [String: String], included: [String]
  ) throws(KilnError) -> YAML {
    var model = try raw.interpolated(environment).withCanonicalEnvFiles()
    if let inc = model["include"] {
      model = model.removing("include")
      model = try applyInclude(inc, to: model, dir: dir, environment: environment, included: included + [name])
    }
    return try applyExtends(model, file: name, dir: dir, environment: environment)
  }

  // MARK: include

  private static func applyInclude(
    _ inc: YAML, to model: YAML, dir: String, environment: [String: String], included: [String]
  ) throws(KilnError) -> YAML {
    guard case .seq(let items) = inc else { throw KilnError("`include` must be a list") }
    var model = model
    for item in items {
      var paths: [String] = []
      switch item.string.map(YAML.scalar) ?? item["path"] {
      case .scalar(let p)?: paths = [p]
      case .seq(let ps)?: paths = ps.compactMap(\.string)
      default: break
      }
      guard let first = paths.first else { continue }
      let real = paths.map { joinPath(dir, $0) }
      if included.contains(real[0]) {
        throw KilnError(
          "include cycle detected:\n\(included[0])\n include "
            + (included.dropFirst() + [real[0]]).joined(separator: "\n include "))
      }
      // The included project's directory: `project_directory` (relative to the including
      // file) or the first file's. Its relative paths, nested includes and `.env` resolve there.
      let projectDirectory = item["project_directory"]?.string
      let projectRoot = projectDirectory.map { joinPath(dir, $0) } ?? parentDir(real[0])
      // An included project reads its own `.env` (or the listed env files) for interpolation,
      // for names the including environment does not set.
      var envFiles: [String] = []
      if let listed = item["env_file"] {
        for f in listed.string.map({ [$0] }) ?? listed.strings ?? [] where f != "/dev/null" {
          let path = joinPath(dir, f)
          guard FileManager.default.fileExists(atPath: path) else {
            throw KilnError(.notFound, "stat \(path): no such file or directory")
          }
          envFiles.append(path)
        }
      } else {
        let dotenv = joinPath(projectRoot, ".env")
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dotenv, isDirectory: &isDir), !isDir.boolValue { envFiles = [dotenv] }
      }
      var fromFiles: [String: String] = [:]
      for f in envFiles {
        for (k, v) in try DotEnv.load(f, lookup: environment) { fromFiles[k] = v }
      }
      let env = environment.merging(fromFiles) { current, _ in current }
      var imported = YAML.map([])
      for p in real {
        let m = try load(read(p), name: p, dir: projectDirectory == nil ? parentDir(p) : projectRoot, environment: env, included: included)
        imported = try mergeModels(imported, m)
      }
      imported = imported.rebased(projectDirectory ?? parentDir(first))
      // The including file's own definitions override what it imports.
      model = try importInto(model, from: imported)
    }
    return model
  }

  private static func importInto(_ model: YAML, from imported: YAML) throws(KilnError) -> YAML {
    var model = model
    for key in ["services", "secrets"] {
      guard case .map(let from)? = imported[key] else { continue }
      guard case .map(var to) = model[key] ?? .map([]) else { continue }
      for (name, def) in from {
        if let i = to.firstIndex(where: { $0.0 == name }) {
          to[i].1 = key == "services" ? try mergeService(def, to[i].1) : def.merged(with: to[i].1)
        } else {
          to.append((name, def))
        }
      }
      model = model.setting(key, .map(to))
    }
    return model
  }

  /// Two compose files (several `-f`, or the files of one include entry), merged as compose-go
  /// merges them: services by its override rules (``mergeService``), the rest key by key.
  static func mergeModels(_ a: YAML, _ b: YAML) throws(KilnError) -> YAML {
    var out = a
    for (key, value) in b.pairs {
      guard key == "services", case .map(var to) = a[key] ?? .map([]), case .map(let from) = value else {
        out = out.setting(key, a[key].map { $0.merged(with: value) } ?? value)
        continue
      }
      for (name, def) in from {
        if let i = to.firstIndex(where: { $0.0 == name }) { to[i].1 = try mergeService(to[i].1, def) } else { to.append((name, def)) }
      }
      out = out.setting(key, .map(to))
    }
    return out
  }

  // MARK: extends

  private static func applyExtends(
    _ model: YAML, file: String, dir: String, environment: [String: String]
  ) throws(KilnError) -> YAML {
    guard case .map(var services)? = model["services"] else { return model }
    for name in services.map(\.0) {
      _ = try resolveExtends(name, in: &services, file: file, dir: dir, environment: environment, chain: [])
    }
    return model.setting("services", .map(services))
  }

  /// The service with its `extends` chain merged in (the base first, the service's own keys on
  /// top); the result replaces the definition so each service resolves once.
  private static func resolveExtends(
    _ name: String, in services: inout [(String, YAML)], file: String, dir: String, environment: [String: String],
    chain: [(String, String)]
  ) throws(KilnError) -> YAML? {
    guard let service = services.last(where: { $0.0 == name })?.1, service != .null else { return nil }
    guard let ext = service["extends"] else { return service }
    let ref: String
    var refFile: String?
    if let s = ext.string {
      ref = s
    } else if let s = ext["service"]?.string {
      ref = s
      refFile = ext["file"]?.string
    } else {
      throw KilnError("extends.\(name).service is required")
    }
    var chain = chain
    let base: YAML?
    if let refFile {
      let path = joinPath(dir, refFile)
      let other = try read(path).interpolated(environment).withCanonicalEnvFiles()
      guard case .map(var others)? = other["services"] else {
        throw KilnError("cannot extend service \"\(name)\" in \(path): no services section")
      }
      guard others.contains(where: { $0.0 == ref }) else {
        throw KilnError("cannot extend service \"\(name)\" in \(file): service \"\(ref)\" not found in \(refFile)")
      }
      // The other file's paths are relative to its directory; make them relative to ours.
      others = others.map { ($0.0, $0.1.rebasedService(parentDir(refFile))) }
      chain = try track(chain, refFile, name)
      base = try resolveExtends(ref, in: &others, file: file, dir: dir, environment: environment, chain: chain)
    } else {
      guard services.contains(where: { $0.0 == ref }) else {
        throw KilnError("cannot extend service \"\(name)\" in \(file): service \"\(ref)\" not found")
      }
      chain = try track(chain, file, name)
      base = try resolveExtends(ref, in: &services, file: file, dir: dir, environment: environment, chain: chain)
    }
    guard let base else { return service }
    let merged = try mergeService(base, service).removing("extends")
    if let i = services.lastIndex(where: { $0.0 == name }) { services[i].1 = merged }
    return merged
  }

  private static func track(_ chain: [(String, String)], _ file: String, _ service: String) throws(KilnError) -> [(String, String)] {
    guard chain.contains(where: { $0 == (file, service) }) else { return chain + [(file, service)] }
    var lines = ["Circular reference:", "  \(chain[0].1) in \(chain[0].0)"]
    for (f, s) in chain.dropFirst() + [(file, service)] { lines.append("  extends \(s) in \(f)") }
    throw KilnError(lines.joined(separator: "\n"))
  }

  // MARK: merging

  /// compose-go's override rules for one service: maps merge key by key (a string `build` is
  /// its context), lists append, scalars are replaced; `args`, `labels`, `additional_contexts`,
  /// `environment` and `env_file` merge as `k=v` lists in which a later key replaces an earlier
  /// one in place, and `tags` drop repeats.
  static func mergeService(_ base: YAML, _ over: YAML) throws(KilnError) -> YAML {
    uniqued(merge(base, over, path: []), path: [])
  }

  private static let sequenceMerged: Set<[String]> = [
    ["build", "args"], ["build", "additional_contexts"], ["build", "labels"], ["environment"], ["env_file"], ["labels"],
  ]
  private static let keyedUnique: Set<[String]> = [
    ["build", "args"], ["build", "additional_contexts"], ["build", "labels"], ["build", "tags"], ["environment"], ["labels"],
  ]

  private static func merge(_ e: YAML, _ o: YAML, path: [String]) -> YAML {
    if path == ["build"] {
      let asMap = { (y: YAML) -> YAML in y.string.map { .map([("context", .scalar($0))]) } ?? y }
      return mergeMaps(asMap(e), asMap(o), path: path)
    }
    if sequenceMerged.contains(path) { return .seq(sequence(e) + sequence(o)) }
    if path == ["build", "extra_hosts"] {
      let left = sequence(e)
      return .seq(left + sequence(o).filter { !left.contains($0) })
    }
    switch (e, o) {
    case (_, .null): return e
    case (.map, .map): return mergeMaps(e, o, path: path)
    case (.seq(let a), .seq(let b)): return .seq(a + b)
    default: return o
    }
  }

  private static func mergeMaps(_ e: YAML, _ o: YAML, path: [String]) -> YAML {
    guard case .map(var a) = e, case .map(let b) = o else { return o }
    for (k, v) in b {
      if let i = a.firstIndex(where: { $0.0 == k }) { a[i].1 = merge(a[i].1, v, path: path + [k]) } else { a.append((k, v)) }
    }
    return .map(a)
  }

  /// A mapping as compose's sorted `k=v` list (`k` alone for a null value).
  private static func sequence(_ y: YAML) -> [YAML] {
    switch y {
    case .map(let m):
      var items: [String] = []
      for (k, v) in m {
        switch v {
        case .null: items.append(k)
        case .seq(let vs): items += vs.compactMap(\.string).map { "\(k)=\($0)" }
        default: items.append("\(k)=\(v.string ?? "")")
        }
      }
      return items.sorted().map(YAML.scalar)
    case .seq(let s): return s
    case .scalar: return [y]
    case .null: return []
    }
  }

  private static func uniqued(_ y: YAML, path: [String]) -> YAML {
    switch y {
    case .map(let m): return .map(m.map { ($0.0, uniqued($0.1, path: path + [$0.0])) })
    case .seq(let items):
      let key: ((YAML) -> String?)?
      if keyedUnique.contains(path) {
        key = { $0.string.map { $0.splitOnce("=")?.0 ?? $0 } }
      } else if path == ["env_file"] {
        key = { $0["path"]?.string }
      } else {
        key = nil
      }
      guard let key else { return y }
      var out: [YAML] = []
      var index: [String: Int] = [:]
      for item in items {
        if let k = key(item), let j = index[k] {
          out[j] = item
        } else {
          if let k = key(item) { index[k] = out.count }
          out.append(item)
        }
      }
      return .seq(out)
    default: return y
    }
  }
}

// MARK: paths

/// Joins a relative path to `dir` (cleaned, as Go's filepath.Join); absolute ones are kept.
fileprivate func joinPath(_ dir: String, _ path: String) -> String {
  if path.hasPrefix("/") || dir.isEmpty { return path }
  return GoPath.clean(dir + "/" + path)
}

/// The directory part of a path ("" for a bare name, as the working directory).
fileprivate func parentDir(_ path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "" }
  return slash == path.startIndex ? "/" : String(path[..<slash])
}

extension YAML {
  var pairs: [(String, YAML)] {
    if case .map(let m) = self { return m }
    return []
  }

  func setting(_ key: String, _ value: YAML) -> YAML {
    var m = pairs
    if let i = m.firstIndex(where: { $0.0 == key }) { m[i].1 = value } else { m.append((key, value)) }
    return .map(m)
  }

  func removing(_ key: String) -> YAML { .map(pairs.filter { $0.0 != key }) }

  /// `env_file` in its long form: a list of `{path, required}` (required unless it says false).
  func withCanonicalEnvFiles() -> YAML {
    guard case .map(let services)? = self["services"] else { return self }
    let canonical = services.map { name, svc -> (String, YAML) in
      guard let ef = svc["env_file"] else { return (name, svc) }
      let items: [YAML]
      switch ef {
      case .scalar: items = [ef]
      case .seq(let s): items = s
      default: items = []
      }
      let entries = items.map { item -> YAML in
        if let p = item.string { return .map([("path", .scalar(p)), ("required", .scalar("true"))]) }
        let required = item["required"]?.string ?? "true"
        return .map([("path", item["path"] ?? .null), ("required", .scalar(required))])
      }
      return (name, svc.setting("env_file", .seq(entries)))
    }
    return setting("services", .map(canonical))
  }

  /// A model whose relative paths were written from `dir`, made relative to the parent.
  func rebased(_ dir: String) -> YAML {
    guard !dir.isEmpty else { return self }
    var out = self
    if case .map(let services)? = self["services"] {
      out = out.setting("services", .map(services.map { ($0.0, $0.1.rebasedService(dir)) }))
    }
    if case .map(let secrets)? = self["secrets"] {
      out = out.setting(
        "secrets",
        .map(
          secrets.map { name, def in
            guard let file = def["file"]?.string, !file.isEmpty else { return (name, def) }
            return (name, def.setting("file", .scalar(joinPath(dir, file))))
          }))
    }
    return out
  }

  /// compose-go's relative-path rules for one service: the build context and local
  /// additional contexts, env files and `extends.file`.
  func rebasedService(_ dir: String) -> YAML {
    guard !dir.isEmpty, case .map = self else { return self }
    func context(_ v: String) -> String {
      if v.isEmpty || v.contains("://") || v.hasPrefix("service:") || isRemoteURL(v) { return v }
      return joinPath(dir, v)
    }
    var out = self
    if let build = self["build"] {
      var b: YAML = build.string.map { .map([("context", .scalar($0))]) } ?? build
      if let c = b["context"]?.string { b = b.setting("context", .scalar(context(c))) }
      switch b["additional_contexts"] {
      case .map(let m)?:
        b = b.setting("additional_contexts", .map(m.map { k, v in (k, v.string.map { .scalar(context($0)) } ?? v) }))
      case .seq(let items)?:
        b = b.setting(
          "additional_contexts",
          .seq(
            items.map { item in
              guard let (k, v) = item.string?.splitOnce("=") else { return item }
              return .scalar(k + "=" + context(v))
            }))
      default: break
      }
      out = out.setting("build", b)
    }
    if case .seq(let files)? = self["env_file"] {
      out = out.setting(
        "env_file",
        .seq(
          files.map { f in
            guard let p = f["path"]?.string, !p.isEmpty else { return f }
            return f.setting("path", .scalar(joinPath(dir, p)))
          }))
    }
    if let ext = self["extends"], case .map = ext, let file = ext["file"]?.string {
      out = out.setting("extends", ext.setting("file", .scalar(joinPath(dir, file))))
    }
    return out
  }
}

import Foundation
import KilnCore

/// `.env`-style files: `KEY=value` lines, `#` comments, optional `export `, quoted values.
enum DotEnv {
  struct Entry {
    var key: String
    /// nil for a bare `KEY` line, which takes its value from the environment.
    var value: String?
    /// Single-quoted values are literal; others may hold `${VAR}` references.
    var literal: Bool
  }

  static func parse(_ text: String) -> [Entry] {
    var out: [Entry] = []
    for line in text.split(whereSeparator: \.isNewline) {
      let l = String(line).trimmingSpaces
      guard !l.isEmpty, !l.hasPrefix("#") else { continue }
      guard let (k, v) = l.splitOnce("=") else {
        let key = l.cutPrefix("export ")?.trimmingSpaces ?? l
        if !key.contains(where: \.isWhitespace) { out.append(Entry(key: key, value: nil, literal: true)) }
        continue
      }
      let key = k.trimmingSpaces.cutPrefix("export ")?.trimmingSpaces ?? k.trimmingSpaces
      var value = v.trimmingSpaces
      var literal = false
      if value.count >= 2, let f = value.first, f == "\"" || f == "'", value.last == f {
        value = String(value.dropFirst().dropLast())
        literal = f == "'"
      }
      out.append(Entry(key: key, value: value, literal: literal))
    }
    return out
  }

  /// A file's variables, later lines overriding earlier ones; `${VAR}` in unquoted and
  /// double-quoted values reads `lookup` first, then the file's earlier lines (compose-go's order).
  static func load(_ path: String, lookup: [String: String]) throws(KilnError) -> [(String, String)] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw KilnError(.io, "open \(path): no such file or directory")
    }
    var seen: [String: String] = [:]
    var out: [(String, String)] = []
    for e in parse(String(decoding: data, as: UTF8.self)) {
      let env = seen.merging(lookup) { _, l in l }
      let value: String
      if let v = e.value {
        do throws(KilnError) {
          value = e.literal ? v : try YAML.interpolate(v, env)
        } catch {
          throw KilnError(.invalidArgument, "failed to read \(path): \(error.description)")
        }
      } else if let v = env[e.key] {
        value = v
      } else {
        continue
      }
      seen[e.key] = value
      out.append((e.key, value))
    }
    return out
  }
}

extension Compose {
  /// A service's environment as compose-go resolves it: `env_file` entries in order (a missing
  /// file is an error unless `required: false`), then `environment` on top; a bare name in
  /// `environment` reads the project environment and, when unset there, hides the file's value.
  static func serviceEnvironment(_ svc: YAML, project: [String: String]) throws(KilnError) -> [String: String?] {
    var declared: [String: String?] = [:]
    for (k, v) in svc["environment"]?.keyValues() ?? [] { declared[k] = .some(v ?? project[k]) }
    var out: [String: String?] = [:]
    if case .seq(let files)? = svc["env_file"] {
      var fromFiles: [String: String] = [:]
      for f in files {
        guard let path = f["path"]?.string, !path.isEmpty else { continue }
        guard FileManager.default.fileExists(atPath: path) else {
          if f["required"]?.string.flatMap(parseGoBool) == false { continue }
          throw KilnError(.notFound, "env file \(path) not found: stat \(path): no such file or directory")
        }
        var lookup = fromFiles
        for (k, v) in declared { if let v { lookup[k] = v } }
        lookup.merge(project) { _, p in p }
        for (k, v) in try DotEnv.load(path, lookup: lookup) { fromFiles[k] = v }
      }
      for (k, v) in fromFiles { out[k] = .some(v) }
    }
    out.merge(declared) { _, d in d }
    return out
  }
}

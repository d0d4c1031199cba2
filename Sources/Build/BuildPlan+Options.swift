import BuildKit
import Foundation
import KilnCore

extension BuildPlan {
  /// `--no-cache-filter`, `--shm-size`, `--ulimit`, `--allow`, `--attest`
  /// (`--sbom`, `--provenance`), `--build-context`, `--cache-from/--cache-to`,
  /// as buildx's `build/opt.go` maps them.
  mutating func addOptions(_ flags: BuildFlags, currentDirectory: String, onEngine: Bool) throws {
    if !flags.noCacheFilter.isEmpty, !flags.noCache {
      frontendAttrs["no-cache"] = flags.noCacheFilter.joined(separator: ",")
    }
    if let parent = flags.cgroupParent, !parent.isEmpty { frontendAttrs["cgroup-parent"] = parent }
    if let text = flags.shmSize, !text.isEmpty {
      let bytes = try Self.memoryBytes(text)
      if bytes > 0 { frontendAttrs["shm-size"] = String(bytes) }
    }
    if !flags.ulimits.isEmpty {
      frontendAttrs["ulimit"] = try flags.ulimits.map(Self.ulimit).joined(separator: ",")
    }
    for value in flags.allow where !value.isEmpty {
      let name = value.split(separator: "=", maxSplits: 1).first.map(String.init) ?? value
      guard ["network.host", "security.insecure", "device"].contains(name) else {
        throw KilnError(.invalidArgument, "unknown entitlement \(value)")
      }
      entitlements.append(value)
    }
    if flags.network == "host", !entitlements.contains("network.host") { entitlements.append("network.host") }
    try addAttestations(flags, onEngine: onEngine)
    try addNamedContexts(flags, currentDirectory: currentDirectory)
    cacheImports = try flags.cacheFrom.filter { !$0.isEmpty }.map(CacheEntry.parse)
    cacheExports = try flags.cacheTo.filter { !$0.isEmpty }.map(CacheEntry.parse)
    if onEngine, cacheExports.contains(where: { $0.type != "inline" }) {
      throw Self.notSupported("Cache export", docs: "https://docs.docker.com/go/build-cache-backends/")
    }
    try addLocalCaches(currentDirectory: currentDirectory)
    if !cacheImports.isEmpty {
      // As BuildKit's client: the frontend imports cache from this JSON (and
      // older frontends from the comma list of registry refs).
      frontendAttrs["cache-imports"] = CacheEntry.json(cacheImports)
      let refs = cacheImports.filter { $0.type == "registry" }.compactMap { $0.attrs["ref"] }
      if !refs.isEmpty { frontendAttrs["cache-from"] = refs.joined(separator: ",") }
    }
  }

  /// `--attest`, `--sbom`, `--provenance`. BuildKit v0.8 has no attestations:
  /// buildx refuses enabled ones there (disabled ones are dropped).
  mutating func addAttestations(_ flags: BuildFlags, onEngine: Bool) throws {
    var texts = flags.attests
    for (type, value) in [("provenance", flags.provenance), ("sbom", flags.sbom)] {
      guard let value, !value.isEmpty else { continue }
      if let enabled = Self.parseBool(value) { texts.append("type=\(type),disabled=\(!enabled)") } else { texts.append("type=\(type),\(value)") }
    }
    var attests: [String: String] = [:]
    for text in texts {
      var type = ""
      var disabled = false
      var rest: [String] = []
      for field in try CSVFields.split(text) {
        let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
        guard pair.count == 2 else { throw KilnError(.invalidArgument, "invalid value \(field)") }
        switch pair[0].lowercased() {
        case "type": type = pair[1]
        case "disabled":
          guard let value = Self.parseBool(pair[1]) else { throw KilnError(.invalidArgument, "invalid value \(field)") }
          disabled = value
        default: rest.append(field)
        }
      }
      guard !type.isEmpty else { throw KilnError(.invalidArgument, "attestation type not specified") }
      if disabled { attests.removeValue(forKey: type) } else { attests[type] = (["type=" + type] + rest).joined(separator: ",") }
    }
    guard !attests.isEmpty else { return }
    if onEngine { throw Self.notSupported("Attestation", docs: "https://docs.docker.com/go/attestations/") }
    for (type, value) in attests { frontendAttrs["attest:" + type] = value }
  }

  /// `--build-context name=value`: a local directory becomes a session local
  /// (`context:name=local:name`, `_context`/`_dockerfile` for those two names);
  /// images, URLs and other targets pass through to the frontend.
  mutating func addNamedContexts(_ flags: BuildFlags, currentDirectory: String) throws {
    for text in flags.buildContexts {
      guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
        throw KilnError(.invalidArgument, "invalid context value: \(text), expected key=value")
      }
      let name = String(text[..<eq]).lowercased()
      let value = String(text[text.index(after: eq)...])
      if value.hasPrefix("docker-image://") || value.hasPrefix("target:") || Self.isRemoteContext(value) {
        frontendAttrs["context:" + name] = value
        continue
      }
      if value.hasPrefix("oci-layout://") {
        try addLayoutContext(name: name, value: value, currentDirectory: currentDirectory)
        continue
      }
      let path = Self.absolute(value, from: currentDirectory)
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw KilnError(.invalidArgument, "failed to get build context \(name): \(value) not found")
      }
      guard isDirectory.boolValue else { throw KilnError(.invalidArgument, "failed to get build context path \(value): not a directory") }
      let local = name == "context" || name == "dockerfile" ? "_" + name : name
      localDirectories[local] = path
      frontendAttrs["context:" + name] = "local:" + local
      frontendAttrs["sharedkey:localdir:" + name] = (path as NSString).lastPathComponent
    }
  }

  /// Docker's `RAMInBytes`: a number with an optional b/k/m/g/t/p suffix (binary units).
  static func memoryBytes(_ text: String) throws -> Int64 {
    let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
    var digits = lower
    var unit: Int64 = 1
    let units: [(String, Int64)] = [("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30), ("tb", 1 << 40), ("pb", 1 << 50),
                                    ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("t", 1 << 40), ("p", 1 << 50), ("b", 1)]
    for (suffix, factor) in units where lower.hasSuffix(suffix) {
      digits = String(lower.dropLast(suffix.count))
      unit = factor
      break
    }
    guard let number = Double(digits), number >= 0 else { throw KilnError(.invalidArgument, "invalid size: '\(text)'") }
    return Int64(number * Double(unit))
  }

  /// Docker's `--ulimit name=soft[:hard]`, written back as `name=soft:hard`.
  static func ulimit(_ text: String) throws -> String {
    let names = ["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"]
    let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { throw KilnError(.invalidArgument, "invalid ulimit argument: \(text)") }
    guard names.contains(parts[0]) else { throw KilnError(.invalidArgument, "invalid ulimit type: \(parts[0])") }
    let limits = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int64($0) }
    guard (1...2).contains(limits.count), let soft = limits[0], let hard = limits.last ?? nil else {
      throw KilnError(.invalidArgument, "invalid ulimit argument: \(text)")
    }
    guard soft <= hard else { throw KilnError(.invalidArgument, "ulimit soft limit must be less than or equal to hard limit: \(soft) > \(hard)") }
    return "\(parts[0])=\(soft):\(hard)"
  }
}

/// A `--cache-from`/`--cache-to` entry: a bare ref is `type=registry,ref=REF`.
public struct CacheEntry: Sendable, Equatable {
  public var type: String
  public var attrs: [String: String]
  public init(type: String, attrs: [String: String] = [:]) {
    self.type = type
    self.attrs = attrs
  }

  static func parse(_ text: String) throws -> CacheEntry {
    let fields = try CSVFields.split(text)
    if fields.count == 1, !fields[0].contains("=") { return CacheEntry(type: "registry", attrs: ["ref": fields[0]]) }
    var entry = CacheEntry(type: "", attrs: [:])
    for field in fields {
      let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
      guard pair.count == 2 else { throw KilnError(.invalidArgument, "invalid value \(field)") }
      if pair[0].lowercased() == "type" { entry.type = pair[1] } else { entry.attrs[pair[0].lowercased()] = pair[1] }
    }
    guard !entry.type.isEmpty else { throw KilnError(.invalidArgument, "type required for \"\(text)\"") }
    return entry
  }

  /// `[{"Type":...,"Attrs":{...}}]`, the shape of BuildKit's `CacheOptionsEntry` in JSON.
  static func json(_ entries: [CacheEntry]) -> String {
    let objects: [[String: Any]] = entries.map { entry in
      var object: [String: Any] = ["Type": entry.type]
      if !entry.attrs.isEmpty { object["Attrs"] = entry.attrs }
      return object
    }
    let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
    return String(decoding: data, as: UTF8.self)
  }

  var spec: CacheSpec { CacheSpec(type: type, attrs: attrs) }
}

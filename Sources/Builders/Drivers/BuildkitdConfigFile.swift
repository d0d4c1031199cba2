public import Foundation
public import KilnCore

/// `--buildkitd-config`: the TOML is read, the CA and key-pair files of each
/// `[registry."host"]` are loaded as `certs/<host>/<file>` and their paths
/// rewritten to `/etc/buildkit/certs/<host>/<file>`, as buildx does.
///
/// Only the lines that hold those paths change; the rest of the file is kept
/// as written (buildx re-serializes the whole document instead).
public struct BuildkitdConfigFile: Sendable {
  /// Files by path relative to `/etc/buildkit`: `buildkitd.toml` and the certificates.
  public var files: [String: Data]
  /// The top-level `insecure-entitlements`, for buildx's default flag rule.
  public var entitlements: [String]

  public static func load(path: String) throws(KilnError) -> BuildkitdConfigFile {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw KilnError(.notFound, "buildkit configuration file not found: \(path)")
    }
    let text = String(decoding: data, as: UTF8.self)
    var files: [String: Data] = [:]
    var entitlements: [String] = []
    var output: [String] = []
    var registry: String?
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("[") {
        registry = Self.registryName(header: trimmed)
        output.append(String(line))
        continue
      }
      guard let equals = trimmed.firstIndex(of: "="), !trimmed.hasPrefix("#") else {
        output.append(String(line))
        continue
      }
      let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
      let value = String(trimmed[trimmed.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
      if registry == nil, key == "insecure-entitlements" {
        entitlements = try Self.strings(value, path: path, line: number + 1)
      }
      guard let host = registry, ["ca", "key", "cert"].contains(key) else {
        output.append(String(line))
        continue
      }
      let directory = "certs/" + Self.certsDirectory(host)
      var rewritten: [String] = []
      for source in try Self.strings(value, path: path, line: number + 1) {
        let relative = directory + "/" + URL(fileURLWithPath: source).lastPathComponent
        guard let contents = FileManager.default.contents(atPath: source) else {
          throw KilnError(.notFound, "failed to read \(key == "ca" ? "CA" : key) file: \(source) (named in \(path))")
        }
        files[relative] = contents
        rewritten.append(DockerContainerSettings.configDirectory + "/" + relative)
      }
      let indent = line.prefix { $0 == " " || $0 == "\t" }
      let rendered = value.hasPrefix("[") ? "[" + rewritten.map(Self.quoted).joined(separator: ", ") + "]" : Self.quoted(rewritten.first ?? "")
      output.append("\(indent)\(key) = \(rendered)")
    }
    files["buildkitd.toml"] = Data(output.joined(separator: "\n").utf8)
    return BuildkitdConfigFile(files: files, entitlements: entitlements)
  }

  /// `host` from `[registry."host"]` or `[[registry."host".keypair]]`.
  static func registryName(header: String) -> String? {
    var inner = Substring(header)
    while inner.hasPrefix("[") { inner = inner.dropFirst() }
    while inner.hasSuffix("]") { inner = inner.dropLast() }
    guard inner.hasPrefix("registry.") else { return nil }
    var rest = inner.dropFirst("registry.".count)
    if rest.hasPrefix("\"") {
      rest = rest.dropFirst()
      guard let close = rest.firstIndex(of: "\"") else { return nil }
      return String(rest[..<close])
    }
    return String(rest.prefix { $0 != "." })
  }

  /// buildx replaces each run of characters outside `[a-zA-Z0-9.-]` with `_`.
  static func certsDirectory(_ host: String) -> String {
    var result = ""
    var inRun = false
    for c in host {
      if c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-") {
        result.append(c)
        inRun = false
      } else if !inRun {
        result.append("_")
        inRun = true
      }
    }
    return result
  }

  /// A TOML string or array of strings on one line.
  static func strings(_ value: String, path: String, line: Int) throws(KilnError) -> [String] {
    var body = Substring(value)
    if let hash = body.lastIndex(of: "#"), !body[hash...].contains("\"") { body = body[..<hash] }
    body = Substring(body.trimmingCharacters(in: .whitespaces))
    let isArray = body.hasPrefix("[")
    if isArray {
      guard body.hasSuffix("]") else { throw KilnError(.invalidArgument, "\(path):\(line): multi-line arrays are not supported here") }
      body = body.dropFirst().dropLast()
    }
    var result: [String] = []
    var index = body.startIndex
    while index < body.endIndex {
      let c = body[index]
      if c == "\"" || c == "'" {
        guard let close = body[body.index(after: index)...].firstIndex(of: c) else {
          throw KilnError(.invalidArgument, "\(path):\(line): unterminated string")
        }
        result.append(String(body[body.index(after: index)..<close]))
        index = body.index(after: close)
      } else {
        index = body.index(after: index)
      }
    }
    return result
  }

  static func quoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }
}

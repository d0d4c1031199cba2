import Builders
import KilnCore

/// Renders builders exactly as `docker buildx ls` does: its table (nodes
/// indented under their builder, the current one starred) and `--format json`.
struct BuilderListReport {
  struct Entry {
    var group: NodeGroup
    var fromContext: Bool
    /// nil when the store names a driver Kiln does not have.
    var driver: (any Driver)?
    var nodes: [NodeReport] = []

    var error: String? { driver == nil ? "failed to find driver \"\(group.driver)\"" : nil }
  }

  var builders: [Entry]
  var current: String
  var truncate: Bool
  /// Store files that could not be read: reported on stderr, never fatal.
  var loadFailures: [(path: String, message: String)] = []

  static let indent = " \\_ "

  /// Builders that failed to load go last, as in buildx.
  var ordered: [Entry] { builders.filter { $0.error == nil } + builders.filter { $0.error != nil } }

  func renderTable() -> String {
    var writer = TabWriter.dockerTable
    writer.write("NAME/NODE\tDRIVER/ENDPOINT\tSTATUS\tBUILDKIT\tPLATFORMS\n")
    for entry in ordered {
      let star = entry.group.name == current ? "*" : ""
      writer.write("\(entry.group.name)\(star)\t\(entry.group.driver)\t\(entry.error == nil ? "" : "error")\t\t\n")
      guard entry.error == nil else { continue }
      for report in entry.nodes {
        let platforms = Self.platformList(report)
        let shown = truncate ? Self.truncated(platforms, max: 4) : platforms.joined(separator: ", ")
        writer.write("\(Self.indent)\(report.node.name)\t\(Self.indent)\(report.node.endpoint)\t\(Self.status(report))\t\(report.version)\t\(shown)\n")
      }
    }
    return writer.flush()
  }

  func errorLines() -> [String] {
    var lines: [String] = []
    for entry in ordered {
      if let error = entry.error {
        lines.append("Cannot load builder \(entry.group.name): \(error)")
        continue
      }
      for report in entry.nodes {
        if let error = report.error {
          lines.append("Failed to get status for \(entry.group.name) (\(report.node.name)): \(error.description.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
      }
    }
    for failure in loadFailures { lines.append("Cannot load builder \(failure.path): \(failure.message)") }
    return lines
  }

  static func status(_ report: NodeReport) -> String {
    if report.error != nil { return "error" }
    return report.status?.rawValue ?? ""
  }

  /// buildx's `FormatInGroups`: user-set platforms first, starred, then the reported ones.
  static func platformList(_ report: NodeReport) -> [String] {
    var seen = Set<String>()
    var out: [String] = []
    for (group, suffix) in [(report.node.platforms, "*"), (report.platforms, "")] {
      for platform in group {
        let key = platform.normalized.description
        if seen.insert(key).inserted { out.append(key + suffix) }
      }
    }
    return out
  }

  static let majorPlatforms = ["linux/amd64", "linux/arm64", "linux/arm", "linux/ppc64le", "linux/s390x", "linux/riscv64", "linux/mips64"]

  /// buildx's table truncation: at most `max` OS/architecture groups, a
  /// group of several variants shown as `linux/arm (+3)`, then `(N more)`.
  static func truncated(_ platforms: [String], max: Int) -> String {
    func major(_ value: String) -> String? {
      let parts = value.hasSuffix("*") ? value.dropLast().split(separator: "/") : value.split(separator: "/")
      guard parts.count >= 2 else { return nil }
      return parts[0] + "/" + parts[1]
    }
    var groups: [String: [String]] = [:]
    for candidate in majorPlatforms {
      for value in platforms where groups.count < max && major(value) == candidate {
        groups[candidate, default: []].append(value)
      }
    }
    var left: [String: [String]] = [:]
    for value in platforms where groups.count < max {
      guard let key = major(value), groups[key] == nil else { continue }
      left[key, default: []].append(value)
    }
    groups.merge(left) { a, _ in a }
    var out: [String] = []
    var count = 0
    var seen = Set<String>()
    func add(_ key: String) {
      guard let members = groups[key] else { return }
      seen.insert(key)
      if members.count == 1 {
        out.append(members[0])
        count += 1
      } else {
        out.append("\(key)\(members.contains { $0.hasSuffix("*") } ? "*" : "") (+\(members.count))")
        count += members.count
      }
    }
    for key in majorPlatforms { add(key) }
    for key in groups.keys.sorted() where out.count < max && !seen.contains(key) { add(key) }
    if platforms.count - count > 0 { out.append("(\(platforms.count - count) more)") }
    return out.joined(separator: ", ")
  }

  /// One JSON object per builder, keys sorted as buildx's map round-trip leaves them.
  func renderJSON() -> String {
    var out = ""
    for entry in ordered {
      var fields: [(String, String)] = [
        ("Current", String(entry.group.name == current)),
        ("Driver", JSONText.string(entry.group.driver)),
        ("Dynamic", String(entry.group.dynamic)),
      ]
      if let error = entry.error { fields.append(("Err", JSONText.string(error))) }
      let activity = entry.group.lastActivity.map { RFC3339.format($0) } ?? "0001-01-01T00:00:00Z"
      fields.append(("LastActivity", JSONText.string(activity)))
      fields.append(("Name", JSONText.string(entry.group.name)))
      let nodes = entry.nodes.isEmpty && entry.error != nil ? entry.group.nodes.map { NodeReport.placeholder($0) } : entry.nodes
      fields.append(("Nodes", nodes.isEmpty ? "null" : "[" + nodes.map(Self.nodeJSON).joined(separator: ",") + "]"))
      out += Self.object(fields) + "\n"
    }
    return out
  }

  static func nodeJSON(_ report: NodeReport) -> String {
    let node = report.node
    var fields: [(String, String)] = []
    func strings(_ values: [String]) -> String { "[" + values.map { JSONText.string($0) }.joined(separator: ",") + "]" }
    func map(_ values: [String: String]) -> String {
      object(values.keys.sorted().map { ($0, JSONText.string(values[$0] ?? "")) })
    }
    if !node.driverOptions.isEmpty { fields.append(("DriverOpts", map(node.driverOptions))) }
    fields.append(("Endpoint", JSONText.string(node.endpoint)))
    if let error = report.error { fields.append(("Err", JSONText.string(error.description.trimmingCharacters(in: .whitespacesAndNewlines)))) }
    if !node.files.isEmpty { fields.append(("Files", map(node.files.mapValues { $0.base64EncodedString() }))) }
    if !node.buildkitdFlags.isEmpty { fields.append(("Flags", strings(node.buildkitdFlags))) }
    if !report.labels.isEmpty { fields.append(("Labels", map(report.labels))) }
    fields.append(("Name", JSONText.string(node.name)))
    let platforms = (node.platforms + report.platforms).map(\.normalized.description)
    var unique: [String] = []
    for p in platforms where !unique.contains(p) { unique.append(p) }
    if !unique.isEmpty { fields.append(("Platforms", strings(unique))) }
    let status = status(report)
    if !status.isEmpty { fields.append(("Status", JSONText.string(status))) }
    if !report.version.isEmpty { fields.append(("Version", JSONText.string(report.version))) }
    return object(fields)
  }

  static func object(_ fields: [(String, String)]) -> String {
    "{" + fields.map { "\(JSONText.string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
  }
}

extension NodeReport {
  static func placeholder(_ node: NodeGroup.Node) -> NodeReport {
    NodeReport(node: node, status: nil, version: "", platforms: [], labels: [:], error: nil)
  }
}

import Foundation

import ArgumentParser
import BuildKit
import Foundation
import KilnCore

/// `kiln du`: build cache usage, in buildx's table, pretty and JSON forms.
struct DiskUsageCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "du", abstract: "Disk usage")

  @OptionGroup var connection: ConnectionOptions

  @Option(help: "Provide filter values (e.g. \"type=regular\")")
  var filter: [String] = []

  @Flag(help: "Shorthand for \"--format=pretty\"")
  var verbose = false

  @Option(help: "Format the output: table, pretty or json")
  var format: String?

  func run() async throws {
    if format != nil && verbose {
      throw KilnError(.invalidArgument, "--format and --verbose cannot be used together")
    }
    let style = try DiskUsageReport.Style(format ?? (verbose ? "pretty" : "table"))
    let records = try await connection.withClient { try await $0.diskUsage(filters: filter) }
    let report = DiskUsageReport(records: records, style: style, now: Date(), summary: filter.isEmpty)
    FileHandle.standardOutput.write(Data(report.render().utf8))
  }
}

/// Renders cache records exactly as `docker buildx du` does.
struct DiskUsageReport {
  enum Style {
    case table, pretty, json
    init(_ name: String) throws {
      switch name {
      case "table": self = .table
      case "pretty": self = .pretty
      case "json": self = .json
      default: throw KilnError(.invalidArgument, "unsupported --format \(name): use table, pretty or json")
      }
    }
  }

  var records: [CacheRecord]
  var style: Style
  var now: Date
  var summary: Bool

  func render() -> String {
    var out: String
    switch style {
    case .table:
      var writer = TabWriter.dockerTable
      writer.write("ID\tRECLAIMABLE\tSIZE\tLAST ACCESSED\n")
      for r in records {
        let id = r.mutable ? r.id + "*" : r.id
        let size = HumanUnits.size(Double(r.size)) + (r.shared ? "*" : "")
        writer.write("\(id)\t\(r.reclaimable)\t\(size)\t\(lastUsed(r))\n")
      }
      out = writer.flush()
    case .pretty:
      out = records.map(pretty).joined()
    case .json:
      out = records.map(json).joined()
    }
    if summary, style != .json { out += totals() }
    return out
  }

  private func lastUsed(_ r: CacheRecord) -> String {
    guard let last = r.lastUsedAt else { return "" }
    return HumanUnits.duration(seconds: now.timeIntervalSince(last)) + " ago"
  }

  private func created(_ r: CacheRecord) -> String {
    guard let date = r.createdAt else { return "0001-01-01 00:00:00 +0000 UTC" }
    let interval = date.timeIntervalSince1970
    let seconds = Int64(interval.rounded(.down))
    let nanos = Int32(((interval - Double(seconds)) * 1e9).rounded())
    return GoTime.string(secondsSince1970: seconds, nanoseconds: min(nanos, 999_999_999))
  }

  private func pretty(_ r: CacheRecord) -> String {
    var s = "ID:           \(r.id)\n"
    if !r.parents.isEmpty {
      s += "Parents:\n"
      for p in r.parents { s += " - \(p)\n" }
    }
    s += "Created at:   \(created(r))\n"
    s += "Mutable:      \(r.mutable)\n"
    s += "Reclaimable:  \(r.reclaimable)\n"
    s += "Shared:       \(r.shared)\n"
    s += "Size:         \(HumanUnits.size(Double(r.size)))\n"
    if !r.description.isEmpty { s += "Description:  \(r.description)\n" }
    s += "Usage count:  \(r.usageCount)\n"
    let last = lastUsed(r)
    if !last.isEmpty { s += "Last used:    \(last)\n" }
    if !r.recordType.isEmpty { s += "Type:         \(r.recordType)\n" }
    return s + "\n"
  }

  private func json(_ r: CacheRecord) -> String {
    let fields: [(String, String)] = [
      ("CreatedAt", JSONText.string(created(r))),
      ("Description", JSONText.string(r.description)),
      ("ID", JSONText.string(r.id)),
      ("LastUsedAt", JSONText.string(lastUsed(r))),
      ("Mutable", String(r.mutable)),
      ("Parents", r.parents.isEmpty ? "null" : "[" + r.parents.map { JSONText.string($0) }.joined(separator: ",") + "]"),
      ("Reclaimable", String(r.reclaimable)),
      ("Shared", String(r.shared)),
      ("Size", JSONText.string(HumanUnits.size(Double(r.size)))),
      ("Type", JSONText.string(r.recordType)),
      ("UsageCount", String(r.usageCount)),
    ]
    return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}\n"
  }

  private func totals() -> String {
    var total: Int64 = 0, reclaimable: Int64 = 0, shared: Int64 = 0
    for r in records {
      if r.size > 0 {
        total += r.size
        if !r.inUse { reclaimable += r.size }
      }
      if r.shared { shared += r.size }
    }
    var writer = TabWriter.tabbed
    if shared > 0 {
      writer.write("Shared:\t\(HumanUnits.size(Double(shared)))\n")
      writer.write("Private:\t\(HumanUnits.size(Double(total - shared)))\n")
    }
    writer.write("Reclaimable:\t\(HumanUnits.size(Double(reclaimable)))\n")
    writer.write("Total:\t\(HumanUnits.size(Double(total)))\n")
    return writer.flush()
  }
}

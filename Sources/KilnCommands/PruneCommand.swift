import ArgumentParser
import BuildKit
import Builders
import Foundation
import KilnCore
import Synchronization

/// `kiln prune`: removes build cache, as `docker buildx prune` does.
struct PruneCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove build cache")

  @OptionGroup var builderOptions: BuilderOptions

  @Flag(name: [.customShort("a"), .long], help: "Include internal/frontend images")
  var all = false

  @Option(help: "Provide filter values (e.g., \"until=24h\")")
  var filter: [String] = []

  @Option(name: .customLong("reserved-space"), help: "Amount of disk space always allowed to keep for cache")
  var reservedSpace: String?

  @Option(name: .customLong("max-used-space"), help: "Maximum amount of disk space allowed to keep for cache")
  var maxUsedSpace: String?

  @Option(name: .customLong("min-free-space"), help: "Target amount of free disk space after pruning")
  var minFreeSpace: String?

  @Flag(name: [.customShort("f"), .long], help: "Do not prompt for confirmation")
  var force = false

  @Flag(help: "Provide a more verbose output")
  var verbose = false

  func run() async throws {
    var options = try PruneFilters.parse(filter)
    options.all = all
    options.reservedSpace = try reservedSpace.map { try MemorySize.parse($0, flag: "--reserved-space") } ?? 0
    options.maxUsedSpace = try maxUsedSpace.map { try MemorySize.parse($0, flag: "--max-used-space") } ?? 0
    options.minFreeSpace = try minFreeSpace.map { try MemorySize.parse($0, flag: "--min-free-space") } ?? 0
    if !force {
      let warning = all ? "WARNING! This will remove all build cache. Are you sure you want to continue?" : "WARNING! This will remove all dangling build cache. Are you sure you want to continue?"
      print(warning + " [y/N] ", terminator: "")
      guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else { return }
    }
    let builder = try await builderOptions.resolve()
    let records = Mutex<[CacheRecord]>([])
    for node in builder.nodeGroup.nodes {
      let context = builder.context(for: node)
      let dialer = try builder.driver.dialer(context)
      try await BuildKitClient.withConnection(to: dialer) { client in
        try await client.prune(options) { record in records.withLock { $0.append(record) } }
      }
    }
    let removed = records.withLock { $0 }
    let report = DiskUsageReport(records: removed, style: verbose ? .pretty : .table, now: Date(), summary: false)
    var out = removed.isEmpty ? "" : report.render()
    var total: Int64 = 0
    for record in removed { total += record.size }
    var writer = TabWriter.tabbed
    writer.write("Total:\t\(HumanUnits.size(Double(total)))\n")
    out += writer.flush()
    FileHandle.standardOutput.write(Data(out.utf8))
  }
}

/// buildx's prune filters: `until`/`unused-for` become the keep duration, the rest BuildKit filters.
enum PruneFilters {
  static func parse(_ values: [String]) throws -> PruneOptions {
    var byKey: [(String, String)] = []
    for value in values {
      let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      byKey.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
    }
    let keys = Set(byKey.map(\.0))
    if keys.contains("until") && keys.contains("unused-for") {
      throw KilnError(.invalidArgument, "conflicting filters \"until\" and \"unused-for\"")
    }
    var options = PruneOptions()
    var filters: [String] = []
    for key in keys.sorted() {
      let values = byKey.filter { $0.0 == key }.map(\.1)
      guard values.count == 1, let value = values.first else {
        throw KilnError(.invalidArgument, "\"\(key)\" filter expects only one value")
      }
      if key == "until" || key == "unused-for" {
        let duration = try DurationParser.parse(value, flag: "--filter \(key)")
        let (seconds, attoseconds) = duration.components
        options.keepDurationNanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
      } else if key == "id" {
        filters.append("id~=" + value)
      } else if key.hasSuffix("!") || key.hasSuffix("~") {
        filters.append(key + "=" + value)
      } else {
        filters.append(key + "==" + value)
      }
    }
    options.filters = filters.isEmpty ? [] : [filters.joined(separator: ",")]
    return options
  }
}

/// Sizes as buildx's `--reserved-space` flags take them (`10GB`, `512mb`, `1024`): go-units `RAMInBytes`.
enum MemorySize {
  static func parse(_ text: String, flag: String) throws -> Int64 {
    let pattern = text.lowercased().trimmingCharacters(in: .whitespaces)
    let number = pattern.prefix { $0.isNumber || $0 == "." }
    var unit = pattern.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
    if unit.hasSuffix("ib") { unit.removeLast(2) } else if unit.hasSuffix("b") { unit.removeLast() }
    let powers = ["": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5]
    guard let value = Double(number), let power = powers[unit] else {
      throw KilnError(.invalidArgument, "invalid size \"\(text)\" for \(flag)")
    }
    return Int64(value * pow(1024, Double(power)))
  }
}

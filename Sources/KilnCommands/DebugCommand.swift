import ArgumentParser
import BuildKit
import Foundation
import KilnCore

/// `kiln debug`: low-level views of a BuildKit daemon, like `buildctl debug`.
struct DebugCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "debug",
    abstract: "Inspect a BuildKit daemon",
    subcommands: [DebugWorkersCommand.self]
  )
}

/// `kiln debug workers`: the daemon's workers, as `buildctl debug workers` lists them.
struct DebugWorkersCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "workers", abstract: "List the daemon's workers")

  @OptionGroup var connection: ConnectionOptions

  @Option(help: "Filter workers (e.g. \"platforms=linux/amd64\")")
  var filter: [String] = []

  @Flag(name: [.customShort("v"), .long], help: "Show labels, BuildKit version and GC policy")
  var verbose = false

  func run() async throws {
    let workers = try await connection.withClient { try await $0.listWorkers(filters: filter) }
    FileHandle.standardOutput.write(Data(WorkersReport(workers: workers, verbose: verbose).render().utf8))
  }
}

/// Renders workers exactly as buildctl does.
struct WorkersReport {
  var workers: [WorkerInfo]
  var verbose: Bool

  func render() -> String {
    var writer = TabWriter.tabbed
    if !verbose {
      writer.write("ID\tPLATFORMS\n")
      for w in workers { writer.write("\(w.id)\t\(platforms(w))\n") }
      return writer.flush()
    }
    for w in workers {
      writer.write("ID:\t\(w.id)\n")
      writer.write("Platforms:\t\(platforms(w))\n")
      let v = w.buildkitVersion
      writer.write("BuildKit:\t\(v?.package ?? "") \(v?.version ?? "") \(v?.revision ?? "")\n")
      writer.write("Labels:\n")
      for key in w.labels.keys.sorted() { writer.write("\t\(key):\t\(w.labels[key] ?? "")\n") }
      for (i, rule) in w.gcPolicies.enumerated() {
        writer.write("GC Policy rule#\(i):\n")
        writer.write("\tAll:\t\(rule.all)\n")
        if !rule.filters.isEmpty { writer.write("\tFilters:\t\(rule.filters.joined(separator: " "))\n") }
        if rule.keepDuration > 0 { writer.write("\tKeep duration:\t\(GoTime.duration(nanoseconds: rule.keepDuration))\n") }
        if rule.reservedSpace > 0 { writer.write("\tReserved space:\t\(HumanUnits.binarySize(Double(rule.reservedSpace)))\n") }
        if rule.minFreeSpace > 0 { writer.write("\tMinimum free space:\t\(HumanUnits.binarySize(Double(rule.minFreeSpace)))\n") }
        if rule.maxUsedSpace > 0 { writer.write("\tMaximum used space:\t\(HumanUnits.binarySize(Double(rule.maxUsedSpace)))\n") }
      }
      writer.write("\n")
    }
    return writer.flush()
  }

  private func platforms(_ w: WorkerInfo) -> String {
    w.platforms.map { $0.normalized.description }.joined(separator: ",")
  }
}

import ArgumentParser
import Builders
import Foundation
import KilnCore

/// `kiln inspect [NAME]`: a builder and its nodes, as `docker buildx inspect` shows them.
struct InspectCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Inspect current builder instance")

  @Argument(help: "Builder name (default: the current builder)")
  var name: String?

  @OptionGroup var builderOptions: BuilderOptions

  @Flag(help: "Ensure builder has booted before inspecting")
  var bootstrap = false

  @Option(help: "Timeout for loading builder status, e.g. 20s")
  var timeout = "20s"

  func run() async throws {
    let builder = try await BuilderResolver(environment: .current).resolve(name: name ?? builderOptions.builder)
    let limit = try DurationParser.parse(timeout, flag: "--timeout")
    if bootstrap {
      for node in builder.nodeGroup.nodes { try await builder.driver.bootstrap(builder.context(for: node)) }
    }
    let reports = await NodeReport.load(builder, timeout: limit)
    FileHandle.standardOutput.write(Data(Self.render(builder.nodeGroup, reports).utf8))
  }

  static func render(_ group: NodeGroup, _ reports: [NodeReport]) -> String {
    var w = TabWriter(minWidth: 0, tabWidth: 0, padding: 1, padChar: " ")
    w.write("Name:\t\(group.name)\n")
    w.write("Driver:\t\(group.driver)\n")
    if let activity = group.lastActivity {
      let seconds = Int64(activity.timeIntervalSince1970.rounded(.down))
      w.write("Last Activity:\t\(GoTime.string(secondsSince1970: seconds, nanoseconds: 0))\n")
    }
    w.write("\nNodes:\n")
    for (i, report) in reports.enumerated() {
      let node = report.node
      if i != 0 { w.write("\n") }
      w.write("Name:\t\(node.name)\n")
      w.write("Endpoint:\t\(node.endpoint)\n")
      if !node.driverOptions.isEmpty {
        let options = node.driverOptions.keys.sorted().map { "\($0)=\(JSONText.string(node.driverOptions[$0] ?? "", escapeHTML: false))" }
        w.write("Driver Options:\t\(options.joined(separator: " "))\n")
      }
      if let error = report.error {
        w.write("Error:\t\(error.description)\n")
        continue
      }
      w.write("Status:\t\(report.status?.rawValue ?? "")\n")
      if !node.buildkitdFlags.isEmpty { w.write("BuildKit daemon flags:\t\(node.buildkitdFlags.joined(separator: " "))\n") }
      if !report.version.isEmpty { w.write("BuildKit version:\t\(report.version)\n") }
      let platforms = BuilderListReport.platformList(report)
      if !platforms.isEmpty { w.write("Platforms:\t\(platforms.joined(separator: ", "))\n") }
      if !report.labels.isEmpty {
        w.write("Labels:\n")
        for key in report.labels.keys.sorted() { w.write("\t\(key):\t\(report.labels[key] ?? "")\n") }
      }
    }
    return w.flush()
  }
}

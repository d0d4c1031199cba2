import ArgumentParser
import Builders
import Foundation
import KilnCore
import Transport

/// `kiln ls`: builders from the store and the Docker contexts, as `docker buildx ls` lists them.
struct LsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "ls", abstract: "List builder instances")

  @Option(help: "Format the output: table or json")
  var format = "table"

  @Flag(name: .customLong("no-trunc"), help: "Don't truncate output")
  var noTrunc = false

  @Option(help: "Override the default global builder status timeout, e.g. 20s")
  var timeout = "20s"

  func run() async throws {
    let environment = Environment.current
    let resolver = BuilderResolver(environment: environment)
    let limit = try DurationParser.parse(timeout, flag: "--timeout")
    let json: Bool
    switch format {
    case "table": json = false
    case "json": json = true
    default: throw KilnError(.invalidArgument, "unsupported --format \(format): use table or json")
    }
    let (entries, current, failures) = try await resolver.store.withTransaction { tx in
      let listing = try tx.list()
      let current = try? tx.current(key: try resolver.currentKey())
      return (listing.nodeGroups, current, listing.failures)
    }
    var builders: [BuilderListReport.Entry] = []
    for group in entries {
      builders.append(.init(group: group, fromContext: false, driver: try? Drivers.named(group.driver)))
    }
    for context in resolver.contextNames() where !entries.contains(where: { $0.name == context }) {
      builders.append(.init(group: BuilderResolver.contextBuilder(context), fromContext: true, driver: DockerDriver()))
    }
    let currentName = current?.name ?? (try? DockerHost.resolve(environment: environment).contextName) ?? "default"
    let loaded = await withTaskGroup(of: (Int, [NodeReport]).self) { group in
      for (index, entry) in builders.enumerated() {
        guard let driver = entry.driver else { continue }
        let builder = ResolvedBuilder(nodeGroup: entry.group, fromDockerContext: entry.fromContext, driver: driver, environment: environment)
        group.addTask { (index, await NodeReport.load(builder, timeout: limit)) }
      }
      var result: [Int: [NodeReport]] = [:]
      for await (index, reports) in group { result[index] = reports }
      return result
    }
    for index in builders.indices { builders[index].nodes = loaded[index] ?? [] }
    var report = BuilderListReport(builders: builders, current: currentName, truncate: !noTrunc)
    report.loadFailures = failures.map { ($0.path, $0.error.description) }
    FileHandle.standardOutput.write(Data((json ? report.renderJSON() : report.renderTable()).utf8))
    let errors = report.errorLines()
    if !json, !errors.isEmpty {
      FileHandle.standardError.write(Data(("\n" + errors.joined(separator: "\n") + "\n").utf8))
    }
  }
}


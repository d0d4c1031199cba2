import BuildKit
public import KilnCore

/// A node with what its daemon says about itself (buildx's `builder.Node`
/// after `LoadNodes`): status, BuildKit version, platforms, or the error.
public struct NodeReport: Sendable {
  public var node: NodeGroup.Node
  public var status: NodeStatus?
  public var version: String
  /// The platforms the daemon's workers build for, in order, without duplicates.
  public var platforms: [Platform]
  public var labels: [String: String]
  public var error: KilnError?

  public init(node: NodeGroup.Node, status: NodeStatus? = nil, version: String = "", platforms: [Platform] = [], labels: [String: String] = [:], error: KilnError? = nil) {
    self.node = node
    self.status = status
    self.version = version
    self.platforms = platforms
    self.labels = labels
    self.error = error
  }

  /// Asks the driver for the node's status and, when it runs, BuildKit for its workers.
  public static func load(_ builder: ResolvedBuilder, timeout: Duration) async -> [NodeReport] {
    await withTaskGroup(of: (Int, NodeReport).self) { group in
      for (index, node) in builder.nodeGroup.nodes.enumerated() {
        group.addTask { (index, await load(builder, node: node, timeout: timeout)) }
      }
      var reports: [(Int, NodeReport)] = []
      for await report in group { reports.append(report) }
      return reports.sorted { $0.0 < $1.0 }.map(\.1)
    }
  }

  static func load(_ builder: ResolvedBuilder, node: NodeGroup.Node, timeout: Duration) async -> NodeReport {
    var report = NodeReport(node: node, status: nil, version: "", platforms: [], labels: [:], error: nil)
    let context = builder.context(for: node)
    do {
      let status = try await builder.driver.status(context)
      report.status = status
      guard status == .running else { return report }
      let workers = try await BuildKitClient.withConnection(to: try builder.driver.dialer(context), timeout: timeout) { client in
        try await client.listWorkers()
      }
      for worker in workers {
        for platform in worker.platforms where !report.platforms.contains(platform) { report.platforms.append(platform) }
        if report.version.isEmpty, let version = worker.buildkitVersion?.version { report.version = version }
        if report.labels.isEmpty { report.labels = worker.labels }
      }
    } catch let error as KilnError {
      report.error = error
    } catch {
      report.error = KilnError(.connection, "cannot reach builder node \(node.name)", underlying: error)
    }
    return report
  }
}

import ArgumentParser
import Builders
import KilnCore
import Transport

/// `kiln dial-stdio`: proxies stdin and stdout to the selected builder's
/// BuildKit, so other tools can use it as a connection helper.
struct DialStdioCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "dial-stdio", abstract: "Proxy current stdio streams to builder instance")

  @OptionGroup var builderOptions: BuilderOptions

  @Option(help: "Node to dial (default: the builder's first node)")
  var node: String?

  func run() async throws {
    let builder = try await builderOptions.resolve()
    guard let target = node.map({ name in builder.nodeGroup.nodes.first { $0.name == name } }) ?? builder.nodeGroup.nodes.first else {
      throw KilnError(.notFound, "no node \(node ?? "") in builder \(builder.name)")
    }
    let context = builder.context(for: target)
    if try await builder.driver.status(context) != .running { try await builder.driver.bootstrap(context) }
    let stream = try await builder.driver.dialer(context).dial(timeout: .seconds(20))
    try await StdioProxy.run(stream)
  }
}

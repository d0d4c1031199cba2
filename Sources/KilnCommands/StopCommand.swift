import ArgumentParser
import Builders
import KilnCore

/// `kiln stop [NAME]`: stops the builder's daemons (their state stays).
struct StopCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop builder instance")

  @Argument(help: "Builder name (default: the current builder)")
  var name: String?

  @OptionGroup var builderOptions: BuilderOptions

  func run() async throws {
    let builder = try await BuilderResolver(environment: .current).resolve(name: name ?? builderOptions.builder)
    for node in builder.nodeGroup.nodes {
      try await builder.driver.stop(builder.context(for: node))
    }
  }
}

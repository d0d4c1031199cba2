import ArgumentParser
import Builders
import KilnCore
import Transport

/// `kiln use NAME`: makes a builder the current one for this Docker endpoint.
struct UseCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "use", abstract: "Set the current builder instance")

  @Argument(help: "Builder name")
  var name: String?

  @OptionGroup var builderOptions: BuilderOptions

  @Flag(help: "Set builder as default for current context")
  var `default` = false

  @Flag(help: "Builder persists context changes")
  var global = false

  func run() async throws {
    let environment = Environment.current
    let resolver = BuilderResolver(environment: environment)
    guard let target = name ?? builderOptions.builder ?? environment["BUILDX_BUILDER"] else {
      throw KilnError(.invalidArgument, "use requires a builder name")
    }
    let context = try DockerHost.resolve(environment: environment).contextName
    try await resolver.store.withTransaction { tx in
      let key = try resolver.currentKey()
      if try tx.nodeGroupIfPresent(named: target) == nil {
        if target == "default" && target != context {
          throw KilnError(.invalidArgument, "run `docker context use default` to switch to default context")
        }
        if target == "default" || target == context {
          try tx.setCurrent(key: key, name: "", global: false, default: false)
          return
        }
        if resolver.contextNames().contains(target) {
          throw KilnError(.invalidArgument, "run `docker context use \(target)` to switch to context \(target)")
        }
        throw KilnError(.notFound, "failed to find instance \"\(target)\": no builder \"\(target)\" found")
      }
      try tx.setCurrent(key: key, name: target, global: global, default: self.default)
    }
  }
}

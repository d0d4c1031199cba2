import ArgumentParser
import Builders
import Foundation
import KilnCore

/// `kiln rm [NAME...]`: removes builders and, unless told to keep them, their daemons and state.
struct RmCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove one or more builder instances")

  @Argument(help: "Builder names (default: the current builder)")
  var names: [String] = []

  @OptionGroup var builderOptions: BuilderOptions

  @Flag(name: .customLong("keep-state"), help: "Keep BuildKit state")
  var keepState = false

  @Flag(name: .customLong("keep-daemon"), help: "Keep the BuildKit daemon running")
  var keepDaemon = false

  @Flag(name: .customLong("all-inactive"), help: "Remove all inactive builders")
  var allInactive = false

  @Flag(name: [.customShort("f"), .long], help: "Do not prompt for confirmation")
  var force = false

  func run() async throws {
    let environment = Environment.current
    let resolver = BuilderResolver(environment: environment)
    if allInactive {
      guard names.isEmpty else { throw KilnError(.invalidArgument, "cannot specify builder name when --all-inactive is set") }
      if !force {
        print("WARNING! This will remove all builders that are not in running state. Are you sure you want to continue? [y/N] ", terminator: "")
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else { return }
      }
      try await removeInactive(resolver)
      return
    }
    var failed = false
    let targets = names.isEmpty ? [builderOptions.builder] : names.map { Optional($0) }
    for target in targets {
      let label = target ?? "current builder"
      do {
        let removed = try await remove(try await resolver.resolve(name: target), resolver: resolver)
        FileHandle.standardError.write(Data("\(removed) removed\n".utf8))
      } catch {
        failed = true
        FileHandle.standardError.write(Data("failed to remove \(label): \(error)\n".utf8))
      }
    }
    if failed { throw KilnError(.daemon, "failed to remove one or more builders") }
  }

  private func remove(_ builder: ResolvedBuilder, resolver: BuilderResolver) async throws -> String {
    if builder.fromDockerContext {
      throw KilnError(.invalidArgument, "context builder cannot be removed, run `docker context rm \(builder.name)` to remove this context")
    }
    var errors: [String] = []
    if !keepDaemon {
      for node in builder.nodeGroup.nodes {
        let context = builder.context(for: node)
        do {
          try await builder.driver.stop(context)
          try await builder.driver.remove(context, keepState: keepState, keepDaemon: keepDaemon, force: true)
        } catch {
          errors.append("failed to remove node \(node.name): \(error)")
        }
      }
    }
    try await resolver.store.withTransaction { tx in _ = try tx.remove(named: builder.name) }
    if !errors.isEmpty { throw KilnError(.daemon, errors.joined(separator: "; ")) }
    return builder.name
  }

  private func removeInactive(_ resolver: BuilderResolver) async throws {
    let groups = try await resolver.store.list().nodeGroups
    for group in groups {
      guard let driver = try? Drivers.named(group.driver) else { continue }
      let builder = ResolvedBuilder(nodeGroup: group, fromDockerContext: false, driver: driver, environment: resolver.environment)
      var running = false
      for node in group.nodes {
        let status = try? await driver.status(builder.context(for: node))
        if status == .running { running = true }
      }
      // Builders whose daemons others run have no "inactive" state of their own.
      if running || group.driver == "remote" { continue }
      _ = try await remove(builder, resolver: resolver)
    }
  }
}

import ArgumentParser
import Build
import BuildKit
import Foundation
import KilnCore
import Progress
import Transport

/// `kiln build`: `docker buildx build` through BuildKit's own API.
struct BuildCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "build", abstract: "Start a build")

  @OptionGroup var connection: ConnectionOptions
  @OptionGroup var options: BuildOptions

  @Argument(help: "Build context directory")
  var context: String

  func run() async throws {
    let environment = Environment.current
    let chosen = try await connection.chosen(environment: environment)
    let node = BuildNode(dialer: chosen.dialer, timeout: try connection.connectTimeout(), environment: environment)
    var flags = options.flags
    if flags.file == "-" {
      // `-f -`: the Dockerfile comes from stdin (buildx refuses stdin for both).
      if context == "-" { throw KilnError(.invalidArgument, "invalid argument: can't use stdin for both build context and dockerfile") }
      flags.dockerfileContent = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
    let plan = try BuildPlan(flags: flags, contextPath: context, environment: environment, onEngine: node.isEngine)
    let mode = try plan.progressMode(environment: environment)
    let sink = ProgressSink(
      mode: mode, description: chosen.progressDescription, consoleDescription: chosen.consoleDescription, environment: environment.values)
    let result: BuildResult
    do {
      result = try await InterruptCancellation.run {
        try await sink.printing {
          try await BuildRunner.run(plan, on: node, environment: environment) { update in sink.receive(update) }
        }
      }
    } catch {
      sink.finish(failed: true)
      throw error
    }
    sink.finish(failed: false)
    try plan.writeResults(result.response, ref: result.ref, quiet: mode == .quiet)
    if let path = environment["KILN_DEBUG_FILESYNC_STATS"], !path.isEmpty {
      // For tests: what the file sync sent (entries, files with content, bytes).
      let counters = result.counters
      let text = "stats=\(counters.statsSent) files=\(counters.filesSent) bytes=\(counters.bytesSent)\n"
      try? Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
  }
}

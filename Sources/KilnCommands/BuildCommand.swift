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

  @Argument(help: "Build context: a directory, a git or HTTP URL, or - for stdin (a tar archive of the context, or a Dockerfile)")
  var context: String

  func run() async throws {
    let environment = Environment.current
    let chosen = try await connection.chosen(environment: environment)
    let node = BuildNode(dialer: chosen.dialer, timeout: try connection.connectTimeout(), environment: environment)
    var flags = options.flags
    flags.defaultLoad = chosen.defaultLoad
    var stdin: StdinContext?
    if context == "-" {
      // A tar archive (streamed to the daemon) or a Dockerfile with an empty context.
      stdin = try StdinContext.read(dockerfileFlag: flags.file)
    } else if flags.file == "-" {
      flags.dockerfileContent = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
    let plan = try BuildPlan(flags: flags, contextPath: context, stdin: stdin, environment: environment, onEngine: node.isEngine)
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
    try plan.writeResults(result.response, ref: result.ref, quiet: mode == .quiet, warnings: sink.warnings, environment: environment)
    if let path = environment["KILN_DEBUG_FILESYNC_STATS"], !path.isEmpty {
      // For tests: what the file sync sent (entries, files with content, bytes).
      let counters = result.counters
      let text = "stats=\(counters.statsSent) files=\(counters.filesSent) bytes=\(counters.bytesSent)\n"
      try? Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
  }
}

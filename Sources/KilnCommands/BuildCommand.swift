import ArgumentParser
import Build
import BuildKit
import Foundation
import KilnCore
import Progress
import Synchronization
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
    let dialer = try await connection.dialer(environment: environment)
    let plan = try BuildPlan(flags: options.flags, contextPath: context, environment: environment, onEngine: dialer is DockerHijackDialer)
    // The engine's own `/session` endpoint, unless asked to use Control.Session
    // (which a standalone BuildKit needs and the engine also accepts).
    let engine = environment["KILN_SESSION_TRANSPORT"] == "control" ? nil : (dialer as? DockerHijackDialer)?.engine
    let mode = try plan.progressMode(environment: environment)
    let timeout = try connection.connectTimeout()
    var configured = BuildSession(
      name: plan.contextDirectory.split(separator: "/").last.map(String.init) ?? "context",
      sharedKey: BuildPlan.sharedKey(address: dialer.displayAddress, directory: plan.contextDirectory),
      directories: plan.localDirectories,
      output: plan.outputTarget
    )
    configured.secrets = plan.secrets
    configured.sshAgents = plan.sshAgents
    configured.environment = environment.values
    let session = configured
    let sink = ProgressSink(mode: mode, description: connection.address == nil && environment["BUILDKIT_HOST"] == nil ? "building with \"default\" instance using docker driver" : nil)
    let ref = BuildSession.randomID()
    let response: [String: String]
    do {
      response = try await InterruptCancellation.run {
        try await sink.printing {
          try await BuildKitClient.withConnection(to: dialer, timeout: timeout) { client in
            let exporterList = await client.supportsExporterList()
            let spec = SolveSpec(ref: ref, sessionID: session.id, frontendAttrs: plan.frontendAttrs, exports: plan.exports)
            let solve = { try await client.solve(spec, exporterList: exporterList) { update in sink.receive(update) } }
            if let engine { return try await session.serve(throughEngine: engine, timeout: timeout, solve) }
            return try await session.serve(through: client, solve)
          }
        }
      }
    } catch {
      sink.finish(failed: true)
      throw error
    }
    sink.finish(failed: false)
    try plan.writeResults(response, ref: ref, quiet: mode == .quiet)
    if let path = environment["KILN_DEBUG_FILESYNC_STATS"], !path.isEmpty {
      // For tests: what the file sync sent (entries, files with content, bytes).
      let text = "stats=\(session.counters.statsSent) files=\(session.counters.filesSent) bytes=\(session.counters.bytesSent)\n"
      try? Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
  }
}

/// Prints the status stream in the chosen `--progress` mode, on stderr as
/// buildx does. Plain text is printed in batches on a tick, as buildx's
/// printer does, so a step that starts and ends within one tick prints once.
final class ProgressSink: Sendable {
  private let mode: ProgressMode
  private let state: Mutex<(printer: PlainPrinter, pending: StatusUpdate)>
  static let tick = Duration.milliseconds(150)

  init(mode: ProgressMode, description: String?) {
    self.mode = mode
    self.state = Mutex((PlainPrinter(description: description), StatusUpdate()))
  }

  func receive(_ update: StatusUpdate) {
    switch mode {
    case .quiet: return
    case .rawjson: Self.write(RawJSONPrinter.line(update))
    case .auto, .tty, .plain:
      // Kiln has no live tty view yet: `auto` and `tty` print plain text.
      state.withLock { $0.pending = $0.pending.merging(update) }
    }
  }

  /// Prints what arrived since the last tick.
  func flush() {
    let text = state.withLock { state -> String in
      guard !state.pending.isEmpty else { return "" }
      defer { state.pending = StatusUpdate() }
      return state.printer.apply(state.pending)
    }
    if !text.isEmpty { Self.write(text) }
  }

  /// Runs `body` while printing on every tick; prints the rest at the end.
  func printing<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    defer { flush() }
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        while !Task.isCancelled {
          try? await Task.sleep(for: Self.tick)
          self.flush()
        }
      }
      defer { group.cancelAll() }
      return try await body()
    }
  }

  func finish(failed: Bool) {
    flush()
    guard failed, mode != .quiet, mode != .rawjson else { return }
    let summary = state.withLock { $0.printer.errorSummary() }
    if !summary.isEmpty { Self.write(summary) }
  }

  private static func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}

import Foundation
import Synchronization

/// Prints the status stream in the chosen `--progress` mode, on stderr as
/// buildx does. Plain text is printed in batches on a tick, as buildx's
/// printer does, so a step that starts and ends within one tick prints once;
/// the `tty` view is redrawn on every tick so its timers move.
public final class ProgressSink: Sendable {
  private struct State {
    var plain: PlainPrinter
    var tty: TTYPrinter
    var pending = StatusUpdate()
  }

  /// The mode in effect: `auto` becomes `tty` on a terminal, else `plain`.
  public let mode: ProgressMode
  private let state: Mutex<State>
  private let logSources = Mutex(LogSources())
  private let collectedWarnings = Mutex<[StatusUpdate.Warning]>([])
  private let colors: Bool
  public static let tick = Duration.milliseconds(150)

  /// `description` opens plain output (`#0 building with "default" instance using docker driver`);
  /// `consoleDescription` sits at the right of the tty header (`docker:default`).
  public init(mode: ProgressMode, description: String?, consoleDescription: String? = nil, environment: [String: String] = [:]) {
    self.mode = mode == .auto ? (Terminal.standardErrorIsTerminal ? .tty : .plain) : mode
    colors = Terminal.colorsEnabled(environment: environment)
    let tty = TTYPrinter(description: consoleDescription, colors: colors)
    self.state = Mutex(State(plain: PlainPrinter(description: description), tty: tty))
  }

  /// `source` names the build an update comes from when several share this display.
  public func receive(_ update: StatusUpdate, source: String? = nil) {
    var update = update
    if !update.warnings.isEmpty { collectedWarnings.withLock { $0 += update.warnings } }
    if let source { update = logSources.withLock { $0.filter(update, source: source) } }
    switch mode {
    case .quiet: return
    case .rawjson: Self.write(RawJSONPrinter.line(update))
    case .tty, .auto, .plain:
      let scoped = source.map { update.scoped(to: $0) } ?? update
      state.withLock { state in
        if mode == .tty { state.tty.apply(scoped) } else { state.pending = state.pending.merging(scoped) }
      }
    }
  }

  /// Prints what arrived since the last tick (plain) or redraws the view (tty).
  public func flush(final: Bool = false) {
    let text = state.withLock { state -> String in
      if mode == .tty {
        let size = Terminal.size()
        return state.tty.frame(width: size.width, height: size.height, final: final)
      }
      guard !state.pending.isEmpty else { return "" }
      defer { state.pending = StatusUpdate() }
      return state.plain.apply(state.pending)
    }
    if !text.isEmpty { Self.write(text) }
  }

  /// Runs `body` while printing on every tick; prints the rest at the end.
  public func printing<T: Sendable>(_ body: () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
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

  /// The last frame (every line, `FINISHED` when all is done) and, after a
  /// failure, the failing steps with their output.
  /// Then, as buildx's printer does on closing, the warnings the build gave.
  public func finish(failed: Bool) {
    guard mode != .quiet, mode != .rawjson else { return }
    flush(final: true)
    if failed, mode != .tty {
      let canceled = state.withLock { $0.plain.closeUnfinishedAsCanceled() }
      if !canceled.isEmpty { Self.write(canceled) }
    }
    if failed {
      let summary = state.withLock { mode == .tty ? $0.tty.errorSummary() : $0.plain.errorSummary() }
      if !summary.isEmpty { Self.write(summary) }
    }
    let warnings = WarningSummary.text(self.warnings, colors: colors)
    if !warnings.isEmpty { Self.write(warnings) }
  }

  /// Every warning received so far, once each (for the summary and `buildx.build.warnings`).
  public var warnings: [StatusUpdate.Warning] {
    WarningSummary.deduplicated(collectedWarnings.withLock { $0 })
  }

  private static func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}

public import Foundation
import Synchronization

/// Prints the status stream in the chosen `--progress` mode, on stderr as
/// buildx does. Plain text is printed in batches on a tick, as buildx's
/// printer does, so a step that starts and ends within one tick prints once.
public final class ProgressSink: Sendable {
  private let mode: ProgressMode
  private let state: Mutex<(printer: PlainPrinter, pending: StatusUpdate)>
  private let logSources = Mutex(LogSources())
  public static let tick = Duration.milliseconds(150)

  public init(mode: ProgressMode, description: String?) {
    self.mode = mode
    self.state = Mutex((PlainPrinter(description: description), StatusUpdate()))
  }

  /// `source` names the build an update comes from when several share this display.
  public func receive(_ update: StatusUpdate, source: String? = nil) {
    var update = update
    if let source { update = logSources.withLock { $0.filter(update, source: source) } }
    switch mode {
    case .quiet: return
    case .rawjson: Self.write(RawJSONPrinter.line(update))
    case .auto, .tty, .plain:
      // Kiln has no live tty view yet: `auto` and `tty` print plain text.
      let scoped = source.map { update.scoped(to: $0) } ?? update
      state.withLock { $0.pending = $0.pending.merging(scoped) }
    }
  }

  /// Prints what arrived since the last tick.
  public func flush() {
    let text = state.withLock { state -> String in
      guard !state.pending.isEmpty else { return "" }
      defer { state.pending = StatusUpdate() }
      return state.printer.apply(state.pending)
    }
    if !text.isEmpty { Self.write(text) }
  }

  /// Runs `body` while printing on every tick; prints the rest at the end.
  public func printing<T: Sendable>(_ body: () async throws -> T) async throws -> T {
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

  public func finish(failed: Bool) {
    flush()
    guard failed, mode != .quiet, mode != .rawjson else { return }
    let summary = state.withLock { $0.printer.errorSummary() }
    if !summary.isEmpty { Self.write(summary) }
  }

  private static func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}

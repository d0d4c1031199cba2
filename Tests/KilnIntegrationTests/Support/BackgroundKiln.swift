import Foundation
import Testing

/// A `kiln` run left going while the test acts on it (interrupts it, cuts
/// its daemon off): stderr goes to a file that is polled, stdout nowhere.
final class BackgroundKiln {
  let process = Process()
  let log: String
  private let handle: FileHandle

  init(_ args: [String], environment: [String: String], log: String) throws {
    self.log = log
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    process.executableURL = URL(fileURLWithPath: Kiln.binary)
    process.arguments = args
    process.environment = Kiln.baseEnvironment.merging(environment) { $1 }
    process.standardError = handle
    process.standardOutput = FileHandle.nullDevice
    try process.run()
  }

  deinit {
    // A test that stopped early (a failed #require) must not leave the run going.
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    try? handle.close()
  }

  var stderr: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

  /// Waits until stderr contains `text` (or the run ends, or `limit` passes); whether it does.
  func waitFor(_ text: String, limit: Duration = .seconds(60)) -> Bool {
    let started = ContinuousClock.now
    while process.isRunning, ContinuousClock.now - started < limit, !stderr.contains(text) { usleep(50_000) }
    return stderr.contains(text)
  }

  /// Waits up to `limit` for the run to end; whether it ended in time. A run
  /// still going then is killed (SIGKILL: children of the test runner may
  /// have SIGTERM blocked), so the test never waits on it.
  func endsWithin(_ limit: Duration) -> Bool {
    let started = ContinuousClock.now
    while process.isRunning, ContinuousClock.now - started < limit { usleep(50_000) }
    let ended = !process.isRunning
    if !ended { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return ended
  }
}

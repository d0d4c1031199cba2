import Dispatch
import Foundation
import KilnCore

/// Runs `body`, cancelling it when the user presses Ctrl-C (SIGINT), the
/// process gets SIGTERM, or (run as a Docker CLI plugin) the CLI closes its
/// plugin socket, so a solve is cancelled on the daemon and Kiln exits
/// promptly with an error instead of dying mid-write.
enum InterruptCancellation {
  static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
      group.addTask { try await body() }
      if let address = ProcessInfo.processInfo.environment[PluginSocket.environmentKey], !address.isEmpty {
        group.addTask {
          // Not reachable (or cancelled): no result, the other tasks decide.
          guard await PluginSocket.waitForClose(address) else { return nil }
          var canceled = KilnError(.daemon, "build canceled (the docker CLI stopped the plugin)")
          canceled.exitStatus = 130
          throw canceled
        }
      }
      group.addTask {
        let signal = await waitForSignal()
        var canceled = KilnError(.daemon, "build canceled (\(signal == SIGINT ? "interrupt" : "terminated"))")
        canceled.exitStatus = 130  // buildx's status for a cancelled build
        throw canceled
      }
      defer { group.cancelAll() }
      while let result = try await group.next() {
        if let result { return result }
      }
      throw CancellationError()
    }
  }

  /// Suspends until SIGINT or SIGTERM arrives, or the task is cancelled (returns 0 then).
  private static func waitForSignal() async -> Int32 {
    let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
      Foundation.signal(number, SIG_IGN)
      return DispatchSource.makeSignalSource(signal: number, queue: .global())
    }
    defer {
      for source in sources { source.cancel() }
      for number in [SIGINT, SIGTERM] { Foundation.signal(number, SIG_DFL) }
    }
    let box = SignalBox()
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
        box.set(continuation)
        for (source, number) in zip(sources, [SIGINT, SIGTERM]) {
          source.setEventHandler { box.resume(number) }
          source.resume()
        }
      }
    } onCancel: {
      box.resume(0)
    }
  }
}

/// Resumes a continuation once, from whichever of signal or cancellation comes first.
private final class SignalBox: @unchecked Sendable {
  private let lock = NSLock()
  private var continuation: CheckedContinuation<Int32, Never>?
  private var early: Int32?

  func set(_ c: CheckedContinuation<Int32, Never>) {
    lock.lock()
    if let early {
      lock.unlock()
      c.resume(returning: early)
      return
    }
    continuation = c
    lock.unlock()
  }

  func resume(_ value: Int32) {
    lock.lock()
    let c = continuation
    continuation = nil
    if c == nil, early == nil { early = value }
    lock.unlock()
    c?.resume(returning: value)
  }
}

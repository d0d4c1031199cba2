import Foundation
import KilnCore
import NIOCore
import NIOPosix
import Synchronization

/// Runs a helper process whose stdin and stdout are the stream: the base of
/// `docker-container://`, `ssh://`, `kube-pod://` and the other connection
/// helpers (`docker exec -i NAME buildctl dial-stdio` and the like).
///
/// The process is stopped and reaped when the channel closes; its stderr is
/// kept (the last few KiB) to explain a failure.
public struct ProcessDialer: StreamDialer {
  public let executable: String
  public let arguments: [String]
  public let environment: [String: String]?
  public let displayAddress: String

  public init(executable: String, arguments: [String], environment: [String: String]? = nil, displayAddress: String? = nil) {
    self.executable = executable
    self.arguments = arguments
    self.environment = environment
    self.displayAddress = displayAddress ?? ([executable] + arguments).joined(separator: " ")
  }

  public func dial(timeout: Duration) async throws -> DialedStream {
    guard let path = ExecutableLookup.find(executable, environment: environment ?? ProcessInfo.processInfo.environment) else {
      throw KilnError(.process, "cannot connect to \(displayAddress): \(executable) not found in PATH")
    }
    let child = ChildProcess(path: path, arguments: arguments, environment: environment)
    let (input, output) = try child.start(displayAddress: displayAddress)
    let channel: any Channel
    do {
      channel = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(PendingBytesHandler(), name: PendingBytesHandler.name)
          }
        }
        .takingOwnershipOfDescriptors(input: output, output: input)
        .get()
    } catch {
      close(input)
      close(output)
      child.stop()
      throw KilnError(.process, "cannot connect to \(displayAddress)", underlying: error)
    }
    channel.closeFuture.whenComplete { _ in child.stop() }
    return DialedStream(channel: channel, displayAddress: displayAddress, failureDetail: { child.failureDetail })
  }
}

/// One helper process: its pipes, its stderr tail and its reaping.
/// `Process` is only touched through members that are safe from any thread
/// (`isRunning`, `terminate`, the termination status) once it has started.
final class ChildProcess: @unchecked Sendable {
  private let process: Process
  private let stderrTail = Mutex<[UInt8]>([])
  private let stderrClosed = Mutex(false)
  private static let tailLimit = 4096

  init(path: String, arguments: [String], environment: [String: String]?) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let environment { process.environment = environment }
    self.process = process
  }

  /// Starts the process; returns our ends as (write to its stdin, read from its stdout), owned by the caller.
  func start(displayAddress: String) throws -> (input: CInt, output: CInt) {
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    // The handler holds `self` until end-of-file, when it is cleared.
    stderr.fileHandleForReading.readabilityHandler = { handle in
      let data = handle.availableData
      if data.isEmpty {
        handle.readabilityHandler = nil
        self.stderrClosed.withLock { $0 = true }
        return
      }
      self.appendStderr(data)
    }
    do {
      try process.run()
    } catch {
      throw KilnError(.process, "cannot connect to \(displayAddress): cannot start \(process.executableURL?.path ?? "helper")", underlying: error)
    }
    // NIO owns duplicates of our ends; the originals and the child's ends are closed here
    // so that the child's exit is seen as end-of-file.
    let input = dup(stdin.fileHandleForWriting.fileDescriptor)
    let output = dup(stdout.fileHandleForReading.fileDescriptor)
    try? stdin.fileHandleForWriting.close()
    try? stdin.fileHandleForReading.close()
    try? stdout.fileHandleForReading.close()
    try? stdout.fileHandleForWriting.close()
    try? stderr.fileHandleForWriting.close()
    guard input >= 0, output >= 0 else {
      stop()
      throw KilnError(.process, "cannot connect to \(displayAddress): out of file descriptors")
    }
    return (input, output)
  }

  private func appendStderr(_ data: Data) {
    stderrTail.withLock { tail in
      tail.append(contentsOf: data)
      if tail.count > Self.tailLimit { tail.removeFirst(tail.count - Self.tailLimit) }
    }
  }

  /// Asks the process to end (it may already have); Foundation reaps it.
  func stop() {
    if process.isRunning { process.terminate() }
  }

  /// The end of the helper's stderr and its exit status, if it has exited.
  var failureDetail: String? {
    // A helper that failed has usually just exited; give its last words a moment to arrive.
    for _ in 0..<50 where !(stderrClosed.withLock { $0 }) {
      usleep(10_000)
    }
    if process.isRunning { usleep(20_000) }
    let text = stderrTail.withLock { String(decoding: $0, as: UTF8.self) }
      .trimmingCharacters(in: .whitespacesAndNewlines)
    var parts: [String] = []
    if !text.isEmpty { parts.append(text) }
    if !process.isRunning, process.terminationReason == .exit, process.terminationStatus != 0 {
      parts.append("exit status \(process.terminationStatus)")
    }
    return parts.isEmpty ? nil : parts.joined(separator: "; ")
  }
}

/// `PATH` lookup the way a shell does it, for helper commands like `docker`.
public enum ExecutableLookup {
  public static func find(_ name: String, environment: [String: String]) -> String? {
    if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
    let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for dir in path.split(separator: ":") where !dir.isEmpty {
      let candidate = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}

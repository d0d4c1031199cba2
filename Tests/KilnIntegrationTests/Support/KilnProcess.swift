import Foundation
import Testing

/// The result of running the `kiln` binary once.
struct KilnResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs the `kiln` executable that SwiftPM built beside the test bundle,
/// the way a user would, with a controlled environment.
enum Kiln {
  static var binary: String {
    let bundle = Bundle.main.bundleURL.deletingLastPathComponent()
    for candidate in [bundle.appendingPathComponent("kiln").path, ProcessInfo.processInfo.environment["KILN_BINARY"] ?? ""]
    where FileManager.default.isExecutableFile(atPath: candidate) {
      return candidate
    }
    // `swift test` runs the bundle from the build directory.
    return FileManager.default.currentDirectoryPath + "/.build/debug/kiln"
  }

  /// Runs `kiln args` with `environment` added to a minimal base environment
  /// (PATH and HOME only, so the developer's own Docker settings never leak in).
  static func run(_ args: [String], environment: [String: String] = [:], stdin: Data? = nil, limit: Duration = .seconds(120)) throws -> KilnResult {
    try ProcessRunner.run(binary, args, environment: baseEnvironment.merging(environment) { $1 }, stdin: stdin, limit: limit)
  }

  static var baseEnvironment: [String: String] {
    let env = ProcessInfo.processInfo.environment
    return ["PATH": env["PATH"] ?? "/usr/bin:/bin", "HOME": TestDirectory.home]
  }
}

/// Runs a process to completion, capturing its output; kills it past `limit`.
enum ProcessRunner {
  static func run(_ executable: String, _ args: [String], environment: [String: String]? = nil, stdin: Data? = nil, limit: Duration = .seconds(120)) throws -> KilnResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = args
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    let outData = OutputCollector(out.fileHandleForReading)
    let errData = OutputCollector(err.fileHandleForReading)
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try? input.fileHandleForWriting.close()
    let deadline = ContinuousClock.now + limit
    while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
      Issue.record("\(executable) \(args.joined(separator: " ")) did not finish within \(limit)")
    }
    process.waitUntilExit()
    return KilnResult(status: process.terminationStatus, stdout: outData.finish(), stderr: errData.finish())
  }
}

/// Drains a pipe on a background thread so a chatty child never blocks on a full pipe.
final class OutputCollector: @unchecked Sendable {
  private let handle: FileHandle
  private let lock = NSLock()
  private var data = Data()
  private let done = DispatchSemaphore(value: 0)

  init(_ handle: FileHandle) {
    self.handle = handle
    Thread.detachNewThread { [self] in
      while true {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        lock.lock()
        data.append(chunk)
        lock.unlock()
      }
      done.signal()
    }
  }

  /// The output so far once the pipe closes, or after `grace` if another
  /// process still holds its write end (a daemon a parallel test started).
  func finish(grace: Double = 10) -> String {
    _ = done.wait(timeout: .now() + grace)
    lock.lock()
    defer { lock.unlock() }
    return String(decoding: data, as: UTF8.self)
  }
}

/// Per-run scratch space under the system temp directory.
enum TestDirectory {
  static let root: String = {
    let path = NSTemporaryDirectory() + "kiln-tests-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }()

  static var home: String {
    let path = root + "/home"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func make(_ name: String) -> String {
    let path = root + "/" + name + "-" + UUID().uuidString.prefix(8)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}

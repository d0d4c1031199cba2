import KilnCore

/// Running a command in a container and collecting its output.
extension DockerEngine {
  public struct ExecResult: Sendable {
    public var exitCode: Int
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
  }

  /// Runs `command` in the running container `name` without a TTY or stdin
  /// and waits for it to end (readiness probes, `buildkitd --version`).
  public func exec(_ name: String, _ command: [String]) async throws -> ExecResult {
    struct Create: Encodable {
      var AttachStdin = false
      var AttachStdout = true
      var AttachStderr = true
      var Tty = false
      var Cmd: [String]
    }
    struct Created: Decodable { var Id: String }
    struct Start: Encodable {
      var Detach = false
      var Tty = false
    }
    struct Inspect: Decodable {
      var ExitCode: Int?
      var Running: Bool
    }
    let id = try await call("POST", "/containers/\(Self.pathComponent(name))/exec", json: Create(Cmd: command), as: Created.self).Id
    // Without an Upgrade header the engine answers 200 and streams the
    // multiplexed output until the command ends, then closes.
    let started = try await call("POST", "/exec/\(id)/start", body: Array(try JSONEncoder().encode(Start())))
    let (stdout, stderr) = Self.demultiplex(started.body)
    var inspect = try await call("GET", "/exec/\(id)/json", as: Inspect.self)
    // The exit code is recorded just after the stream ends.
    var tries = 0
    while inspect.Running && tries < 50 {
      try await Task.sleep(for: .milliseconds(20))
      inspect = try await call("GET", "/exec/\(id)/json", as: Inspect.self)
      tries += 1
    }
    return ExecResult(exitCode: inspect.ExitCode ?? -1, stdout: stdout, stderr: stderr)
  }

  /// Splits the engine's multiplexed stream (8-byte headers: stream, 0, 0, 0,
  /// big-endian length) into stdout and stderr.
  static func demultiplex(_ bytes: [UInt8]) -> (stdout: [UInt8], stderr: [UInt8]) {
    var stdout: [UInt8] = [], stderr: [UInt8] = []
    var index = 0
    while index + 8 <= bytes.count {
      let stream = bytes[index]
      let length = bytes[(index + 4)..<(index + 8)].reduce(0) { $0 << 8 | Int($1) }
      let start = index + 8
      let end = min(start + length, bytes.count)
      if stream == 2 { stderr += bytes[start..<end] } else { stdout += bytes[start..<end] }
      index = end
    }
    return (stdout, stderr)
  }
}

import Foundation

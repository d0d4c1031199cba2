import Foundation
import Testing

/// The process-stdio transport: a helper command whose stdin and stdout are
/// the stream. Stand-ins on PATH record their arguments and pipe to the
/// private engine with socat, so the real child, pipes and reaping are used.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct ProcessTransportTests {
  /// Writes an executable `name` into a fresh directory and returns (dir, argument log path).
  private func standIn(_ name: String, body: String) throws -> (dir: String, log: String) {
    let dir = TestDirectory.make("bin")
    let log = dir + "/args.log"
    let script = "#!/bin/sh\nprintf '%s\\n' \"$@\" > '\(log)'\n\(body)\n"
    try script.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir + "/" + name)
    return (dir, log)
  }

  private func path(with dir: String) -> String {
    dir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
  }

  @Test func dockerHostOverSSHRunsDialStdioAndUpgrades() throws {
    let socket = try TestEngine.socketPath()
    let (dir, log) = try standIn("ssh", body: "exec socat STDIO UNIX-CONNECT:\(socket)")
    let result = try Kiln.run(["debug", "workers"], environment: ["DOCKER_HOST": "ssh://builder@build-host:2222", "PATH": path(with: dir)])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("ID\tPLATFORMS\n"))
    let args = try String(contentsOfFile: log, encoding: .utf8)
    #expect(args == "-l\nbuilder\n-p\n2222\n--\nbuild-host\ndocker\nsystem\ndial-stdio\n")
  }

  @Test func helperFailureIsExplainedWithItsStderr() throws {
    let (dir, log) = try standIn("docker", body: "echo 'Error: No such container: ghost' >&2; exit 1")
    let result = try Kiln.run(["du", "--timeout", "10s", "--addr", "docker-container://ghost"], environment: ["PATH": path(with: dir)], limit: .seconds(60))
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("ERROR: cannot connect to docker-container://ghost: "), "\(result.stderr)")
    #expect(result.stderr.contains("Error: No such container: ghost"), "\(result.stderr)")
    #expect(try String(contentsOfFile: log, encoding: .utf8) == "exec\n-i\nghost\nbuildctl\ndial-stdio\n")
  }

  @Test func missingHelperIsNamed() throws {
    let result = try Kiln.run(["du", "--addr", "podman-container://bk"], environment: ["PATH": TestDirectory.make("empty")])
    #expect(result.status == 1)
    #expect(result.stderr == "ERROR: cannot connect to podman-container://bk: podman not found in PATH\n")
  }
}

import Foundation
import Testing

/// The engine reached over a real SSH connection: `DOCKER_HOST=ssh://…`
/// runs `docker system dial-stdio` on the far side through real `ssh` and
/// `sshd`, and Kiln upgrades that stream to the engine's BuildKit.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct SSHTransportTests {
  @Test func dockerHostOverRealSSH() throws {
    let server = try SSHServer(engineSocket: try TestEngine.socketPath())
    let result = try Kiln.run(["debug", "workers"], environment: ["DOCKER_HOST": "ssh://root@127.0.0.1:\(server.port)", "PATH": server.path], limit: .seconds(60))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("ID\tPLATFORMS\n"))
  }

  @Test func refusedKeyIsReportedWithSSHWords() throws {
    let server = try SSHServer(engineSocket: try TestEngine.socketPath())
    try "".write(toFile: server.dir + "/authorized_keys", atomically: true, encoding: .utf8)
    let result = try Kiln.run(["du", "--timeout", "10s"], environment: ["DOCKER_HOST": "ssh://root@127.0.0.1:\(server.port)", "PATH": server.path], limit: .seconds(60))
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("ERROR: "), "\(result.stderr)")
    #expect(result.stderr.contains("Permission denied"), "\(result.stderr)")
    #expect(result.stderr.contains("ssh://root@127.0.0.1:\(server.port)"), "\(result.stderr)")
  }
}

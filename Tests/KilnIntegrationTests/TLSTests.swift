import Foundation
import Testing

/// The TLS transport against a real TLS server: socat, with certificates the
/// test makes, in front of the engine socket, reached as a Docker host over
/// TLS (`DOCKER_HOST=tcp://…`, `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`).
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"), .serialized)
final class TLSTests {
  let certs: String
  let port: Int
  let pidFile: String

  init() throws {
    let socket = try TestEngine.socketPath()
    certs = TestDirectory.make("pki")
    let made = try ProcessRunner.run("/bin/bash", [TestEngine.script("make-certs"), certs])
    try #require(made.status == 0, "make-certs failed: \(made.stderr)")
    port = try SilentServer.unusedPort()
    pidFile = certs + "/proxy.pid"
    let started = try ProcessRunner.run("/bin/bash", [TestEngine.script("tls-proxy"), "start", String(port), socket, certs, pidFile])
    try #require(started.status == 0, "tls-proxy failed: \(started.stderr)")
  }

  deinit {
    _ = try? ProcessRunner.run("/bin/bash", [TestEngine.script("tls-proxy"), "stop", pidFile])
  }

  var dockerTLS: [String: String] {
    ["DOCKER_HOST": "tcp://127.0.0.1:\(port)", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certs + "/docker"]
  }

  @Test func dockerHostOverMutualTLS() throws {
    let result = try Kiln.run(["debug", "workers"], environment: dockerTLS)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("ID\tPLATFORMS\n"))
  }

  @Test func dockerAddressWithBuildctlTLSFlags() throws {
    let result = try Kiln.run([
      "du", "--addr", "docker://tcp://localhost:\(port)",
      "--tlscacert", certs + "/ca.pem", "--tlscert", certs + "/client-cert.pem", "--tlskey", certs + "/client-key.pem",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("Total:"))
  }

  @Test func wrongCertificateAuthorityIsRefused() throws {
    let result = try Kiln.run([
      "du", "--addr", "docker://tcp://127.0.0.1:\(port)",
      "--tlscacert", certs + "/other-ca.pem", "--tlscert", certs + "/client-cert.pem", "--tlskey", certs + "/client-key.pem",
    ])
    #expect(result.status == 1)
    #expect(result.stderr == "ERROR: cannot connect to tcp://127.0.0.1:\(port): TLS handshake failed: certificate verify failed\n")
  }

  @Test func missingClientCertificateIsRefused() throws {
    let result = try Kiln.run(["du", "--addr", "docker://tcp://127.0.0.1:\(port)", "--tlscacert", certs + "/ca.pem"], limit: .seconds(60))
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("ERROR: cannot reach BuildKit through docker engine at tcp://127.0.0.1:\(port): "), "\(result.stderr)")
    #expect(result.stderr.contains("certificate required") || result.stderr.contains("handshake failure"), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test func clientCertificateFromAnotherAuthorityIsRefused() throws {
    let result = try Kiln.run([
      "du", "--addr", "docker://tcp://127.0.0.1:\(port)",
      "--tlscacert", certs + "/ca.pem", "--tlscert", certs + "/other-client-cert.pem", "--tlskey", certs + "/other-client-key.pem",
    ])
    #expect(result.status == 1)
    #expect(result.stderr.contains("tcp://127.0.0.1:\(port)"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test func unreadableCertificateFileIsNamed() throws {
    let result = try Kiln.run(["du", "--addr", "docker://tcp://127.0.0.1:\(port)", "--tlscacert", certs + "/nope.pem"])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("ERROR: cannot load CA certificate \(certs)/nope.pem"), "\(result.stderr)")
  }
}

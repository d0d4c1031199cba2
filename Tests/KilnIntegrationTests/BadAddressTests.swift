import Foundation
import Testing

/// Addresses that cannot work give one clear line, exit status 1, and never hang.
struct BadAddressTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var address: String
    var expected: String
    var testDescription: String { address }
  }

  @Test(arguments: [
    Case(address: "foo://x", expected: "ERROR: unsupported address foo://x: scheme foo is not one of unix, tcp, docker, docker-container, podman-container, nerdctl-container, kube-pod, kubepod, ssh, buildx\n"),
    Case(address: "tcp://", expected: "ERROR: invalid address tcp://: no host\n"),
    Case(address: "tcp://localhost", expected: "ERROR: invalid address tcp://localhost: no port\n"),
    Case(address: "tcp://127.0.0.1:99999", expected: "ERROR: invalid address tcp://127.0.0.1:99999: bad port \"99999\"\n"),
    Case(address: "no-scheme", expected: "ERROR: invalid address no-scheme: expected SCHEME://..., with SCHEME one of unix, tcp, docker, docker-container, podman-container, nerdctl-container, kube-pod, kubepod, ssh, buildx\n"),
    Case(address: "unix://", expected: "ERROR: invalid address unix://: no socket path\n"),
    Case(address: "docker-container://", expected: "ERROR: invalid address docker-container://: no container name\n"),
    Case(address: "kube-pod://Bad_Pod", expected: "ERROR: invalid address kube-pod://Bad_Pod: unsupported pod name \"Bad_Pod\"\n"),
  ])
  func malformedAddress(_ c: Case) throws {
    let result = try Kiln.run(["debug", "workers", "--addr", c.address])
    #expect(result.status == 1)
    #expect(result.stderr == c.expected)
    #expect(result.stdout.isEmpty)
  }

  @Test func missingSocket() throws {
    let path = TestDirectory.make("nosock") + "/missing.sock"
    let result = try Kiln.run(["du", "--addr", "unix://\(path)"])
    #expect(result.status == 1)
    #expect(result.stderr == "ERROR: cannot connect to unix://\(path): No such file or directory\n")
  }

  @Test func missingEngineSocket() throws {
    let path = TestDirectory.make("nosock") + "/docker.sock"
    let result = try Kiln.run(["du"], environment: ["DOCKER_HOST": "unix://\(path)"])
    #expect(result.status == 1)
    // Nothing was chosen, so detection tried the engine, then buildkitd's socket, and names both.
    #expect(result.stderr.hasPrefix("ERROR: no BuildKit found (no --addr, --builder, BUILDKIT_HOST, BUILDX_BUILDER or current builder); tried "), "\(result.stderr)")
    #expect(result.stderr.contains("(DOCKER_HOST=unix://\(path)): cannot connect to unix://\(path): No such file or directory; buildkitd's default socket: "), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test func refusedPort() throws {
    let port = try SilentServer.unusedPort()
    let result = try Kiln.run(["du", "--addr", "tcp://127.0.0.1:\(port)"])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("ERROR: cannot connect to tcp://127.0.0.1:\(port): "))
    #expect(result.stderr.contains("Connection refused"))
  }

  @Test func hangingTCPServerTimesOut() throws {
    let server = try SilentServer.tcp()
    defer { server.close() }
    let start = ContinuousClock.now
    let result = try Kiln.run(["debug", "workers", "--timeout", "2s", "--addr", "tcp://127.0.0.1:\(server.port)"], limit: .seconds(30))
    #expect(result.status == 1)
    #expect(result.stderr == "ERROR: cannot connect to tcp://127.0.0.1:\(server.port): no answer from BuildKit within 2s\n")
    // Not a performance check: proof that the timeout, not the test's limit, ended it.
    #expect(ContinuousClock.now - start < .seconds(25))
  }

  @Test func hangingEngineSocketTimesOut() throws {
    let server = try SilentServer.unix(path: TestDirectory.make("hang") + "/docker.sock")
    defer { server.close() }
    let result = try Kiln.run(["du", "--timeout", "2s"], environment: ["DOCKER_HOST": "unix://\(server.path)"], limit: .seconds(30))
    #expect(result.status == 1)
    #expect(result.stderr.contains("(DOCKER_HOST=unix://\(server.path)): cannot reach BuildKit through docker engine at unix://\(server.path): the engine's HTTP upgrade timed out after 2s; "), "\(result.stderr)")
  }

  @Test func notAnEngine() throws {
    // A server that answers with something that is not HTTP.
    let server = try SilentServer.tcp(greeting: "SSH-2.0-OpenSSH_9.2\r\n")
    defer { server.close() }
    let result = try Kiln.run(["du", "--timeout", "5s", "--addr", "docker://127.0.0.1:\(server.port)"], limit: .seconds(30))
    #expect(result.status == 1)
    #expect(result.stderr.contains("does not speak HTTP"), "\(result.stderr)")
  }

  @Test func badTimeoutValue() throws {
    let result = try Kiln.run(["du", "--timeout", "soon", "--addr", "unix:///x"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("invalid duration \"soon\" for --timeout"))
  }
}

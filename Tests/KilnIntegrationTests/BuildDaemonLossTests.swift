import Foundation
import Testing

/// A BuildKit that goes away mid-build: Kiln exits promptly with a clear
/// error and a non-zero status, never hangs. The daemon is the engine's,
/// reached through a socat relay (`--addr unix://...`, the standalone path
/// with `Control.Session`); killing the relay and its connections cuts
/// Kiln off exactly as a dying daemon would.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildDaemonLossTests {
  @Test func connectionLostDuringARun() throws {
    let dir = try BuildIntegrationTests.context("build-daemon-loss", [
      "Dockerfile": "FROM \(BuildIntegrationTests.base)\nRUN echo started-\(BuildIntegrationTests.unique()) && sleep 120\n"
    ])
    let engine = ["DOCKER_HOST": "unix://\(try TestEngine.socketPath())"]
    let socket = dir + "-relay.sock"
    let relay = try Relay.start(listen: "UNIX-LISTEN:\(socket),fork", environment: engine)
    defer { relay.stopWithConnections() }
    try relay.waitFor(path: socket)

    let kiln = try BackgroundKiln(["build", "--progress=plain", "--addr", "unix://\(socket)", dir], environment: engine, log: dir + "-stderr.log")
    try #require(kiln.waitFor("started-"), "the RUN step never started: \(kiln.stderr)")
    relay.stopWithConnections()
    #expect(kiln.endsWithin(.seconds(15)), "kiln did not exit within 15s of losing the daemon: \(kiln.stderr)")
    #expect(kiln.process.terminationStatus == 1)
    #expect(kiln.stderr.contains("ERROR: failed to solve: lost the connection to BuildKit at unix://\(socket)"), "\(kiln.stderr)")
  }
}

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

    let process = Process()
    process.executableURL = URL(fileURLWithPath: Kiln.binary)
    process.arguments = ["build", "--progress=plain", "--addr", "unix://\(socket)", dir]
    process.environment = Kiln.baseEnvironment.merging(engine) { $1 }
    // stderr to a file, polled to see when the RUN step runs.
    let log = dir + "-stderr.log"
    FileManager.default.createFile(atPath: log, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    defer { try? handle.close() }
    process.standardError = handle
    process.standardOutput = FileHandle.nullDevice
    let output = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    try process.run()
    let started = ContinuousClock.now
    while process.isRunning, ContinuousClock.now - started < .seconds(60), !output().contains("started-") { usleep(50_000) }
    try #require(output().contains("started-"), "the RUN step never started: \(output())")

    relay.stopWithConnections()
    let cut = ContinuousClock.now
    while process.isRunning, ContinuousClock.now - cut < .seconds(15) { usleep(50_000) }
    let prompt = !process.isRunning
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    #expect(prompt, "kiln did not exit within 15s of losing the daemon: \(output())")
    #expect(process.terminationStatus == 1)
    #expect(output().contains("ERROR: failed to solve: lost the connection to BuildKit at unix://\(socket)"), "\(output())")
  }
}

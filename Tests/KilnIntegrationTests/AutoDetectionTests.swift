import Foundation
import Testing

/// Which BuildKit Kiln uses when nothing chose one: the Docker Engine's
/// (`DOCKER_HOST`, `DOCKER_CONTEXT`, the current context), then buildkitd's
/// default socket, with one error naming each when none answers; and that
/// choices (`BUILDKIT_HOST`, the builder selected with `use`) never fall back.
/// Serialized: one test serves /run/buildkit/buildkitd.sock, which another
/// expects to be absent.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"), .serialized)
struct AutoDetectionTests {
  static let defaultSocket = "/run/buildkit/buildkitd.sock"

  /// An empty store and Docker config; no Docker or BuildKit variable unless a test adds one.
  struct Scene {
    let root = TestDirectory.make("detect")
    var dead: String { "unix://" + root + "/dead.sock" }
    var environment: [String: String] { ["BUILDX_CONFIG": root + "/buildx", "DOCKER_CONFIG": root + "/docker"] }
    func kiln(_ args: [String], _ extra: [String: String] = [:]) throws -> KilnResult {
      try Kiln.run(args, environment: environment.merging(extra) { $1 }, limit: .seconds(60))
    }
    /// Debian's Docker CLI, on this scene's config: makes contexts the way users do.
    func docker(_ args: [String]) throws -> KilnResult {
      try ProcessRunner.run("/usr/bin/docker", args, environment: Kiln.baseEnvironment.merging(environment) { $1 })
    }
  }

  static func expectEngineWorkers(_ result: KilnResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdout.hasPrefix("ID\tPLATFORMS\nmoby\t"), "\(result.stdout)", sourceLocation: sourceLocation)
  }

  @Test func engineFromDockerHost() throws {
    let scene = Scene()
    Self.expectEngineWorkers(try scene.kiln(["debug", "workers"], ["DOCKER_HOST": try #require(TestEngine.dockerHost)]))
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/docker"), "needs Debian's docker client"))
  func engineFromDockerContextThenCurrentContext() throws {
    let scene = Scene()
    let made = try scene.docker(["context", "create", "eng", "--docker", "host=\(try #require(TestEngine.dockerHost))"])
    try #require(made.status == 0, "docker context create: \(made.stderr)")
    Self.expectEngineWorkers(try scene.kiln(["debug", "workers"], ["DOCKER_CONTEXT": "eng"]))
    let use = try scene.docker(["context", "use", "eng"])
    try #require(use.status == 0, "docker context use: \(use.stderr)")
    Self.expectEngineWorkers(try scene.kiln(["debug", "workers"]))
    // A context that is not there is one of the reasons listed.
    let ghost = try scene.kiln(["du"], ["DOCKER_CONTEXT": "ghost"])
    #expect(ghost.status == 1)
    #expect(ghost.stderr.contains("tried the Docker Engine's BuildKit (DOCKER_CONTEXT=ghost): Docker context ghost not found"), "\(ghost.stderr)")
  }

  @Test func combinedErrorNamesEveryCandidate() throws {
    let scene = Scene()
    let result = try scene.kiln(["debug", "workers"], ["DOCKER_HOST": scene.dead])
    #expect(result.status == 1)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("ERROR: no BuildKit found (no --addr, --builder, BUILDKIT_HOST, BUILDX_BUILDER or current builder); tried "), "\(result.stderr)")
    #expect(result.stderr.contains("the Docker Engine's BuildKit (DOCKER_HOST=\(scene.dead)): cannot connect to \(scene.dead): No such file or directory; "), "\(result.stderr)")
    if !FileManager.default.fileExists(atPath: Self.defaultSocket) {
      #expect(result.stderr.hasSuffix("buildkitd's default socket: cannot connect to unix://\(Self.defaultSocket): No such file or directory\n"), "\(result.stderr)")
    }
  }

  @Test(.enabled(if: getuid() == 0 && !FileManager.default.fileExists(atPath: defaultSocket), "needs root and a free /run/buildkit/buildkitd.sock"))
  func defaultSocketWhenTheEngineIsGone() throws {
    let scene = Scene()
    let createdDirectory = !FileManager.default.fileExists(atPath: "/run/buildkit")
    try FileManager.default.createDirectory(atPath: "/run/buildkit", withIntermediateDirectories: true)
    // buildkitd's socket, served by `kiln dial-stdio` to the engine's BuildKit.
    let relay = try Relay.start(listen: "UNIX-LISTEN:\(Self.defaultSocket),fork", environment: scene.environment.merging(["DOCKER_HOST": try #require(TestEngine.dockerHost)]) { $1 })
    defer {
      relay.stop()
      try? FileManager.default.removeItem(atPath: Self.defaultSocket)
      if createdDirectory { try? FileManager.default.removeItem(atPath: "/run/buildkit") }
    }
    try relay.waitFor(path: Self.defaultSocket)
    Self.expectEngineWorkers(try scene.kiln(["debug", "workers"], ["DOCKER_HOST": scene.dead]))
  }

  @Test func choicesDoNotFallBack() throws {
    let scene = Scene()
    let engine = try #require(TestEngine.dockerHost)
    let host = try scene.kiln(["debug", "workers"], ["DOCKER_HOST": engine, "BUILDKIT_HOST": scene.dead])
    #expect(host.status == 1)
    #expect(host.stderr == "ERROR: cannot connect to \(scene.dead): No such file or directory\n", "\(host.stderr)")

    // A builder selected with `use` is used even though the engine would answer.
    #expect(try scene.kiln(["create", "--name", "gone", "--driver", "remote", "--use", scene.dead], ["DOCKER_HOST": engine]).status == 0)
    let selected = try scene.kiln(["debug", "workers"], ["DOCKER_HOST": engine])
    #expect(selected.status == 1)
    #expect(selected.stderr == "ERROR: cannot connect to \(scene.dead): No such file or directory\n", "\(selected.stderr)")
  }

  @Test func selectedBuilderWhenTheEngineIsGone() throws {
    let scene = Scene()
    let engine = try #require(TestEngine.dockerHost)
    let create = try scene.kiln(["create", "--name", "far", "--driver", "remote", "--use", "docker://" + engine], ["DOCKER_HOST": scene.dead])
    #expect(create.status == 0, "\(create.stderr)")
    Self.expectEngineWorkers(try scene.kiln(["debug", "workers"], ["DOCKER_HOST": scene.dead]))
    // Another Docker endpoint has no selection: back to detection, which fails there.
    let other = try scene.kiln(["debug", "workers"], ["DOCKER_HOST": scene.dead + "2"])
    #expect(other.stderr.hasPrefix("ERROR: no BuildKit found"), "\(other.stderr)")
  }
}

/// socat serving `kiln dial-stdio --builder default` (the engine's BuildKit) on `listen`.
struct Relay {
  let process: Process

  static func start(listen: String, environment: [String: String]) throws -> Relay {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
    process.arguments = [listen, "EXEC:\(Kiln.binary) dial-stdio --builder default"]
    process.environment = Kiln.baseEnvironment.merging(environment) { $1 }
    // Not the test's own output: a relay left running would keep `swift test` waiting on it.
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return Relay(process: process)
  }

  func waitFor(path: String) throws {
    for _ in 0..<100 where !FileManager.default.fileExists(atPath: path) { usleep(20_000) }
    try #require(FileManager.default.fileExists(atPath: path), "socat did not listen on \(path)")
  }

  func stop() {
    // SIGKILL: the test runner's blocked signal mask is inherited, so socat never sees SIGTERM.
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  /// Kills the relay and the connections it forked (each holding one client's socket), as if the daemon died.
  func stopWithConnections() {
    let parent = process.processIdentifier
    let children = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry -> Int32? in
      guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return nil }
      // Fields after "(comm)": state, then the parent's pid.
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      return fields.count > 1 && Int32(fields[1]) == parent ? pid : nil
    }
    for child in children { kill(child, SIGKILL) }
    stop()
  }
}

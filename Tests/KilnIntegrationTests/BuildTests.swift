import Foundation
import Testing

/// `kiln build` against the private engine's BuildKit (v0.8) through `/session`.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildIntegrationTests {
  static var base: String { ProcessInfo.processInfo.environment["KILN_TEST_BASE_IMAGE"] ?? "busybox:latest" }

  /// A context directory holding `files` (path → content).
  static func context(_ name: String, _ files: [String: String]) throws -> String {
    let dir = TestDirectory.make(name)
    for (path, content) in files {
      let url = URL(fileURLWithPath: dir + "/" + path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(content.utf8).write(to: url)
    }
    return dir
  }

  static func build(_ args: [String], extra: [String: String] = [:]) throws -> KilnResult {
    let socket = try TestEngine.socketPath()
    return try Kiln.run(["build", "--progress=plain"] + args, environment: ["DOCKER_HOST": "unix://\(socket)"].merging(extra) { $1 }, limit: .seconds(240))
  }

  static func docker(_ args: [String]) throws -> KilnResult {
    let socket = try TestEngine.socketPath()
    return try ProcessRunner.run("/usr/bin/docker", ["-H", "unix://\(socket)"] + args, environment: ["PATH": "/usr/bin:/bin", "HOME": TestDirectory.home])
  }

  static func unique() -> String { UUID().uuidString.prefix(8).lowercased() }

  @Test func runCopyAndTagLandsInEngine() throws {
    let token = Self.unique()
    let dir = try Self.context("build-run-copy", [
      "Dockerfile": "FROM \(Self.base)\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt && echo \(token) > /token\n",
      "hello.txt": "hello from kiln\n",
    ])
    let tag = "kiln-test/run-copy:\(token)"
    let result = try Self.build(["-t", tag, "--iidfile", dir + "/iid", "--metadata-file", dir + "/meta.json", dir])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("#0 building with \"default\" instance using docker driver"))
    #expect(result.stderr.contains("[internal] load build definition from Dockerfile"))
    #expect(result.stderr.contains("hello from kiln"))
    #expect(result.stderr.contains(" DONE "))
    let inspect = try Self.docker(["image", "inspect", "--format", "{{.Id}}", tag])
    #expect(inspect.status == 0, "\(inspect.stderr)")
    let iid = try String(contentsOfFile: dir + "/iid", encoding: .utf8)
    #expect(iid.hasPrefix("sha256:"))
    #expect(inspect.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == iid)
    let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/meta.json"))) as? [String: Any]
    #expect((meta?["buildx.build.ref"] as? String)?.hasPrefix("default/default/") == true)
    // BuildKit v0.8's moby exporter reports only `containerimage.digest` (the image ID).
    #expect((meta?["containerimage.config.digest"] ?? meta?["containerimage.digest"]) as? String == iid)
    let run = try Self.docker(["run", "--rm", tag, "cat", "/token"])
    #expect(run.stdout == token + "\n", "\(run.stderr)")
    _ = try Self.docker(["image", "rm", tag])
  }

  @Test func multiStageWithBuildArgsAndTarget() throws {
    let token = Self.unique()
    let dir = try Self.context("build-multistage", [
      "build.Dockerfile": """
        FROM \(Self.base) AS builder
        ARG MESSAGE=unset
        RUN echo "$MESSAGE" > /out
        FROM \(Self.base) AS final
        COPY --from=builder /out /copied
        FROM final AS other
        RUN false
        """,
    ])
    let tag = "kiln-test/multistage:\(token)"
    let result = try Self.build(["-f", dir + "/build.Dockerfile", "--build-arg", "MESSAGE=\(token)", "--target", "final", "-t", tag, dir])
    #expect(result.status == 0, "\(result.stderr)")
    let run = try Self.docker(["run", "--rm", tag, "cat", "/copied"])
    #expect(run.stdout == token + "\n", "\(run.stderr)")
    _ = try Self.docker(["image", "rm", tag])
  }

  @Test func dockerignoreWithReincludesAndDoubleStar() throws {
    let token = Self.unique()
    let dir = try Self.context("build-ignore", [
      "Dockerfile": "FROM \(Self.base)\nCOPY . /ctx\nRUN cd /ctx && find . -type f | sort > /list && echo \(token)\n",
      ".dockerignore": "**/*.log\nsecret\n!secret/keep.txt\n",
      "a.txt": "a", "logs/x.log": "x", "deep/er/y.log": "y", "deep/er/z.txt": "z",
      "secret/hidden.txt": "h", "secret/keep.txt": "k",
    ])
    let tag = "kiln-test/ignore:\(token)"
    let result = try Self.build(["-t", tag, dir])
    #expect(result.status == 0, "\(result.stderr)")
    let run = try Self.docker(["run", "--rm", tag, "cat", "/list"])
    #expect(run.stdout == "./.dockerignore\n./Dockerfile\n./a.txt\n./deep/er/z.txt\n./secret/keep.txt\n", "\(run.stderr)")
    _ = try Self.docker(["image", "rm", tag])
  }

  @Test func failingRunExitsNonZeroWithLogTail() throws {
    let dir = try Self.context("build-fail", [
      "Dockerfile": "FROM \(Self.base)\nRUN echo about to fail \(Self.unique()) && exit 3\n",
    ])
    let result = try Self.build([dir])
    #expect(result.status == 1)
    #expect(result.stderr.contains("about to fail"))
    #expect(result.stderr.contains(" ERROR: "))
    #expect(result.stderr.contains("------\n > [2/2] RUN echo about to fail"))
    #expect(result.stderr.contains("\nERROR: failed to solve"), "\(result.stderr)")
  }

  @Test func unchangedRebuildSendsNoFileContent() throws {
    let dir = try Self.context("build-rebuild", [
      "Dockerfile": "FROM \(Self.base)\nCOPY . /ctx\n",
      "one.txt": String(repeating: "1", count: 100_000), "sub/two.txt": "2",
    ])
    let stats = dir + "/../rebuild-stats-\(Self.unique())"
    let first = try Self.build([dir], extra: ["KILN_DEBUG_FILESYNC_STATS": stats])
    #expect(first.status == 0, "\(first.stderr)")
    let firstStats = try String(contentsOfFile: stats, encoding: .utf8)
    #expect(firstStats.contains("bytes=") && !firstStats.contains("bytes=0\n"), "\(firstStats)")
    let second = try Self.build([dir], extra: ["KILN_DEBUG_FILESYNC_STATS": stats])
    #expect(second.status == 0, "\(second.stderr)")
    let secondStats = try String(contentsOfFile: stats, encoding: .utf8)
    #expect(secondStats.contains("files=0 bytes=0"), "\(secondStats)")
    #expect(second.stderr.contains("CACHED"))
  }

  @Test func quietPrintsOnlyImageID() throws {
    let dir = try Self.context("build-quiet", ["Dockerfile": "FROM \(Self.base)\nLABEL kiln=\(Self.unique())\n"])
    let socket = try TestEngine.socketPath()
    let result = try Kiln.run(["build", "-q", dir], environment: ["DOCKER_HOST": "unix://\(socket)"], limit: .seconds(240))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    #expect(result.stdout.hasPrefix("sha256:"))
  }
}

/// `--output type=local` and `type=tar` through the session's FileSend.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildOutputIntegrationTests {
  static let dockerfile = "FROM scratch\nCOPY . /\n"

  @Test func localOutputWritesTheTree() throws {
    let token = BuildIntegrationTests.unique()
    let dir = try BuildIntegrationTests.context("build-out-local", [
      "Dockerfile": Self.dockerfile, "a.txt": token, "sub/b.txt": String(repeating: "b", count: 200_000),
    ])
    try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: "a.txt")
    let out = dir + "-out"
    let result = try BuildIntegrationTests.build(["-o", "type=local,dest=\(out)", dir])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try String(contentsOfFile: out + "/a.txt", encoding: .utf8) == token)
    #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/sub/b.txt")).count == 200_000)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/link") == "a.txt")
  }

  /// A context file's extended attribute goes to the daemon in its STAT, is
  /// kept by COPY, and comes back on the local output's file (python3 sets
  /// and reads it: Swift's Glibc module has no xattr calls).
  @Test func extendedAttributesRoundTrip() throws {
    let token = BuildIntegrationTests.unique()
    let dir = try BuildIntegrationTests.context("build-out-xattr", ["Dockerfile": "FROM scratch\nCOPY f /f\n", "f": token])
    let xattr = { (args: [String]) throws -> KilnResult in
      try ProcessRunner.run("/usr/bin/python3", ["-c", "import os,sys\nif len(sys.argv) > 3: os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode())\nelse: print(os.getxattr(sys.argv[1], sys.argv[2]).decode(), end='')"] + args)
    }
    let set = try xattr([dir + "/f", "user.kiln", "kiln-" + token])
    try #require(set.status == 0, "no user xattrs here: \(set.stderr)")
    let out = dir + "-out"
    let result = try BuildIntegrationTests.build(["-o", "type=local,dest=\(out)", dir])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try xattr([out + "/f", "user.kiln"]).stdout == "kiln-" + token)
  }

  @Test func tarOutputToFile() throws {
    let token = BuildIntegrationTests.unique()
    let dir = try BuildIntegrationTests.context("build-out-tar", ["Dockerfile": Self.dockerfile, "t.txt": token])
    let tar = dir + "-out.tar"
    let result = try BuildIntegrationTests.build(["--output", "type=tar,dest=\(tar)", dir])
    #expect(result.status == 0, "\(result.stderr)")
    let list = try ProcessRunner.run("/bin/tar", ["-tf", tar])
    #expect(list.stdout.split(separator: "\n").contains("t.txt"), "\(list.stdout)")
  }
}

/// `--secret` from a file and from the environment, mounted with `RUN --mount=type=secret`.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildSecretIntegrationTests {
  @Test func secretsFromFileAndEnvironment() throws {
    let token = BuildIntegrationTests.unique()
    let dir = try BuildIntegrationTests.context("build-secret", [
      "Dockerfile": """
        FROM \(BuildIntegrationTests.base)
        RUN --mount=type=secret,id=filesecret --mount=type=secret,id=envsecret cat /run/secrets/filesecret /run/secrets/envsecret > /seen && echo \(token)
        """,
    ])
    let secretFile = dir + "-secret.txt"
    try Data("from-file;".utf8).write(to: URL(fileURLWithPath: secretFile))
    let tag = "kiln-test/secret:\(token)"
    let result = try BuildIntegrationTests.build(
      ["--secret", "id=filesecret,src=\(secretFile)", "--secret", "id=envsecret,env=KILN_TEST_SECRET", "-t", tag, dir],
      extra: ["KILN_TEST_SECRET": "from-env"]
    )
    #expect(result.status == 0, "\(result.stderr)")
    let run = try BuildIntegrationTests.docker(["run", "--rm", tag, "cat", "/seen"])
    #expect(run.stdout == "from-file;from-env", "\(run.stderr)")
    _ = try BuildIntegrationTests.docker(["image", "rm", tag])
  }
}

/// Ctrl-C cancels the solve and Kiln exits promptly with an error.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildCancellationIntegrationTests {
  @Test func interruptCancelsPromptly() throws {
    let dir = try BuildIntegrationTests.context("build-cancel", [
      "Dockerfile": "FROM \(BuildIntegrationTests.base)\nRUN echo started-\(BuildIntegrationTests.unique()) && sleep 120\n",
    ])
    let socket = try TestEngine.socketPath()
    let kiln = try BackgroundKiln(["build", "--progress=plain", dir], environment: ["DOCKER_HOST": "unix://\(socket)"], log: dir + "-stderr.log")
    // Wait until the RUN step is running, then interrupt.
    try #require(kiln.waitFor("started-"), "the RUN step never started: \(kiln.stderr)")
    kill(kiln.process.processIdentifier, SIGINT)
    #expect(kiln.endsWithin(.seconds(15)), "kiln did not exit within 15s of SIGINT: \(kiln.stderr)")
    #expect(kiln.process.terminationStatus == 130)
    #expect(kiln.stderr.contains("ERROR: build canceled"), "\(kiln.stderr)")
  }

  /// Run as a Docker CLI plugin (Docker 24+), Kiln connects to the CLI's
  /// plugin socket; the CLI closing it cancels the build. socat stands in for
  /// the CLI's listener on an abstract socket.
  @Test func pluginSocketClosedCancels() throws {
    let dir = try BuildIntegrationTests.context("build-plugin-socket", [
      "Dockerfile": "FROM \(BuildIntegrationTests.base)\nRUN echo started-\(BuildIntegrationTests.unique()) && sleep 120\n",
    ])
    let name = "kiln-plugin-\(BuildIntegrationTests.unique())"
    let cli = Process()
    cli.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
    cli.arguments = ["ABSTRACT-LISTEN:\(name)", "EXEC:sleep 600"]
    (cli.standardInput, cli.standardOutput, cli.standardError) = (FileHandle.nullDevice, FileHandle.nullDevice, FileHandle.nullDevice)
    try cli.run()
    let relay = Relay(process: cli)
    defer { relay.stopWithConnections() }
    usleep(200_000)
    let environment = ["DOCKER_HOST": "unix://\(try TestEngine.socketPath())", "DOCKER_CLI_PLUGIN_SOCKET": "@" + name]
    let kiln = try BackgroundKiln(["build", "--progress=plain", dir], environment: environment, log: dir + "-stderr.log")
    try #require(kiln.waitFor("started-"), "the RUN step never started: \(kiln.stderr)")
    relay.stopWithConnections()
    #expect(kiln.endsWithin(.seconds(15)), "kiln did not exit within 15s of the socket closing: \(kiln.stderr)")
    #expect(kiln.process.terminationStatus == 130)
    #expect(kiln.stderr.contains("ERROR: build canceled (the docker CLI stopped the plugin)"), "\(kiln.stderr)")
  }
}

/// A context of 10,000 files arrives whole, and a rebuild after changing one file sends only that file.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildLargeContextIntegrationTests {
  @Test func tenThousandFiles() throws {
    let dir = TestDirectory.make("build-10k")
    for d in 0..<100 {
      let sub = dir + "/d\(d)"
      try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
      for f in 0..<100 { try Data("\(d)-\(f)\n".utf8).write(to: URL(fileURLWithPath: sub + "/f\(f)")) }
    }
    let token = BuildIntegrationTests.unique()
    try Data("FROM \(BuildIntegrationTests.base)\nCOPY . /ctx\nRUN find /ctx -type f | wc -l > /count && echo \(token)\n".utf8)
      .write(to: URL(fileURLWithPath: dir + "/Dockerfile"))
    let stats = dir + "-stats"
    let tag = "kiln-test/large:\(token)"
    let first = try BuildIntegrationTests.build(["-t", tag, dir], extra: ["KILN_DEBUG_FILESYNC_STATS": stats])
    #expect(first.status == 0, "\(first.stderr)")
    // The context (10,000 files and the Dockerfile), plus the Dockerfile on its own.
    #expect(try String(contentsOfFile: stats, encoding: .utf8).contains("files=10002 "))
    let run = try BuildIntegrationTests.docker(["run", "--rm", tag, "cat", "/count"])
    #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "10001", "\(run.stderr)")
    try Data("changed\n".utf8).write(to: URL(fileURLWithPath: dir + "/d7/f7"))
    let second = try BuildIntegrationTests.build(["-t", tag, dir], extra: ["KILN_DEBUG_FILESYNC_STATS": stats])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(try String(contentsOfFile: stats, encoding: .utf8).contains("files=1 bytes=8\n"))
    _ = try BuildIntegrationTests.docker(["image", "rm", tag])
  }
}

/// The session over `Control.Session` (what a standalone BuildKit needs), checked on the engine, which accepts it too.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildControlSessionIntegrationTests {
  @Test func buildAndLocalOutputThroughControlSession() throws {
    let token = BuildIntegrationTests.unique()
    let dir = try BuildIntegrationTests.context("build-control-session", [
      "Dockerfile": "FROM \(BuildIntegrationTests.base) AS run\nCOPY in.txt /in.txt\nRUN cat /in.txt > /out.txt\nFROM scratch\nCOPY --from=run /out.txt /\n",
      "in.txt": token,
    ])
    let out = dir + "-out"
    let result = try BuildIntegrationTests.build(["-o", out, dir], extra: ["KILN_SESSION_TRANSPORT": "control"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try String(contentsOfFile: out + "/out.txt", encoding: .utf8) == token)
  }
}

/// `--ssh` forwards a real agent started by the test.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildSSHIntegrationTests {
  @Test func agentIsForwardedAndUnknownIDsFail() throws {
    let dir = try BuildIntegrationTests.context("build-ssh", [
      "Dockerfile": "FROM \(BuildIntegrationTests.base)\nRUN --mount=type=ssh,id=agent test -S \"$SSH_AUTH_SOCK\" && echo forwarded-\(BuildIntegrationTests.unique())\n",
    ])
    let socket = dir + "-agent.sock"
    // A foreground agent (-D) owned by the test; SIGKILL because the test
    // runner's ignored SIGTERM is inherited.
    let agent = Process()
    agent.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-agent")
    agent.arguments = ["-D", "-a", socket]
    agent.standardOutput = FileHandle.nullDevice
    agent.standardError = FileHandle.nullDevice
    try agent.run()
    defer {
      kill(agent.processIdentifier, SIGKILL)
      agent.waitUntilExit()
    }
    let deadline = ContinuousClock.now + .seconds(10)
    while !FileManager.default.fileExists(atPath: socket), ContinuousClock.now < deadline { usleep(20_000) }
    let result = try BuildIntegrationTests.build(["--ssh", "agent=\(socket)", dir])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("forwarded-"))
    let missing = try BuildIntegrationTests.build(["--ssh", "other=\(socket)", "--no-cache", dir])
    #expect(missing.status == 1)
  }
}

/// A context with large files sent at full speed.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildBulkContextIntegrationTests {
  // Go's gRPC client in the daemon pings with every burst of DATA it receives
  // (bandwidth estimation); past 200 pings NIOHTTP2 used to end the session
  // with GOAWAY and the solve failed with "the connection is draining".
  @Test(arguments: ["hijack", "control"])
  func eightyMegabytes(transport: String) throws {
    let dir = TestDirectory.make("build-bulk-\(transport)")
    guard let random = FileHandle(forReadingAtPath: "/dev/urandom") else {
      Issue.record("cannot open /dev/urandom")
      return
    }
    defer { try? random.close() }
    for i in 0..<40 {
      try random.readData(ofLength: 2_000_000).write(to: URL(fileURLWithPath: dir + "/blob\(i)"))
    }
    try Data("FROM scratch\nCOPY . /ctx\n".utf8).write(to: URL(fileURLWithPath: dir + "/Dockerfile"))
    let stats = dir + "-stats"
    let result = try BuildIntegrationTests.build(
      ["-o", "type=tar,dest=/dev/null", dir],
      extra: ["KILN_DEBUG_FILESYNC_STATS": stats, "KILN_SESSION_TRANSPORT": transport]
    )
    #expect(result.status == 0, "\(result.stderr)")
    // 40 blobs, plus the Dockerfile once for the frontend and once in the context.
    #expect(try String(contentsOfFile: stats, encoding: .utf8).contains("files=42 bytes=80000050"), "all 80 MB sent")
  }
}

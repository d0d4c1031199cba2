import Foundation
import Testing

/// A git repository as the build context (`kiln build git://...#ref`),
/// served by a real `git daemon` on 127.0.0.1: the engine's BuildKit clones
/// it itself, so nothing of the context crosses the session.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildGitContextTests {
  typealias B = BuildIntegrationTests

  /// A bare repository under `root/repo.git` with a `main` branch and a tag,
  /// served read-only by git daemon (detached, stopped by its pid file).
  final class GitServer {
    let root: String
    let port: Int

    init(files: [String: String]) throws {
      root = TestDirectory.make("git-server")
      port = try SilentServer.unusedPort()
      let work = root + "/work"
      for (path, text) in files {
        let file = work + "/" + path
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
      }
      let environment = [
        "GIT_AUTHOR_NAME": "kiln", "GIT_AUTHOR_EMAIL": "kiln@localhost", "GIT_COMMITTER_NAME": "kiln",
        "GIT_COMMITTER_EMAIL": "kiln@localhost", "HOME": root, "PATH": "/usr/bin:/bin",
      ]
      for args in [
        ["init", "-q", "-b", "main", work], ["-C", work, "add", "-A"], ["-C", work, "commit", "-q", "-m", "context"],
        ["-C", work, "tag", "v1"], ["clone", "-q", "--bare", work, root + "/repo.git"],
      ] {
        let result = try ProcessRunner.run("/usr/bin/git", args, environment: environment)
        try #require(result.status == 0, "git \(args.joined(separator: " ")): \(result.stderr)")
      }
      // git daemon keeps the descriptors it inherits when it detaches, and
      // Foundation's Process learns of its child's end from one of them: close
      // every one above stdio first, and put stdio on /dev/null.
      let script = """
        for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done
        exec /usr/bin/git daemon --detach --reuseaddr --export-all --listen=127.0.0.1 --port=\(port) \
          --pid-file="$1/daemon.pid" --base-path="$1" "$1" </dev/null >/dev/null 2>&1
        """
      let started = try ProcessRunner.run("/bin/bash", ["-c", script, "bash", root], environment: environment)
      try #require(started.status == 0, "git daemon: \(started.stderr)")
      for _ in 0..<100 {
        if SSHServer.accepts(port: port) { return }
        usleep(50_000)
      }
      stop()
      throw KilnTestError("git daemon did not start on 127.0.0.1:\(port)")
    }

    var url: String { "git://127.0.0.1:\(port)/repo.git" }

    deinit { stop() }

    private func stop() {
      guard let text = try? String(contentsOfFile: root + "/daemon.pid", encoding: .utf8),
        let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
      else { return }
      // SIGKILL: a child spawned from the test's threads may have SIGTERM blocked.
      kill(pid, SIGKILL)
    }
  }

  @Test func branchAndTag() throws {
    let token = B.unique()
    let server = try GitServer(files: [
      "Dockerfile": "FROM \(B.base)\nCOPY data.txt /data.txt\n",
      "data.txt": "root-\(token)\n",
      "app/Dockerfile": "FROM \(B.base)\nCOPY app/data.txt /app.txt\n",
      "app/data.txt": "app-\(token)\n",
    ])
    let socket = try TestEngine.socketPath()
    // The engine's BuildKit v0.8 takes a ref but no subdirectory (`#ref:dir`): `-f` picks the Dockerfile.
    for (args, path, expected) in [(["\(server.url)#main"], "/data.txt", "root-"), (["-f", "app/Dockerfile", "\(server.url)#v1"], "/app.txt", "app-")] {
      let tag = "kiln-test/git-context:\(token)"
      let result = try Kiln.run(["build", "--progress=plain", "-t", tag] + args, environment: ["DOCKER_HOST": "unix://\(socket)"], limit: .seconds(240))
      try #require(result.status == 0, "\(args): \(result.stderr)")
      let run = try B.docker(["run", "--rm", "--pull=never", tag, "cat", path])
      #expect(run.stdout == expected + token + "\n", "\(args): \(run.stderr)")
      _ = try B.docker(["image", "rm", tag])
    }
  }
}

/// A tarball over HTTP as the build context (`kiln build http://.../ctx.tar`),
/// served by Python's http.server on 127.0.0.1; the daemon fetches it itself.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildHTTPContextTests {
  typealias B = BuildIntegrationTests

  @Test func tarballOverHTTP() throws {
    let token = B.unique()
    let source = try B.context("http-context-src", ["Dockerfile": "FROM \(B.base)\nCOPY data.txt /data.txt\n", "data.txt": token + "\n"])
    let www = source + "-www"
    try FileManager.default.createDirectory(atPath: www, withIntermediateDirectories: true)
    let tar = try ProcessRunner.run("/bin/tar", ["-cf", www + "/ctx.tar", "-C", source, "."])
    try #require(tar.status == 0, "tar: \(tar.stderr)")
    let port = try SilentServer.unusedPort()
    let server = Process()
    server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    server.arguments = ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", www]
    (server.standardInput, server.standardOutput, server.standardError) = (FileHandle.nullDevice, FileHandle.nullDevice, FileHandle.nullDevice)
    try server.run()
    defer {
      kill(server.processIdentifier, SIGKILL)  // SIGTERM may be blocked in children of the test runner
      server.waitUntilExit()
    }
    for _ in 0..<100 where !SSHServer.accepts(port: port) { usleep(50_000) }
    let tag = "kiln-test/http-context:\(token)"
    let result = try Kiln.run(
      ["build", "--progress=plain", "-t", tag, "http://127.0.0.1:\(port)/ctx.tar"],
      environment: ["DOCKER_HOST": "unix://\(try TestEngine.socketPath())"], limit: .seconds(240))
    try #require(result.status == 0, "\(result.stderr)")
    let run = try B.docker(["run", "--rm", "--pull=never", tag, "cat", "/data.txt"])
    #expect(run.stdout == token + "\n", "\(run.stderr)")
    _ = try B.docker(["image", "rm", tag])
  }
}

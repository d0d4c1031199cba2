import Foundation
import Testing

/// `kiln build -` against the private engine: stdin holding a tar archive of
/// the context (plain or gzip, streamed through the session's Upload
/// service), or a Dockerfile built with an empty context; and the errors for
/// what cannot be told apart.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildStdinTests {
  typealias B = BuildIntegrationTests

  static func build(_ args: [String], stdin: Data) throws -> KilnResult {
    try Kiln.run(["build", "--progress=plain"] + args, environment: ["DOCKER_HOST": "unix://\(try TestEngine.socketPath())"], stdin: stdin, limit: .seconds(240))
  }

  /// A tar of `files` made by the system's tar, gzip-compressed when asked.
  static func archive(_ name: String, _ files: [String: String], gzip: Bool = false) throws -> Data {
    let dir = try B.context(name, files)
    let tarball = dir + (gzip ? ".tgz" : ".tar")
    let made = try ProcessRunner.run("/bin/tar", [gzip ? "-czf" : "-cf", tarball, "-C", dir, "."])
    try #require(made.status == 0, "tar: \(made.stderr)")
    return try Data(contentsOf: URL(fileURLWithPath: tarball))
  }

  @Test func tarArchiveIsTheContext() throws {
    let token = B.unique()
    let tag = "kiln-test/stdin-tar:\(token)"
    let tar = try Self.archive("stdin-tar", [
      "Dockerfile": "FROM \(B.base)\nCOPY . /ctx\n",
      "data.txt": token + "\n",
      "dir/nested.txt": "nested\n",
    ])
    let result = try Self.build(["-t", tag, "-"], stdin: tar)
    #expect(result.status == 0, "\(result.stderr)")
    let run = try B.docker(["run", "--rm", tag, "cat", "/ctx/data.txt", "/ctx/dir/nested.txt"])
    #expect(run.stdout == token + "\nnested\n", "\(run.stderr)")
    _ = try B.docker(["image", "rm", tag])
  }

  @Test func gzipArchiveWithDockerfileInside() throws {
    let token = B.unique()
    let tag = "kiln-test/stdin-tgz:\(token)"
    let tgz = try Self.archive("stdin-tgz", [
      "Dockerfile": "FROM \(B.base)\nRUN false\n",
      "build/Alt.Dockerfile": "FROM \(B.base)\nCOPY data.txt /data.txt\n",
      "data.txt": token + "\n",
    ], gzip: true)
    // `-f` names a file inside the archive.
    let result = try Self.build(["-f", "build/Alt.Dockerfile", "-t", tag, "-"], stdin: tgz)
    #expect(result.status == 0, "\(result.stderr)")
    let run = try B.docker(["run", "--rm", tag, "cat", "/data.txt"])
    #expect(run.stdout == token + "\n", "\(run.stderr)")
    _ = try B.docker(["image", "rm", tag])
  }

  @Test func dockerfileOnStdinBuildsWithAnEmptyContext() throws {
    let token = B.unique()
    let tag = "kiln-test/stdin-df:\(token)"
    let dockerfile = "FROM \(B.base)\nRUN echo \(token) > /token\nCOPY . /ctx\nRUN test -z \"$(ls -A /ctx)\"\n"
    let result = try Self.build(["-t", tag, "-"], stdin: Data(dockerfile.utf8))
    #expect(result.status == 0, "\(result.stderr)")
    let run = try B.docker(["run", "--rm", tag, "cat", "/token"])
    #expect(run.stdout == token + "\n", "\(run.stderr)")
    _ = try B.docker(["image", "rm", tag])
  }

  @Test(arguments: [
    (["-f", "-", "-"], "FROM scratch\n", "ERROR: invalid argument: can't use stdin for both build context and dockerfile"),
    (["-f", "Dockerfile", "-"], "FROM scratch\n", "ERROR: ambiguous Dockerfile source: both stdin and flag correspond to Dockerfiles"),
    (["-"], "", "ERROR: unable to prepare context: stdin is empty"),
  ])
  func stdinThatCannotBeUsed(args: [String], input: String, message: String) throws {
    let result = try Self.build(args, stdin: Data(input.utf8))
    #expect(result.status == 1)
    #expect(result.stderr.contains(message), "\(result.stderr)")
  }
}

import Foundation
import Testing

/// A standalone BuildKit (v0.13 or newer) to test what the engine's v0.8
/// cannot do. None runs in CI: set `KILN_TEST_BUILDKIT_ADDR` (e.g.
/// `unix:///run/buildkit/buildkitd.sock`) to a daemon that can pull
/// `KILN_TEST_STANDALONE_BASE` (default `127.0.0.1:5000/busybox:latest`).
enum StandaloneBuildKit {
  static var address: String? {
    ProcessInfo.processInfo.environment["KILN_TEST_BUILDKIT_ADDR"].flatMap { $0.isEmpty ? nil : $0 }
  }
  static var base: String {
    ProcessInfo.processInfo.environment["KILN_TEST_STANDALONE_BASE"] ?? "127.0.0.1:5000/busybox:latest"
  }
  static func build(_ args: [String], in dir: String, environment: [String: String] = [:]) throws -> KilnResult {
    try Kiln.run(["build", "--addr", address ?? "", "--progress=plain"] + args + [dir], environment: environment, limit: .seconds(240))
  }
}

@Suite(.enabled(if: StandaloneBuildKit.address != nil, "needs a standalone BuildKit: set KILN_TEST_BUILDKIT_ADDR"))
struct StandaloneBuildTests {
  @Test func severalOutputsAtOnce() throws {
    let token = BuildIntegrationTests.unique()
    let dir = try BuildIntegrationTests.context("standalone-multi", [
      "Dockerfile": "FROM \(StandaloneBuildKit.base)\nRUN echo \(token) > /token\n"
    ])
    let result = try StandaloneBuildKit.build([
      "-o", "type=local,dest=\(dir)-a", "-o", "type=tar,dest=\(dir)-b.tar", "-o", "type=local,dest=\(dir)-c",
    ], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    for local in ["-a", "-c"] {
      #expect(try String(contentsOfFile: dir + local + "/token", encoding: .utf8) == token + "\n")
    }
    let listing = try ProcessRunner.run("/bin/tar", ["-tf", dir + "-b.tar"])
    #expect(listing.stdout.split(separator: "\n").contains("token"), "\(listing.stdout)")
  }

  /// `--load` beside another output: the docker exporter's tarball is
  /// loaded into the engine (`POST /images/load`), the other written here.
  @Test(.enabled(if: TestEngine.available, "needs the private engine too"))
  func loadIntoTheEngineBesideALocalOutput() throws {
    let token = BuildIntegrationTests.unique()
    let tag = "kiln-test/standalone-load:\(token)"
    let dir = try BuildIntegrationTests.context("standalone-load", [
      "Dockerfile": "FROM \(StandaloneBuildKit.base)\nRUN echo \(token) > /token\n"
    ])
    let engine = ["DOCKER_HOST": "unix://\(try TestEngine.socketPath())"]
    let result = try StandaloneBuildKit.build(["--load", "-t", tag, "-o", "type=local,dest=\(dir)-out"], in: dir, environment: engine)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("importing to docker"), "\(result.stderr)")
    #expect(try String(contentsOfFile: dir + "-out/token", encoding: .utf8) == token + "\n")
    let run = try BuildIntegrationTests.docker(["run", "--rm", "--pull=never", tag, "cat", "/token"])
    #expect(run.stdout == token + "\n", "\(run.stderr)")
    _ = try BuildIntegrationTests.docker(["image", "rm", tag])
  }

  /// `--build-context`: a local directory and a `docker-image://` named context.
  @Test func namedContexts() throws {
    let token = BuildIntegrationTests.unique()
    let extra = try BuildIntegrationTests.context("standalone-extra", ["note.txt": token + "\n"])
    let dir = try BuildIntegrationTests.context("standalone-named", [
      "Dockerfile": "FROM base\nCOPY --from=extra note.txt /note.txt\nRUN cat /note.txt > /copied\n"
    ])
    let result = try StandaloneBuildKit.build([
      "--build-context", "extra=\(extra)", "--build-context", "base=docker-image://\(StandaloneBuildKit.base)",
      "-o", "type=local,dest=\(dir)-out",
    ], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try String(contentsOfFile: dir + "-out/copied", encoding: .utf8) == token + "\n")
    // The image context's files came along (busybox's shell ran the RUN).
    #expect(FileManager.default.fileExists(atPath: dir + "-out/bin/sh"))
  }

  /// `--push` from the daemon itself (the `image` exporter with `push=true`),
  /// credentials offered through the session; the digest is in the metadata.
  @Test func pushToTheLocalRegistry() throws {
    let token = BuildIntegrationTests.unique()
    let dir = try BuildIntegrationTests.context("standalone-push", [
      "Dockerfile": "FROM \(StandaloneBuildKit.base)\nRUN echo \(token) > /token\n"
    ])
    let tag = "127.0.0.1:5000/kiln-test/standalone-push:\(token)"
    let result = try StandaloneBuildKit.build(["--push", "-t", tag, "--metadata-file", dir + "-meta.json"], in: dir)
    #expect(result.status == 0, "\(result.stderr)")
    let digest = try BuildOutputsTests.manifestDigest(host: "127.0.0.1:5000", repository: "kiln-test/standalone-push", tag: token)
    let metadata = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "-meta.json"))) as? [String: Any]
    #expect(digest != nil)
    #expect(metadata?["containerimage.digest"] as? String == digest, "\(String(describing: metadata))")
  }

  /// A Dockerfile lint warning: inline, in the closing summary, and in the
  /// metadata file with BUILDX_METADATA_WARNINGS.
  @Test func lintWarningIsSummarised() throws {
    let dir = try BuildIntegrationTests.context("standalone-warning", [
      "Dockerfile": "FROM \(StandaloneBuildKit.base) as base\nRUN echo \(BuildIntegrationTests.unique())\n"
    ])
    let result = try StandaloneBuildKit.build(["--metadata-file", dir + "-meta.json"], in: dir, environment: ["BUILDX_METADATA_WARNINGS": "1", "NO_COLOR": "1"])
    #expect(result.status == 0, "\(result.stderr)")
    let short = "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)"
    #expect(result.stderr.contains("WARN: \(short)\n"), "\(result.stderr)")
    #expect(result.stderr.hasSuffix("\n 1 warning found (use docker --debug to expand):\n - \(short)\n"), "\(result.stderr)")
    let metadata = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "-meta.json"))) as? [String: Any]
    let warnings = metadata?["buildx.build.warnings"] as? [[String: Any]]
    #expect(warnings?.count == 1)
    #expect((warnings?.first?["short"] as? String).flatMap { Data(base64Encoded: $0) } == Data(short.utf8))
  }

  /// A remote builder created with `default-load=true`: a build with no
  /// output lands in the engine, as with buildx.
  @Test(.enabled(if: TestEngine.available, "needs the private engine too"))
  func defaultLoadBuilder() throws {
    let token = BuildIntegrationTests.unique()
    let dir = try BuildIntegrationTests.context("standalone-default-load", [
      "Dockerfile": "FROM \(StandaloneBuildKit.base)\nRUN echo \(token) > /token\n"
    ])
    let environment = ["BUILDX_CONFIG": dir + "-buildx", "DOCKER_HOST": "unix://\(try TestEngine.socketPath())"]
    let name = "kdl\(token)"
    let create = try Kiln.run(["create", "--name", name, "--driver", "remote", "--driver-opt", "default-load=true", StandaloneBuildKit.address ?? ""], environment: environment)
    try #require(create.status == 0, "\(create.stderr)")
    let tag = "kiln-test/default-load:\(token)"
    let result = try Kiln.run(["build", "--builder", name, "--progress=plain", "-t", tag, dir], environment: environment, limit: .seconds(240))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("#0 building with \"\(name)\" instance using remote driver"), "\(result.stderr)")
    let run = try BuildIntegrationTests.docker(["run", "--rm", "--pull=never", tag, "cat", "/token"])
    #expect(run.stdout == token + "\n", "\(run.stderr)")
    _ = try BuildIntegrationTests.docker(["image", "rm", tag])
  }

  @Test func failingStepShowsTheDockerfileLines() throws {
    let dir = try BuildIntegrationTests.context("standalone-snippet", [
      "Dockerfile": "FROM \(StandaloneBuildKit.base)\nENV A=1\nRUN echo fine\nRUN exit 3\nENV B=2\n"
    ])
    let result = try StandaloneBuildKit.build([], in: dir)
    #expect(result.status == 1)
    let expected = """
      Dockerfile:4
      --------------------
         2 |     ENV A=1
         3 |     RUN echo fine
         4 | >>> RUN exit 3
         5 |     ENV B=2
         6 |     
      --------------------
      ERROR: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3

      """
    #expect(result.stderr.hasSuffix(expected), "\(result.stderr)")
  }
}

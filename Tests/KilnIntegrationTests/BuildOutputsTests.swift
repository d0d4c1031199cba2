import Foundation
import Testing

/// `kiln build` outputs and registries against the private engine: `--push`,
/// `type=registry`, registry credentials (a registry with basic auth started
/// here, and a stand-in credential helper), `-f -`, and the errors buildx gives
/// for what the engine's BuildKit v0.8 cannot do.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuildOutputsTests {
  typealias B = BuildIntegrationTests

  static func curl(_ args: [String]) throws -> KilnResult {
    try ProcessRunner.run("/usr/bin/curl", ["-s", "--max-time", "20"] + args)
  }

  /// The digest the registry at `host` serves for `repository:tag`, or nil.
  static func manifestDigest(host: String, repository: String, tag: String, user: String? = nil) throws -> String? {
    var args = ["-I", "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json"]
    if let user { args += ["-u", user] }
    let result = try curl(args + ["http://\(host)/v2/\(repository)/manifests/\(tag)"])
    guard result.stdout.hasPrefix("HTTP/1.1 200") else { return nil }
    for line in result.stdout.split(separator: "\r\n") where line.lowercased().hasPrefix("docker-content-digest:") {
      return line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
    }
    return nil
  }

  @Test func pushLandsInRegistryWithDigestInMetadata() throws {
    let token = B.unique()
    let dir = try B.context("build-push", ["Dockerfile": "FROM \(B.base)\nRUN echo \(token) > /token\n"])
    let tag = "127.0.0.1:5000/kiln-test/push:\(token)"
    let result = try B.build(["--push", "-t", tag, "--metadata-file", dir + "/meta.json", dir])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("pushing \(tag) with docker"))
    let digest = try Self.manifestDigest(host: "127.0.0.1:5000", repository: "kiln-test/push", tag: token)
    #expect(digest?.hasPrefix("sha256:") == true)
    let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/meta.json"))) as? [String: Any]
    #expect(meta?["containerimage.digest"] as? String == digest)
    #expect((meta?["containerimage.config.digest"] as? String)?.hasPrefix("sha256:") == true)
    _ = try B.docker(["image", "rm", tag])
    // Pulled back by the engine, it is the image that was built.
    let pull = try B.docker(["pull", tag])
    #expect(pull.status == 0, "\(pull.stderr)")
    let run = try B.docker(["run", "--rm", tag, "cat", "/token"])
    #expect(run.stdout == token + "\n", "\(run.stderr)")
    _ = try B.docker(["image", "rm", tag])
  }

  @Test func registryOutputPushes() throws {
    let token = B.unique()
    let dir = try B.context("build-registry-output", ["Dockerfile": "FROM \(B.base)\nRUN echo \(token) > /token\n"])
    let tag = "127.0.0.1:5000/kiln-test/registry-output:\(token)"
    let result = try B.build(["-o", "type=registry", "-t", tag, dir])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try Self.manifestDigest(host: "127.0.0.1:5000", repository: "kiln-test/registry-output", tag: token) != nil)
    _ = try B.docker(["image", "rm", tag])
  }

  @Test func pushWithoutTagIsBuildxError() throws {
    let dir = try B.context("build-push-notag", ["Dockerfile": "FROM scratch\n"])
    let result = try B.build(["--push", dir])
    #expect(result.status == 1)
    #expect(result.stderr.contains("ERROR: tag is needed when pushing to registry"), "\(result.stderr)")
  }

  @Test(arguments: [
    (["-o", "type=oci,dest=out.tar"], "OCI exporter is not supported for the docker driver."),
    (["-o", "type=docker,dest=out.tar"], "Docker exporter is not supported for the docker driver."),
    (["--cache-to", "type=registry,ref=127.0.0.1:5000/kiln-test/cache"], "Cache export is not supported for the docker driver."),
    (["--sbom=true"], "Attestation is not supported for the docker driver."),
  ])
  func unsupportedOnEngineGiveBuildxErrors(args: [String], message: String) throws {
    let dir = try B.context("build-unsupported", ["Dockerfile": "FROM scratch\n"])
    let result = try B.build(args + [dir])
    #expect(result.status == 1)
    #expect(result.stderr.contains("ERROR: " + message), "\(result.stderr)")
  }

  @Test func dockerfileFromStdin() throws {
    let token = B.unique()
    let dir = try B.context("build-stdin-dockerfile", ["data.txt": token + "\n"])
    let tag = "kiln-test/stdin:\(token)"
    let socket = try TestEngine.socketPath()
    let result = try Kiln.run(
      ["build", "--progress=plain", "-f", "-", "-t", tag, dir], environment: ["DOCKER_HOST": "unix://\(socket)"],
      stdin: Data("FROM \(B.base)\nCOPY data.txt /data.txt\n".utf8), limit: .seconds(240))
    #expect(result.status == 0, "\(result.stderr)")
    let run = try B.docker(["run", "--rm", tag, "cat", "/data.txt"])
    #expect(run.stdout == token + "\n", "\(run.stderr)")
    _ = try B.docker(["image", "rm", tag])
  }

  @Test func inlineCacheExportAndRegistryCacheImport() throws {
    let token = B.unique()
    let dir = try B.context("build-cache", ["Dockerfile": "FROM \(B.base)\nRUN echo \(token) > /token\n"])
    let tag = "127.0.0.1:5000/kiln-test/cache:\(token)"
    let first = try B.build(["--cache-to", "type=inline", "--push", "-t", tag, dir])
    #expect(first.status == 0, "\(first.stderr)")
    _ = try B.docker(["image", "rm", tag])
    // The daemon reads the pushed image's inline cache (the engine's build
    // cache is shared by other tests, so it is not pruned to prove a hit).
    let second = try B.build(["--cache-from", tag, "-t", tag, dir])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stderr.contains("importing cache manifest from \(tag)"), "\(second.stderr)")
    #expect(second.stderr.contains("CACHED"), "\(second.stderr)")
    _ = try B.docker(["image", "rm", tag])
  }
}

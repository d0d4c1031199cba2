import Foundation
import Testing

/// A small OCI layout written by hand: `index.json` names a cache manifest
/// (an index, as BuildKit v0.8 reads it) whose cache config records nothing.
enum LayoutFixture {
  static func sha256(_ path: String) throws -> String {
    let result = try ProcessRunner.run("/usr/bin/sha256sum", [path])
    return String(result.stdout.prefix(64))
  }

  static func blob(_ root: String, _ text: String) throws -> (digest: String, size: Int) {
    let temp = root + "/blob.tmp"
    try Data(text.utf8).write(to: URL(fileURLWithPath: temp))
    let hex = try sha256(temp)
    try FileManager.default.createDirectory(atPath: root + "/blobs/sha256", withIntermediateDirectories: true)
    try FileManager.default.moveItem(atPath: temp, toPath: root + "/blobs/sha256/" + hex)
    return ("sha256:" + hex, text.utf8.count)
  }

  /// Returns the layout's directory and the config blob's path.
  static func emptyCache(_ name: String) throws -> (String, String) {
    let root = TestDirectory.make(name)
    let config = try blob(root, #"{"layers":[],"records":[]}"#)
    let manifest = try blob(root, #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.buildkit.cacheconfig.v0","digest":"\#(config.digest)","size":\#(config.size)}]}"#)
    let index = #"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"\#(manifest.digest)","size":\#(manifest.size),"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}"#
    try Data(index.utf8).write(to: URL(fileURLWithPath: root + "/index.json"))
    return (root, root + "/blobs/sha256/" + config.digest.dropFirst("sha256:".count))
  }

  static func json(_ path: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
  }
}

/// `--cache-from type=local` on the engine's BuildKit v0.8, whose builder
/// registers the local cache importer: the daemon reads the layout through
/// the session's content store.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct ContentStoreEngineTests {
  @Test func localCacheImportReadsTheLayoutThroughTheSession() throws {
    let (cache, config) = try LayoutFixture.emptyCache("content-engine-cache")
    let dir = try BuildIntegrationTests.context("content-engine-ctx", [
      "Dockerfile": "FROM \(BuildIntegrationTests.base)\nRUN echo \(BuildIntegrationTests.unique()) > /token\n"
    ])
    let result = try BuildIntegrationTests.build(["--cache-from", "type=local,src=\(cache)", dir])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("importing cache manifest from local:"), "\(result.stderr)")
    #expect(!result.stderr.contains("ERROR"), "\(result.stderr)")

    // Without the config blob the daemon's read is answered NotFound (the build goes on).
    try FileManager.default.removeItem(atPath: config)
    let missing = try BuildIntegrationTests.build(["--cache-from", "type=local,src=\(cache)", dir])
    #expect(missing.status == 0, "\(missing.stderr)")
    #expect(missing.stderr.contains("code = NotFound"), "\(missing.stderr)")
  }

  @Test func missingLocalCacheIsSkippedWithAWarning() throws {
    let dir = try BuildIntegrationTests.context("content-engine-nocache", ["Dockerfile": "FROM \(BuildIntegrationTests.base)\n"])
    let result = try BuildIntegrationTests.build(["--cache-from", "type=local,src=\(dir)/none", dir])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("WARNING: local cache import at \(dir)/none skipped due to err: could not read \(dir)/none/index.json"), "\(result.stderr)")
    #expect(!result.stderr.contains("importing cache manifest"))
  }
}

/// The session content store against a current BuildKit (v0.32): local
/// cache export and import, `oci-layout://` contexts, `tar=false` layouts.
/// Set `KILN_TEST_BUILDKIT_ADDR` to a buildkitd that can pull `FROM`
/// `$KILN_TEST_REGISTRY/busybox:latest` (default 127.0.0.1:5000).
@Suite(.enabled(if: StandaloneBuildKit.address != nil, "needs a standalone BuildKit: set KILN_TEST_BUILDKIT_ADDR"))
struct ContentStoreStandaloneTests {
  static func build(_ args: [String]) throws -> KilnResult {
    let address = try #require(StandaloneBuildKit.address)
    return try Kiln.run(["build", "--progress=plain", "--addr", address] + args, limit: .seconds(240))
  }

  static var base: String { StandaloneBuildKit.base }

  @Test func localCacheExportThenImport() throws {
    let token = BuildIntegrationTests.unique()
    let dir = try BuildIntegrationTests.context("content-cache-ctx", [
      "Dockerfile": "FROM \(Self.base)\nRUN echo \(token) > /token\nCOPY f /f\n", "f": "file\n",
    ])
    let cache = dir + "/cache"
    let export = try Self.build(["--cache-to", "type=local,dest=\(cache),tag=t1", dir])
    #expect(export.status == 0, "\(export.stderr)")
    #expect(export.stderr.contains("exporting cache to client directory"))
    let index = try LayoutFixture.json(cache + "/index.json")
    let manifests = try #require(index["manifests"] as? [[String: Any]])
    #expect(manifests.count == 1)
    #expect((manifests.first?["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == "t1")
    let digest = try #require(manifests.first?["digest"] as? String)
    let hex = String(digest.dropFirst("sha256:".count))
    #expect(try LayoutFixture.sha256(cache + "/blobs/sha256/" + hex) == hex)
    #expect(FileManager.default.fileExists(atPath: cache + "/oci-layout"))
    #expect(!FileManager.default.fileExists(atPath: cache + "/ingest"))

    let imported = try Self.build(["--cache-from", "type=local,src=\(cache),tag=t1", dir])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stderr.contains("importing cache manifest from local:"), "\(imported.stderr)")
    #expect(!imported.stderr.contains("ERROR"), "\(imported.stderr)")
    #expect(imported.stderr.contains("RUN echo \(token) > /token\n#") && imported.stderr.contains("CACHED"), "\(imported.stderr)")
    // A changed build exported again with reset=true replaces the manifest
    // under t1 and drops the blobs only the old one reached.
    try Data("changed\n".utf8).write(to: URL(fileURLWithPath: dir + "/f"))
    let again = try Self.build(["--cache-to", "type=local,dest=\(cache),tag=t1,reset=true", dir])
    #expect(again.status == 0, "\(again.stderr)")
    let newManifests = try #require(try LayoutFixture.json(cache + "/index.json")["manifests"] as? [[String: Any]])
    #expect(newManifests.count == 1)
    #expect(newManifests.first?["digest"] as? String != digest)
    #expect(!FileManager.default.fileExists(atPath: cache + "/blobs/sha256/" + hex))
  }

  @Test func ociLayoutOutputThenContext() throws {
    let token = BuildIntegrationTests.unique()
    let dir = try BuildIntegrationTests.context("content-layout-ctx", [
      "Dockerfile": "FROM \(Self.base)\nRUN echo \(token) > /token\n"
    ])
    let layout = dir + "/layout"
    let export = try Self.build(["-t", "example/app:v1", "-o", "type=oci,dest=\(layout),tar=false", dir])
    #expect(export.status == 0, "\(export.stderr)")
    let index = try LayoutFixture.json(layout + "/index.json")
    let manifests = try #require(index["manifests"] as? [[String: Any]])
    let annotations = manifests.first?["annotations"] as? [String: String]
    #expect(annotations?["io.containerd.image.name"] == "docker.io/example/app:v1")
    #expect(annotations?["org.opencontainers.image.ref.name"] == "v1")
    // Every blob the manifest names is there, named by its content's digest.
    let manifestDigest = try #require(manifests.first?["digest"] as? String)
    let manifestPath = layout + "/blobs/sha256/" + manifestDigest.dropFirst("sha256:".count)
    let manifest = try LayoutFixture.json(manifestPath)
    let config = try #require(manifest["config"] as? [String: Any])
    let layers = try #require(manifest["layers"] as? [[String: Any]])
    for descriptor in [["digest": manifestDigest]] + [config] + layers {
      let hex = String(try #require(descriptor["digest"] as? String).dropFirst("sha256:".count))
      #expect(try LayoutFixture.sha256(layout + "/blobs/sha256/" + hex) == hex)
    }
    #expect(!FileManager.default.fileExists(atPath: layout + "/ingest"))

    let user = try BuildIntegrationTests.context("content-layout-user", [
      "Dockerfile": "FROM scratch\nCOPY --from=built /token /copied\n"
    ])
    let out = user + "/out"
    let result = try Self.build(["--build-context", "built=oci-layout://\(layout):v1", "-o", "type=local,dest=\(out)", user])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try String(contentsOfFile: out + "/copied", encoding: .utf8) == token + "\n")
  }
}

import Foundation
import KilnCore
import Testing
import Transport

@testable import DockerEngine

/// Image load and push against the private engine: what `kiln build --load`
/// (from a standalone BuildKit) and `--push` (on the engine) rely on.
@Suite(.enabled(if: LiveEngine.available, "needs the private engine: run `make test`"))
struct DockerEngineImageTests {
  static func docker(_ args: [String]) throws -> (status: Int32, out: String) {
    let host = try #require(LiveEngine.host)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/docker")
    process.arguments = ["-H", host] + args
    process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  /// A `docker save` tarball, streamed back with `POST /images/load`, names the image again.
  @Test func loadsASavedTarball() async throws {
    let engine = try LiveEngine.make()
    let tag = "kiln-test/load:\(UUID().uuidString.prefix(8).lowercased())"
    let tarball = NSTemporaryDirectory() + "kiln-load-\(UUID().uuidString).tar"
    defer { try? FileManager.default.removeItem(atPath: tarball) }
    #expect(try Self.docker(["tag", LiveEngine.baseImage, tag]).status == 0)
    #expect(try Self.docker(["save", "-o", tarball, tag]).status == 0)
    #expect(try Self.docker(["image", "rm", tag]).status == 0)
    #expect(try await engine.inspectImage(tag) == nil)
    let messages = try await engine.loadImage(tarballAt: tarball)
    #expect(messages.joined().contains("Loaded image: \(tag)"), "\(messages)")
    #expect(try await engine.inspectImage(tag) != nil)
    _ = try Self.docker(["image", "rm", tag])
  }

  @Test func loadOfGarbageIsAnError() async throws {
    let engine = try LiveEngine.make()
    let file = NSTemporaryDirectory() + "kiln-garbage-\(UUID().uuidString).tar"
    defer { try? FileManager.default.removeItem(atPath: file) }
    try Data("not a tarball".utf8).write(to: URL(fileURLWithPath: file))
    await #expect(throws: KilnError.self) { try await engine.loadImage(tarballAt: file) }
  }

  @Test func pushToTheLocalRegistryAndReadItsDigest() async throws {
    let engine = try LiveEngine.make()
    let tag = "127.0.0.1:5000/kiln-test/engine-push:\(UUID().uuidString.prefix(8).lowercased())"
    #expect(try Self.docker(["tag", LiveEngine.baseImage, tag]).status == 0)
    try await engine.pushImage(tag, registryAuth: "e30=")
    let digest = try await engine.distributionDigest(tag, registryAuth: "e30=")
    #expect(digest.hasPrefix("sha256:"))
    _ = try Self.docker(["image", "rm", tag])
    await #expect(throws: KilnError.self) { try await engine.pushImage("127.0.0.1:5000/kiln-test/never-tagged:x", registryAuth: "e30=") }
  }

  @Test func referencesSplitAtTheTag() {
    #expect(DockerEngine.splitReference("127.0.0.1:5000/a/b:1") == ("127.0.0.1:5000/a/b", "1"))
    #expect(DockerEngine.splitReference("127.0.0.1:5000/a/b") == ("127.0.0.1:5000/a/b", nil))
    #expect(DockerEngine.splitReference("busybox") == ("busybox", nil))
  }
}

import Foundation
import KilnCore
import Testing
import Transport

@testable import DockerEngine

/// Calls against the private engine that `make test` starts (`KILN_TEST_DOCKER_HOST`).
@Suite(.enabled(if: LiveEngine.available, "needs the private engine: run `make test`"))
struct DockerEngineLiveTests {
  @Test func versionAndInfo() async throws {
    let engine = try LiveEngine.make()
    let version = try await engine.version()
    #expect(!version.apiVersion.isEmpty)
    let info = try await engine.info()
    #expect(info.osType == "linux")
  }

  @Test func missingThingsAreNil() async throws {
    let engine = try LiveEngine.make()
    #expect(try await engine.inspectContainer("kiln-no-such-container-\(UUID().uuidString.prefix(6))") == nil)
    #expect(try await engine.inspectVolume("kiln-no-such-volume-\(UUID().uuidString.prefix(6))") == nil)
    #expect(try await engine.inspectImage("kiln-no-such-image:1") == nil)
    let error = await #expect(throws: KilnError.self) { try await engine.startContainer("kiln-no-such-container") }
    #expect(error?.code == .notFound)
    #expect(error?.message.contains("No such container") == true)
  }

  @Test func containerLifecycleWithVolumeAndExec() async throws {
    let engine = try LiveEngine.make()
    let name = "kiln-engine-test-\(UUID().uuidString.prefix(8).lowercased())"
    let image = LiveEngine.baseImage
    #expect(try await engine.inspectImage(image) != nil)
    try await engine.createVolume(name: name + "_state")
    var host = HostConfig()
    host.mounts = [Mount(type: "volume", source: name + "_state", target: "/state")]
    host.memory = 64 << 20
    host.restartPolicy = RestartPolicy(name: "unless-stopped")
    let config = ContainerConfig(image: image, env: ["A=b"], cmd: ["sleep", "300"], hostConfig: host)
    try await engine.createContainer(name: name, config: config)
    do {
      let created = try #require(try await engine.inspectContainer(name))
      #expect(created.name == "/" + name)
      #expect(created.config.env?.contains("A=b") == true)
      #expect(created.hostConfig.memory == 64 << 20)
      #expect(created.hostConfig.restartPolicy?.name == "unless-stopped")
      #expect(created.mounts.contains { $0.name == name + "_state" && $0.destination == "/state" })
      #expect(!created.state.running)
      try await engine.startContainer(name)
      #expect(try await engine.inspectContainer(name)?.state.running == true)
      let result = try await engine.exec(name, ["sh", "-c", "echo out; echo err >&2; exit 3"])
      #expect(result.stdoutText == "out\n")
      #expect(result.stderrText == "err\n")
      #expect(result.exitCode == 3)
      try await engine.stopContainer(name, timeoutSeconds: 1)
      #expect(try await engine.inspectContainer(name)?.state.running == false)
    } catch {
      try? await engine.removeContainer(name, force: true)
      try? await engine.removeVolume(name + "_state")
      throw error
    }
    try await engine.removeContainer(name, force: true)
    #expect(try await engine.inspectContainer(name) == nil)
    #expect(try await engine.inspectVolume(name + "_state") != nil)
    try await engine.removeVolume(name + "_state")
    #expect(try await engine.inspectVolume(name + "_state") == nil)
  }
}

enum LiveEngine {
  static var host: String? { ProcessInfo.processInfo.environment["KILN_TEST_DOCKER_HOST"] }
  static var available: Bool { host != nil || ProcessInfo.processInfo.environment["KILN_REQUIRE_ENGINE"] == "1" }
  static var baseImage: String { ProcessInfo.processInfo.environment["KILN_TEST_BASE_IMAGE"] ?? "busybox:latest" }

  static func make() throws -> DockerEngine {
    let host = try #require(host, "KILN_TEST_DOCKER_HOST is not set: run the suite with `make test`")
    return try DockerEngine(host: DockerHost(host: host))
  }
}

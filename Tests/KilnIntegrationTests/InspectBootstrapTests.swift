import Foundation
import Testing

/// `kiln inspect --bootstrap` on a docker-container builder that was never
/// started: it creates and starts the node's container (the fake-BuildKit
/// image of ``DockerContainerDriverTests``, relaying to the engine's BuildKit)
/// and prints the fields buildx prints for a running node.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct InspectBootstrapTests {
  @Test func bootstrapStartsTheNodeAndReportsIt() throws {
    let scene = DockerContainerDriverTests.Scene()
    let gateway = try DockerContainerDriverTests.gateway(scene)
    let port = try SilentServer.unusedPort()
    let image = try DockerContainerDriverTests.buildImage(scene, relay: "\(gateway) \(port)")
    let relay = try Relay.start(listen: "TCP-LISTEN:\(port),bind=\(gateway),reuseaddr,fork", environment: scene.environment)
    let name = "kib\(UUID().uuidString.prefix(6).lowercased())"
    let container = "buildx_buildkit_\(name)0"
    defer {
      relay.stop()
      _ = try? scene.docker(["rm", "-f", container])
      _ = try? scene.docker(["volume", "rm", container + "_state"])
    }
    let create = try scene.kiln(["create", "--name", name, "--driver", "docker-container", "--driver-opt", "image=\(image)"])
    #expect(create.status == 0, "\(create.stderr)")
    #expect(try scene.inspect(container) == nil, "create without --bootstrap made the container")
    let before = try scene.kiln(["inspect", name])
    #expect(before.stdout.contains("\nStatus:                inactive\n"), "\(before.stdout)")

    let inspect = try scene.kiln(["inspect", name, "--bootstrap"])
    #expect(inspect.status == 0, "\(inspect.stderr)")
    #expect(inspect.stdout.hasPrefix("Name:          \(name)\nDriver:        docker-container\nLast Activity: "), "\(inspect.stdout)")
    #expect(inspect.stdout.contains("\nNodes:\nName:                  \(name)0\nEndpoint:              \(TestEngine.dockerHost ?? "")\n"), "\(inspect.stdout)")
    #expect(inspect.stdout.contains("\nStatus:                running\n"), "\(inspect.stdout)")
    #expect(inspect.stdout.contains("\nBuildKit daemon flags: --allow-insecure-entitlement=network.host\n"), "\(inspect.stdout)")
    // The platforms come from the daemon's workers (the engine's BuildKit behind the relay).
    let platforms = try #require(inspect.stdout.split(separator: "\n").first { $0.hasPrefix("Platforms:") }, "\(inspect.stdout)")
    #expect(platforms.contains("linux/amd64"))
    #expect((try scene.inspect(container)?["State"] as? [String: Any])?["Running"] as? Bool == true)
  }
}

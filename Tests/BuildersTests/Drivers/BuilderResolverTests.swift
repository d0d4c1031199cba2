import Foundation
import KilnCore
import Testing

@testable import Builders

struct BuilderResolverTests {
  func environment(_ root: String, _ extra: [String: String] = [:]) -> Environment {
    Environment(["HOME": root, "DOCKER_CONFIG": root + "/docker", "DOCKER_HOST": "unix:///run/kiln-test.sock"].merging(extra) { $1 })
  }

  @Test func noStoreMeansTheContextBuilder() async throws {
    try await TemporaryStore.with { temp in
      let resolver = BuilderResolver(environment: environment(temp.root), store: temp.store)
      let builder = try await resolver.resolve(name: nil)
      #expect(builder.name == "default")
      #expect(builder.fromDockerContext)
      #expect(builder.nodeGroup.driver == "docker")
      #expect(builder.nodeGroup.nodes.map(\.endpoint) == ["default"])
      #expect(try resolver.currentKey() == "unix:///run/kiln-test.sock")
    }
  }

  @Test func currentThenBuildxBuilderThenFlag() async throws {
    try await TemporaryStore.with { temp in
      for name in ["one", "two"] {
        var group = NodeGroup(name: name, driver: "remote")
        try group.update(NodeUpdate(endpoint: "tcp://127.0.0.1:1234", endpointIsSet: true))
        try await temp.store.save(group)
      }
      let env = environment(temp.root)
      let resolver = BuilderResolver(environment: env, store: temp.store)
      try await temp.store.setCurrent(key: try resolver.currentKey(), name: "one", global: false, default: false)
      #expect(try await resolver.resolve(name: nil).name == "one")
      let viaEnv = BuilderResolver(environment: environment(temp.root, ["BUILDX_BUILDER": "two"]), store: temp.store)
      #expect(try await viaEnv.resolve(name: nil).name == "two")
      #expect(try await viaEnv.resolve(name: "one").name == "one")
      #expect(try await resolver.resolve(name: "default").fromDockerContext)
      let error = await #expect(throws: KilnError.self) { try await resolver.resolve(name: "nope") }
      #expect(error?.message == "no builder \"nope\" found")
    }
  }

  @Test func unknownDriverIsAnError() async throws {
    try await TemporaryStore.with { temp in
      try temp.put("instances/odd", #"{"Name":"odd","Driver":"kubernetes","Nodes":[],"Dynamic":false}"#)
      let resolver = BuilderResolver(environment: environment(temp.root), store: temp.store)
      let error = await #expect(throws: KilnError.self) { try await resolver.resolve(name: "odd") }
      #expect(error?.message.hasPrefix("failed to find driver \"kubernetes\"") == true)
    }
  }

  @Test func driverValidation() throws {
    let docker = DockerDriver()
    #expect(throws: KilnError.self) { try docker.validate(NodeGroup.Node(name: "d", endpoint: "default", files: ["buildkitd.toml": Data()])) }
    let remote = RemoteDriver()
    try remote.validate(NodeGroup.Node(name: "r", endpoint: "tcp://127.0.0.1:1234", driverOptions: ["cacert": "/ca.pem", "default-load": "true"]))
    let error = #expect(throws: KilnError.self) { try remote.validate(NodeGroup.Node(name: "r", endpoint: "tcp://h:1", driverOptions: ["image": "x"])) }
    #expect(error?.message == "invalid driver option image for remote driver")
    #expect(Drivers.names == ["docker", "docker-container", "remote"])
  }
}

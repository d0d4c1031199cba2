import Foundation
import KilnCore
import Testing

@testable import Builders

@Suite struct InstanceFormatTests {
  @Test func readsDockerContainerBuilderWrittenByBuildx() async throws {
    try await TemporaryStore.with { t async throws in
      try t.store.transaction { _ in }  // creates the layout, as buildx would have
      try t.put("instances/mybuilder", Fixtures.dockerContainer)
      try t.put("activity/mybuilder", "2026-11-20T09:30:00Z")

      let group = try await t.store.nodeGroup(named: "mybuilder")
      #expect(group.name == "mybuilder")
      #expect(group.driver == "docker-container")
      #expect(group.dynamic == false)
      #expect(group.lastActivity == Date(timeIntervalSince1970: 1_795_167_000))
      try #require(group.nodes.count == 1)
      let node = group.nodes[0]
      #expect(node.name == "mybuilder0")
      #expect(node.endpoint == "unix:///var/run/docker.sock")
      #expect(node.platforms == [Platform(os: "linux", architecture: "amd64"), Platform(os: "linux", architecture: "arm", variant: "v7")])
      #expect(node.platforms.map(\.description) == ["linux/amd64", "linux/arm/v7"])
      #expect(
        node.driverOptions == [
          "image": "moby/buildkit:v0.23.2", "network": "host", "env.BUILDKIT_STEP_LOG_MAX_SIZE": "10485760",
        ])
      #expect(node.buildkitdFlags == ["--debug", "--allow-insecure-entitlement=network.host"])
      #expect(node.files["buildkitd.toml"] == Data(Fixtures.buildkitdTOML.utf8))
      #expect(node.files["certs/myregistry.io/ca.pem"] == Data(Fixtures.ca.utf8))
    }
  }

  @Test func readsRemoteBuilderWithNullCollections() async throws {
    try await TemporaryStore.with { t async throws in
      try t.store.transaction { _ in }
      try t.put("instances/remote-builder", Fixtures.remote)
      let group = try await t.store.nodeGroup(named: "remote-builder")
      #expect(group.driver == "remote")
      #expect(group.lastActivity == nil)
      let node = try #require(group.nodes.first)
      #expect(node.endpoint == "tcp://buildkitd.example.com:1234")
      #expect(node.platforms.isEmpty)
      #expect(node.buildkitdFlags.isEmpty)
      #expect(node.files.isEmpty)
      #expect(node.driverOptions["servername"] == "buildkitd.example.com")
      #expect(node.driverOptions.count == 4)
    }
  }

  /// Loading and saving again writes exactly the bytes buildx wrote.
  @Test(arguments: [
    ("mybuilder", Fixtures.dockerContainer), ("remote-builder", Fixtures.remote), ("multi", Fixtures.twoNodes),
  ])
  func rewriteIsByteIdentical(name: String, fixture: String) async throws {
    try await TemporaryStore.with { t async throws in
      try t.store.transaction { _ in }
      try t.put("instances/\(name)", fixture)
      try await t.store.withTransaction { tx async throws in
        try tx.save(try tx.nodeGroup(named: name))
      }
      let written = try #require(try t.contents("instances/\(name)"))
      #expect(written == fixture)
      #expect(try jsonKeys(written) == ["Name", "Driver", "Nodes", "Dynamic"])
      // Save also records activity, under the name as stored.
      #expect(try t.contents("activity/\(name)") != nil)
    }
  }

  @Test func builderMadeByKilnIsWrittenAsBuildxWould() async throws {
    try await TemporaryStore.with { t async throws in
      var group = NodeGroup(name: "mybuilder", driver: "docker-container")
      try group.update(
        NodeUpdate(
          endpoint: "unix:///var/run/docker.sock", endpointIsSet: false, platforms: ["linux/amd64,linux/arm"],
          buildkitdFlags: ["--debug", "--allow-insecure-entitlement=network.host"],
          configFiles: ["buildkitd.toml": Data(Fixtures.buildkitdTOML.utf8), "certs/myregistry.io/ca.pem": Data(Fixtures.ca.utf8)],
          driverOptions: [
            "network": "host", "image": "moby/buildkit:v0.23.2", "env.BUILDKIT_STEP_LOG_MAX_SIZE": "10485760",
          ]
        ))
      try await t.store.save(group)
      #expect(try t.contents("instances/mybuilder") == Fixtures.dockerContainer)

      let remote = NodeGroup(
        name: "remote-builder", driver: "remote",
        nodes: [
          NodeGroup.Node(
            name: "remote-builder0", endpoint: "tcp://buildkitd.example.com:1234",
            driverOptions: [
              "servername": "buildkitd.example.com", "key": "/home/me/certs/key.pem",
              "cert": "/home/me/certs/cert.pem", "cacert": "/home/me/certs/ca.pem",
            ])
        ])
      try await t.store.save(remote)
      #expect(try t.contents("instances/remote-builder") == Fixtures.remote)
    }
  }

  @Test func mixedCaseNameIsStoredUnderLowerCaseFileName() async throws {
    try await TemporaryStore.with { t async throws in
      try await t.store.save(NodeGroup(name: "MyBuilder", driver: "docker"))
      #expect(try t.entries("instances") == ["mybuilder"])
      // buildx keeps the activity record under the name as typed.
      #expect(try t.entries("activity") == ["MyBuilder"])
      #expect(
        try t.contents("instances/mybuilder") == #"{"Name":"MyBuilder","Driver":"docker","Nodes":null,"Dynamic":false}"#)
      let loaded = try await t.store.nodeGroup(named: "MYBUILDER")
      #expect(loaded.name == "MyBuilder")
      #expect(loaded.lastActivity != nil)

      try await t.store.remove(named: "mybuilder")
      #expect(try t.entries("instances").isEmpty)
      #expect(try t.entries("activity").isEmpty)
    }
  }

  @Test func fieldsFromNewerBuildxSurviveARewrite() async throws {
    try await TemporaryStore.with { t async throws in
      try t.store.transaction { _ in }
      let future =
        #"{"Name":"f","Driver":"remote","Nodes":[{"Name":"f0","Endpoint":"tcp://h:1","Platforms":null,"DriverOpts":null,"#
        + #""Flags":null,"Files":null,"Weight":3.5e1}],"Dynamic":false,"Labels":{"team":"x"}}"#
      try t.put("instances/f", future)
      try await t.store.withTransaction { tx async throws in
        var group = try tx.nodeGroup(named: "f")
        group.driver = "remote"
        try tx.save(group)
      }
      #expect(try t.contents("instances/f") == future)
    }
  }

  /// Go's decoder matches field names case-insensitively, the last
  /// duplicate wins, and `null` means the zero value.
  @Test func decodesLikeGo() throws {
    let text = #"{"name":"a","NAME":"b","driver":null,"nodes":[{"name":"n","platforms":[{"OS":"linux","Architecture":"amd64"}]}]}"#
    let group = try NodeGroup(json: GoJSON(parsing: Array(text.utf8)))
    #expect(group.name == "b")
    #expect(group.driver == "")
    #expect(group.nodes.first?.platforms == [Platform(os: "linux", architecture: "amd64")])
  }

  /// Go escapes HTML-significant characters and U+2028/9, keeps `/` and
  /// other non-ASCII text as is, and writes control characters as \uXXXX
  /// except the short forms (`\b` and `\f` since Go 1.22).
  @Test func encodesStringsLikeGo() {
    let value = GoJSON.string("a<b>&c/d\u{2028}é\u{01}\n\t\"\\\u{08}\u{0C}\u{1F}")
    #expect(String(decoding: value.goEncoded, as: UTF8.self) == #""a\u003cb\u003e\u0026c/d\u2028é\u0001\n\t\"\\\b\f\u001f""#)
  }

  @Test func osVersionAndFeaturesAreWrittenOnlyWhenSet() {
    let platform = Platform(os: "windows", architecture: "amd64", osVersion: "10.0.20348", osFeatures: ["win32k"])
    #expect(
      String(decoding: platform.json.goEncoded, as: UTF8.self)
        == #"{"architecture":"amd64","os":"windows","os.version":"10.0.20348","os.features":["win32k"]}"#)
  }

  @Test(arguments: [
    #"{"Name":"x","Nodes":"nope"}"#, #"{"Name":5}"#, #"{"Name":"x","Nodes":[{"Files":{"a":"***"}}]}"#, "[]", "{", "",
    #"{"Name":"x"} trailing"#,
  ])
  func rejectsMalformedDocuments(text: String) {
    #expect(throws: (any Error).self) { try NodeGroup(json: GoJSON(parsing: Array(text.utf8))) }
  }

  @Test func parsesEscapesAndNumbers() throws {
    let value = try GoJSON(parsing: Array(#" {"a" : ["\u00e9\ud83d\ude00\/", -1.5e+3, true, null]} "#.utf8))
    #expect(value == .object([GoJSONMember("a", .array([.string("é😀/"), .number("-1.5e+3"), .bool(true), .null]))]))
  }
}

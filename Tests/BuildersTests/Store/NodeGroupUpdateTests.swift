import Foundation
import KilnCore
import Testing

@testable import Builders

@Suite struct NodeGroupUpdateTests {
  /// The sequence buildx's own unit test walks through, restated.
  @Test func appendUpdateAndLeaveRebalancePlatforms() throws {
    var group = NodeGroup(name: "g", driver: "docker-container")
    try group.update(
      NodeUpdate(nodeName: "foo", endpoint: "foo0", endpointIsSet: true, platforms: ["linux/amd64"], buildkitdFlags: ["--debug"]))
    try group.update(
      NodeUpdate(nodeName: "foo1", endpoint: "foo1", endpointIsSet: true, platforms: ["linux/arm64", "linux/arm/v7"], append: true))
    #expect(group.nodes.count == 2)

    // Updating foo claims linux/arm (= linux/arm/v7) from foo1.
    let restart = try group.update(
      NodeUpdate(nodeName: "foo", endpoint: "foo2", endpointIsSet: true, platforms: ["linux/amd64", "linux/arm"]))
    #expect(restart)
    #expect(group.nodes.count == 2)
    #expect(group.nodes[0].platforms.map(\.description) == ["linux/amd64", "linux/arm/v7"])
    #expect(group.nodes[1].platforms.map(\.description) == ["linux/arm64"])
    #expect(group.nodes[0].endpoint == "foo2")
    #expect(group.nodes[0].buildkitdFlags == ["--debug"])
    #expect(group.nodes[1].buildkitdFlags == [])

    let before = group
    let duplicate = try #require(throws: KilnError.self) {
      try group.update(NodeUpdate(nodeName: "foo1", endpoint: "foo2", endpointIsSet: true))
    }
    #expect(duplicate.message.contains("invalid duplicate endpoint foo2"))
    #expect(group == before, "a failed update leaves the group unchanged")

    try group.leave(node: "foo")
    #expect(group.nodes.map(\.name) == ["foo1"])
    #expect(group.nodes[0].platforms.map(\.description) == ["linux/arm64"])
  }

  @Test func generatedNodeNamesAreBuilderNamePlusIndex() throws {
    var group = NodeGroup(name: "mybuilder", driver: "docker-container")
    try group.update(NodeUpdate(endpoint: "a", endpointIsSet: true))
    try group.update(NodeUpdate(endpoint: "b", endpointIsSet: true, append: true))
    #expect(group.nodes.map(\.name) == ["mybuilder0", "mybuilder1"])
    try group.leave(node: "mybuilder0")
    try group.update(NodeUpdate(endpoint: "c", endpointIsSet: true, append: true))
    #expect(group.nodes.map(\.name) == ["mybuilder1", "mybuilder0"])
    // Explicit node names are lower-cased like builder names.
    try group.update(NodeUpdate(nodeName: "Fast", endpoint: "d", endpointIsSet: true, append: true))
    #expect(group.nodes.last?.name == "fast")

    var capitals = NodeGroup(name: "MyBuilder", driver: "docker-container")
    try capitals.update(NodeUpdate(endpoint: "a", endpointIsSet: true))
    try capitals.update(NodeUpdate(endpoint: "b", endpointIsSet: true, append: true))
    #expect(capitals.nodes.map(\.name) == ["mybuilder0", "mybuilder1"])
  }

  @Test func existingNodeKeepsSettingsThatWereNotGiven() throws {
    var group = NodeGroup(name: "b", driver: "docker-container")
    try group.update(
      NodeUpdate(
        nodeName: "n", endpoint: "ctx", endpointIsSet: false, platforms: ["linux/amd64"], buildkitdFlags: ["--debug"],
        configFiles: ["buildkitd.toml": Data("a".utf8), "certs/x/ca.pem": Data("ca".utf8)], driverOptions: ["image": "bk"]))
    // Same endpoint, not set by the user, nothing else given: no restart needed.
    #expect(try group.update(NodeUpdate(nodeName: "n", endpoint: "ctx", endpointIsSet: false)) == false)
    #expect(group.nodes[0].platforms.map(\.description) == ["linux/amd64"])
    #expect(group.nodes[0].buildkitdFlags == ["--debug"])
    #expect(group.nodes[0].driverOptions == ["image": "bk"])

    // A new config replaces buildkitd.toml but keeps certificates it does not mention.
    try group.update(NodeUpdate(nodeName: "n", endpoint: "ctx", endpointIsSet: false, configFiles: ["buildkitd.toml": Data("b".utf8)]))
    #expect(group.nodes[0].files == ["buildkitd.toml": Data("b".utf8), "certs/x/ca.pem": Data("ca".utf8)])
  }

  @Test func unknownNodeWithoutAppendIsRejected() throws {
    var group = NodeGroup(name: "b", driver: "docker-container")
    try group.update(NodeUpdate(endpoint: "a", endpointIsSet: true))
    let error = try #require(throws: KilnError.self) { try group.update(NodeUpdate(nodeName: "other", endpoint: "b", endpointIsSet: true)) }
    #expect(error.code == .notFound)
    #expect(error.message.contains("did you mean to append?"))
  }

  @Test func leaveRules() throws {
    var group = NodeGroup(name: "b", driver: "docker-container", nodes: [NodeGroup.Node(name: "b0", endpoint: "a")])
    #expect(throws: KilnError.self) { try group.leave(node: "zzz") }
    let last = try #require(throws: KilnError.self) { try group.leave(node: "b0") }
    #expect(last.message.contains("last node"))
    var dynamic = NodeGroup(
      name: "k", driver: "kubernetes", nodes: [NodeGroup.Node(name: "k0", endpoint: "a"), NodeGroup.Node(name: "k1", endpoint: "b")],
      dynamic: true)
    #expect(throws: KilnError.self) { try dynamic.leave(node: "k0") }
    #expect(throws: KilnError.self) { try dynamic.update(NodeUpdate(endpoint: "c", endpointIsSet: true, append: true)) }
  }

  @Test func invalidPlatformOrNodeNameFails() throws {
    var group = NodeGroup(name: "b", driver: "docker-container")
    #expect(throws: KilnError.self) { try group.update(NodeUpdate(endpoint: "a", endpointIsSet: true, platforms: ["linux/*"])) }
    #expect(throws: KilnError.self) { try group.update(NodeUpdate(nodeName: "9lives", endpoint: "a", endpointIsSet: true)) }
    #expect(group.nodes.isEmpty)
  }
}

@Suite struct BuilderNameTests {
  @Test(arguments: ["a", "mybuilder", "My.Builder-1_x", "Z9"])
  func valid(name: String) throws {
    #expect(try BuilderName.validate(name) == name.lowercased())
  }

  @Test(arguments: ["", "1abc", "-x", "_x", ".x", "foo/bar", "../x", "a b", "é", "a\n", "a:b"])
  func invalid(name: String) async throws {
    let error = try #require(throws: KilnError.self) { try BuilderName.validate(name) }
    #expect(error.code == .invalidArgument)
    #expect(error.message.contains("\"\(name)\""))
    try await TemporaryStore.with { t async throws in
      await #expect(throws: KilnError.self) { try await t.store.save(NodeGroup(name: name, driver: "docker")) }
      await #expect(throws: KilnError.self) { try await t.store.nodeGroup(named: name) }
      #expect(try t.entries("instances").isEmpty)
    }
  }
}

@Suite struct PlatformTests {
  @Test(arguments: [
    ("linux/amd64", "linux/amd64"), ("linux/arm", "linux/arm/v7"), ("linux/arm/7", "linux/arm/v7"),
    ("linux/arm/v6", "linux/arm/v6"), ("linux/arm64/v8", "linux/arm64"), ("Linux/AARCH64", "linux/arm64"),
    ("linux/x86_64", "linux/amd64"), ("linux/amd64/v3", "linux/amd64/v3"), ("macos/arm64", "darwin/arm64"),
    ("linux/armhf", "linux/arm/v7"), ("linux/i386", "linux/386"),
  ])
  func parsesAndNormalizes(specifier: String, expected: String) throws {
    #expect(try Platform.parseList([specifier]).map(\.description) == [expected])
  }

  @Test func singleComponentMeansHostOSOrHostArchitecture() throws {
    #expect(try Platform.parseList(["linux"]) == [Platform(os: "linux", architecture: Platform.host.architecture)])
    #expect(try Platform.parseList(["s390x"]) == [Platform(os: Platform.host.os, architecture: "s390x")])
    #expect(try Platform.parseList(["LOCAL"]) == [Platform.host])
  }

  @Test func commaSeparatedValuesAndOSVersions() throws {
    let parsed = try Platform.parseList(["linux/amd64,linux/arm64", "windows(10.0.20348+win32k)/amd64"])
    #expect(parsed.map(\.description) == ["linux/amd64", "linux/arm64", "windows/amd64"])
    #expect(parsed[2].osVersion == "10.0.20348")
    #expect(parsed[2].osFeatures == ["win32k"])
  }

  @Test(arguments: ["", "linux/*", "linux/amd64/v2/x", "linux/", "nosuchthing", "linux/am d64", "linux(1.0"])
  func rejects(specifier: String) {
    #expect(throws: KilnError.self) { try Platform.parseList([specifier]) }
  }

  @Test func activityTimesUseGoRFC3339() throws {
    let date = Date(timeIntervalSince1970: 1_795_167_000.75)
    #expect(RFC3339.format(date) == "2026-11-20T09:30:00Z")
    #expect(RFC3339.parse("2026-11-20T09:30:00Z") == Date(timeIntervalSince1970: 1_795_167_000))
    #expect(RFC3339.parse("2026-11-20T10:30:00.5+01:00") == Date(timeIntervalSince1970: 1_795_167_000.5))
    #expect(RFC3339.parse("2026-11-20 09:30:00") == nil)
    #expect(RFC3339.parse("2026-13-20T09:30:00Z") == nil)
  }
}

import Foundation
import KilnCore
import Testing

@testable import Builders

@Suite struct ListingTests {
  @Test func damagedFilesAreReportedAndTheRestStillListed() async throws {
    try await TemporaryStore.with { t async throws in
      try await t.store.save(NodeGroup(name: "beta", driver: "remote", nodes: [NodeGroup.Node(name: "beta0", endpoint: "tcp://b:1")]))
      try await t.store.save(NodeGroup(name: "Alpha", driver: "docker-container"))
      try t.put("instances/truncated", #"{"Name":"truncated","Driver":"dock"#)
      try t.put("instances/wrongtype", #"{"Name":"wrongtype","Nodes":[{"Name":"n","Platforms":"linux/amd64"}]}"#)
      try t.put("instances/.tmp-beta12345", "half a write")  // left by an interrupted writer: ignored
      try t.put("instances/not a name", "{}")

      let listing = try await t.store.list()
      #expect(listing.nodeGroups.map(\.name) == ["Alpha", "beta"])
      #expect(
        listing.failures.map(\.path) == [
          t.root + "/instances/not a name", t.root + "/instances/truncated", t.root + "/instances/wrongtype",
        ])
      let truncated = listing.failures[1].description
      #expect(truncated.contains(t.root + "/instances/truncated is damaged"))
      #expect(truncated.contains("unterminated string"))
      #expect(listing.failures[2].description.contains("field Nodes[0].Platforms: expected an array, found string"))
    }
  }

  @Test func loadingADamagedBuilderNamesTheFile() async throws {
    try await TemporaryStore.with { t async throws in
      try t.store.transaction { _ in }
      try t.put("instances/broken", "not json")
      let error = try await #require(throws: KilnError.self) { try await t.store.nodeGroup(named: "broken") }
      #expect(error.code == .io)
      #expect(error.description.hasPrefix("builder file \(t.root)/instances/broken is damaged: invalid JSON at byte 0"))
    }
  }

  @Test func damagedActivityRecordIsReported() async throws {
    try await TemporaryStore.with { t async throws in
      try await t.store.save(NodeGroup(name: "a", driver: "docker"))
      try t.put("activity/a", "yesterday")
      let listing = try await t.store.list()
      #expect(listing.nodeGroups.isEmpty)
      #expect(listing.failures.first?.description.contains("\(t.root)/activity/a is damaged") == true)
    }
  }

  @Test func missingBuilderIsNotFound() async throws {
    try await TemporaryStore.with { t async throws in
      let error = try await #require(throws: KilnError.self) { try await t.store.nodeGroup(named: "nope") }
      #expect(error.code == .notFound)
      #expect(error.message == "no builder \"nope\" found")
      try await t.store.withTransaction { tx async throws in
        #expect(try tx.nodeGroupIfPresent(named: "nope") == nil)
      }
      #expect(try await t.store.remove(named: "nope") == false)
    }
  }

  @Test func removeDeletesInstanceActivityAndBuildHistory() async throws {
    try await TemporaryStore.with { t async throws in
      try await t.store.save(NodeGroup(name: "b", driver: "docker-container", nodes: [NodeGroup.Node(name: "b0", endpoint: "x")]))
      try await t.store.save(NodeGroup(name: "keep", driver: "docker-container", nodes: [NodeGroup.Node(name: "keep0", endpoint: "y")]))
      let ref = #"{"Target":"default","LocalPath":"/src","DockerfilePath":"/src/Dockerfile","GroupRef":"g1"}"#
      try t.put("refs/b/b0/ref1", ref)
      try t.put("refs/b/b0/ref2", ref)
      try t.put("refs/keep/keep0/ref3", ref.replacingOccurrences(of: "g1", with: "g2"))
      try t.put("refs/__group__/g1", #"{"Targets":["default"],"Refs":["b/b0/ref1","b/b0/ref2"]}"#)
      try t.put("refs/__group__/g2", #"{"Refs":["keep/keep0/ref3","b/b0/other"]}"#)

      #expect(try await t.store.remove(named: "B") == true)
      #expect(try t.entries("instances") == ["keep"])
      #expect(try t.entries("activity") == ["keep"])
      #expect(try t.entries("refs") == ["__group__", "keep"])
      // A group made only of the removed builder's refs goes with it.
      #expect(try t.entries("refs/__group__") == ["g2"])
    }
  }

  @Test func leavingNodeForgetsItsBuildHistory() async throws {
    try await TemporaryStore.with { t async throws in
      try t.put("refs/b/b1/ref1", #"{"GroupRef":"g"}"#)
      try t.put("refs/b/b0/ref2", #"{"GroupRef":"g"}"#)
      try t.put("refs/__group__/g", #"{"Refs":["b/b1/ref1","b/b0/ref2"]}"#)
      try await t.store.withTransaction { tx async throws in try tx.removeLocalState(builder: "b", node: "b1") }
      #expect(try t.entries("refs/b") == ["b0"])
      #expect(try t.entries("refs/__group__") == ["g"])
    }
  }

  @Test func storeIsCreatedWithPrivatePermissions() async throws {
    try await TemporaryStore.with { t async throws in
      try await t.store.save(NodeGroup(name: "a", driver: "docker"))
      #expect(try t.entries("") == [".lock", "activity", "defaults", "instances"])
      var st = stat()
      #expect(stat(t.root + "/instances", &st) == 0 && st.st_mode & 0o777 == 0o700)
      #expect(stat(t.root + "/instances/a", &st) == 0 && st.st_mode & 0o777 == 0o600)
      #expect(stat(t.root + "/.lock", &st) == 0 && st.st_mode & 0o777 == 0o600)
    }
  }
}

@Suite struct StoreLocationTests {
  @Test(arguments: [
    (["BUILDX_CONFIG": "/etc/bx", "DOCKER_CONFIG": "/d", "HOME": "/home/u"], "/etc/bx"),
    (["BUILDX_CONFIG": "", "DOCKER_CONFIG": "/d/", "HOME": "/home/u"], "/d/buildx"),
    (["DOCKER_CONFIG": "", "HOME": "/home/u"], "/home/u/.docker/buildx"),
    (["DOCKER_CONFIG": "/", "HOME": "/home/u"], "/buildx"),
    (["DOCKER_CONFIG": "relative/dir", "HOME": "/home/u"], "relative/dir/buildx"),
  ])
  func rootFollowsBuildx(environment: [String: String], expected: String) {
    #expect(Store.rootDirectory(environment: Environment(environment)) == expected)
    #expect(Store.default(environment: Environment(environment)).root == expected)
  }

  /// Under sudo, everything written is handed to the invoking user (needs root to test).
  @Test(.enabled(if: getuid() == 0)) func filesAreHandedToTheSudoInvoker() async throws {
    try await TemporaryStore.with { t async throws in
      let owner = FileOwner(uid: 4242, gid: 4243)
      let store = Store(root: t.root, owner: owner)
      try await store.save(NodeGroup(name: "a", driver: "docker"))
      try await store.setCurrent(key: "k", name: "a", global: false, default: true)
      for path in ["", "/.lock", "/instances", "/instances/a", "/activity/a", "/current", "/defaults"] {
        var st = stat()
        #expect(stat(t.root + path, &st) == 0 && st.st_uid == 4242 && st.st_gid == 4243, "\(path)")
      }
    }
  }

  @Test func sudoOwnerOnlyForStoresInTheInvokersHome() {
    let plain = Environment(["HOME": "/root"])
    #expect(Store.sudoInvoker(environment: plain, root: "/root/.docker/buildx") == nil)
    let elsewhere = Environment(["HOME": "/root", "SUDO_COMMAND": "/bin/kiln", "SUDO_UID": "0", "SUDO_GID": "0"])
    #expect(Store.sudoInvoker(environment: elsewhere, root: "/srv/buildx") == nil)
  }
}

import KilnCore
import Testing

@testable import Builders

@Suite struct CurrentBuilderTests {
  static let docker = "unix:///var/run/docker.sock"
  /// First 20 hex digits of SHA-256("unix:///var/run/docker.sock"), as buildx names defaults files.
  static let dockerHash = "13c4025c96f36e94b348"

  func makeBuilders(_ t: TemporaryStore, _ names: String...) async throws {
    for name in names {
      try await t.store.save(
        NodeGroup(name: name, driver: "docker-container", nodes: [NodeGroup.Node(name: name + "0", endpoint: Self.docker)]))
    }
  }

  @Test func emptyStoreHasNoCurrentBuilder() async throws {
    try await TemporaryStore.with { t async throws in
      #expect(try await t.store.current(key: Self.docker) == nil)
      // buildx resets `current` to the asking endpoint when nothing applies.
      #expect(try t.contents("current") == #"{"Key":"unix:///var/run/docker.sock","Name":"","Global":false}"#)
    }
  }

  @Test func selectionAppliesToItsEndpointOnly() async throws {
    try await TemporaryStore.with { t async throws in
      try await makeBuilders(t, "a")
      try await t.store.setCurrent(key: Self.docker, name: "a", global: false, default: false)
      #expect(try t.contents("current") == #"{"Key":"unix:///var/run/docker.sock","Name":"a","Global":false}"#)
      #expect(try await t.store.current(key: Self.docker)?.name == "a")
      #expect(try await t.store.current(key: "desktop-linux") == nil)
      // As in buildx, asking for another endpoint forgets a non-default selection.
      #expect(try await t.store.current(key: Self.docker) == nil)
    }
  }

  @Test func globalSelectionAppliesEverywhere() async throws {
    try await TemporaryStore.with { t async throws in
      try await makeBuilders(t, "g")
      try await t.store.setCurrent(key: Self.docker, name: "g", global: true, default: false)
      #expect(try t.contents("current") == #"{"Key":"unix:///var/run/docker.sock","Name":"g","Global":true}"#)
      #expect(try await t.store.current(key: "desktop-linux")?.name == "g")
      #expect(try await t.store.current(key: Self.docker)?.name == "g")
    }
  }

  @Test func defaultIsRememberedPerEndpoint() async throws {
    try await TemporaryStore.with { t async throws in
      try await makeBuilders(t, "a", "b")
      try await t.store.setCurrent(key: Self.docker, name: "a", global: false, default: true)
      #expect(try t.entries("defaults") == [Self.dockerHash])
      #expect(try t.contents("defaults/\(Self.dockerHash)") == "a")

      #expect(try await t.store.current(key: "desktop-linux") == nil)
      // Back on the first endpoint, the default is found and selected again.
      #expect(try await t.store.current(key: Self.docker)?.name == "a")
      #expect(try t.contents("current") == #"{"Key":"unix:///var/run/docker.sock","Name":"a","Global":false}"#)

      // A later non-default `use` drops the endpoint's default.
      try await t.store.setCurrent(key: Self.docker, name: "b", global: false, default: false)
      #expect(try t.entries("defaults").isEmpty)
      #expect(try await t.store.current(key: Self.docker)?.name == "b")
    }
  }

  @Test func removedBuilderIsNoLongerCurrent() async throws {
    try await TemporaryStore.with { t async throws in
      try await makeBuilders(t, "gone")
      try await t.store.setCurrent(key: Self.docker, name: "gone", global: true, default: false)
      try await t.store.remove(named: "gone")
      #expect(try await t.store.current(key: Self.docker) == nil)
      #expect(try await t.store.current(key: "other") == nil)
    }
  }

  @Test func readsCurrentWrittenByBuildx() async throws {
    try await TemporaryStore.with { t async throws in
      try await makeBuilders(t, "mybuilder")
      try t.put("current", #"{"Key":"desktop-linux","Name":"mybuilder","Global":false}"#)
      try await t.store.withTransaction { tx async throws in
        #expect(try tx.currentSelection() == CurrentSelection(key: "desktop-linux", name: "mybuilder", global: false))
        #expect(try tx.current(key: "desktop-linux")?.name == "mybuilder")
      }
    }
  }

  @Test func damagedCurrentFileIsReportedWithItsPath() async throws {
    try await TemporaryStore.with { t async throws in
      try t.store.transaction { _ in }
      try t.put("current", #"{"Key":"#)
      let error = try await #require(throws: KilnError.self) { try await t.store.current(key: Self.docker) }
      #expect(error.code == .io)
      #expect(error.description.contains(t.root + "/current"))
    }
  }

  @Test func defaultsFileNameIsTruncatedSHA256() throws {
    #expect(SHA256Hasher.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(SHA256Hasher.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let long = Array(String(repeating: "a", count: 1000).utf8)
    #expect(SHA256Hasher.hex(long) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    #expect(String(SHA256Hasher.hex(Array(Self.docker.utf8)).prefix(20)) == Self.dockerHash)
  }
}

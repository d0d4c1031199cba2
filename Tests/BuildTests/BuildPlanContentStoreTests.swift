import Build
import BuildKit
import Foundation
import KilnCore
import Testing

/// The session content stores a plan sets up, named as BuildKit's client
/// names them, and the digests resolved from `index.json` as it does.
struct BuildPlanContentStoreTests {
  static let manifest = "sha256:" + String(repeating: "ab", count: 32)

  /// An OCI layout whose index names one manifest (`tag`), with the blob present.
  static func layout(in dir: String, tag: String = "latest") throws -> String {
    let root = dir + "/layout-" + UUID().uuidString
    let hex = String(manifest.dropFirst("sha256:".count))
    try FileManager.default.createDirectory(atPath: root + "/blobs/sha256", withIntermediateDirectories: true)
    try Data("{}".utf8).write(to: URL(fileURLWithPath: root + "/blobs/sha256/" + hex))
    let index = #"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"\#(manifest)","size":2,"annotations":{"org.opencontainers.image.ref.name":"\#(tag)"}}]}"#
    try Data(index.utf8).write(to: URL(fileURLWithPath: root + "/index.json"))
    return root
  }

  static func plan(_ configure: (inout BuildFlags, String) throws -> Void) throws -> BuildPlan {
    let dir = try BuildPlanTests.context()
    var flags = BuildFlags()
    try configure(&flags, dir)
    return try BuildPlan(flags: flags, contextPath: dir, environment: Environment([:]), currentDirectory: dir, onEngine: false)
  }

  @Test func localCacheExportIsAStoreNamedByItsDest() throws {
    let plan = try Self.plan { flags, _ in flags.cacheTo = ["type=local,dest=cache", "type=local,dest=other,tag=v2"] }
    let cache = try #require(plan.contentStores["local:cache"])
    #expect(cache.hasSuffix("/cache"))
    #expect(FileManager.default.fileExists(atPath: cache))
    #expect(plan.layoutUpdates.contains(LayoutIndexUpdate(path: cache, cacheTag: "latest")))
    #expect(plan.layoutUpdates.contains { $0.path.hasSuffix("/other") && $0.cacheTag == "v2" })
    #expect(plan.cacheExports.first == CacheEntry(type: "local", attrs: ["dest": "cache"]))
    #expect(throws: KilnError.self) { try Self.plan { flags, _ in flags.cacheTo = ["type=local"] } }
    #expect(throws: KilnError.self) { try Self.plan { flags, _ in flags.cacheTo = ["type=local,dest=c,reset=maybe"] } }
    let reset = try Self.plan { flags, _ in flags.cacheTo = ["type=local,dest=c,reset=true"] }
    #expect(reset.layoutUpdates.first?.reset == true)
  }

  @Test func localCacheImportResolvesTheDigestByTag() throws {
    var layoutPath = ""
    let plan = try Self.plan { flags, dir in
      layoutPath = try Self.layout(in: dir, tag: "t1")
      flags.cacheFrom = ["type=local,src=\(layoutPath),tag=t1", "type=local,src=\(dir)/missing", "type=local,src=\(layoutPath),tag=nope"]
    }
    #expect(plan.cacheImports == [CacheEntry(type: "local", attrs: ["src": layoutPath, "tag": "t1", "digest": Self.manifest])])
    #expect(plan.contentStores["local:" + layoutPath] == layoutPath)
    #expect(plan.frontendAttrs["cache-imports"]?.contains(Self.manifest) == true)
    #expect(plan.warnings.count == 2)
    #expect(plan.warnings.contains { $0.contains("/missing skipped due to err: could not read") })
    #expect(plan.warnings.contains { $0.hasSuffix("skipped: no digest found for tag nope") })
  }

  @Test func ociLayoutContextGetsARandomStoreName() throws {
    var layoutPath = ""
    let plan = try Self.plan { flags, dir in
      layoutPath = try Self.layout(in: dir, tag: "v1")
      flags.buildContexts = ["tagged=oci-layout://\(layoutPath):v1", "single=oci-layout://\(layoutPath)", "pinned=oci-layout://\(layoutPath)@\(Self.manifest)"]
    }
    for (name, suffix) in [("tagged", ":v1@"), ("single", ":latest@"), ("pinned", "@")] {
      let value = try #require(plan.frontendAttrs["context:" + name])
      #expect(value.hasPrefix("oci-layout://"))
      #expect(value.hasSuffix(suffix + Self.manifest), "\(value)")
      let store = String(value.dropFirst("oci-layout://".count).prefix(25))
      #expect(plan.contentStores["oci:" + store] == layoutPath)
    }
    #expect(throws: KilnError.self) {
      try Self.plan { flags, dir in flags.buildContexts = ["x=oci-layout://\(dir)/nothing"] }
    }
    #expect(throws: KilnError.self) {
      try Self.plan { flags, dir in flags.buildContexts = ["x=oci-layout://\(dir)@sha256:zz"] }
    }
  }

  @Test func layoutOutputChecksItsDestination() throws {
    #expect(throws: KilnError.self) { try Self.plan { flags, _ in flags.outputs = ["type=oci,tar=false"] } }
    #expect(throws: KilnError.self) { try Self.plan { flags, _ in flags.outputs = ["type=oci,dest=-,tar=false"] } }
    #expect(throws: KilnError.self) {
      try Self.plan { flags, dir in
        try Data().write(to: URL(fileURLWithPath: dir + "/file"))
        flags.outputs = ["type=docker,dest=\(dir)/file,tar=false"]
      }
    }
    let plan = try Self.plan { flags, _ in flags.outputs = ["type=docker,dest=out,tar=false"] }
    #expect(plan.exports.map(\.type) == ["docker"])
    #expect(plan.layoutUpdates == [LayoutIndexUpdate(path: try #require(plan.contentStores["export"]), cacheTag: nil)])
  }
}

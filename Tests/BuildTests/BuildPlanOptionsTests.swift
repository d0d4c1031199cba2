import Build
import BuildKit
import Foundation
import KilnCore
import Testing

/// The flags wired after the first build work: outputs, push, cache, named
/// contexts, entitlements, limits, attestations, `-f -` and remote contexts.
struct BuildPlanOptionsTests {
  static func plan(_ configure: (inout BuildFlags) -> Void, context: String? = nil, onEngine: Bool = true) throws -> BuildPlan {
    let dir = try BuildPlanTests.context()
    var flags = BuildFlags()
    configure(&flags)
    return try BuildPlan(flags: flags, contextPath: context ?? dir, environment: Environment([:]), currentDirectory: dir, onEngine: onEngine)
  }

  @Test func pushOnEngineIsMobyThenEnginePush() throws {
    let plan = try Self.plan { $0.tags = ["127.0.0.1:5000/a:1", "127.0.0.1:5000/b"]; $0.push = true }
    #expect(plan.exports == [ExportSpec(type: "moby", attrs: ["name": "127.0.0.1:5000/a:1,127.0.0.1:5000/b", "push": "true", "unpack": "false"])])
    #expect(plan.pushNames == ["127.0.0.1:5000/a:1", "127.0.0.1:5000/b"])
    let registry = try Self.plan { $0.tags = ["r/x"]; $0.outputs = ["type=registry"] }
    #expect(registry.pushNames == ["r/x"])
    let both = try Self.plan { $0.tags = ["r/x"]; $0.push = true; $0.load = true }
    #expect(both.exports.map(\.type) == ["moby"])
    #expect(both.pushNames == ["r/x"])
    #expect(throws: KilnError.self) { try Self.plan { $0.push = true } }
  }

  @Test func standaloneOutputs() throws {
    let push = try Self.plan({ $0.tags = ["r/x"]; $0.push = true }, onEngine: false)
    #expect(push.exports == [ExportSpec(type: "image", attrs: ["name": "r/x", "push": "true", "unpack": "false"])])
    #expect(push.pushNames.isEmpty)
    let oci = try Self.plan({ $0.outputs = ["type=oci,dest=out.tar"] }, onEngine: false)
    #expect(oci.exports.map(\.type) == ["oci"])
    if case .file(let path?) = oci.outputTarget { #expect(path.hasSuffix("/out.tar")) } else { Issue.record("no file target") }
    let layout = try Self.plan({ $0.outputs = ["type=oci,dest=layout,tar=false"] }, onEngine: false)
    #expect(layout.outputTarget == nil)
    #expect(layout.exports.first?.layoutDirectory?.hasSuffix("/layout") == true)
    #expect(layout.contentStores["export"] == layout.exports.first?.layoutDirectory)
  }

  @Test func engineRefusesWhatItCannotDo() {
    for configure: (inout BuildFlags) -> Void in [
      { $0.outputs = ["type=oci,dest=x.tar"] },
      { $0.outputs = ["type=docker,dest=x.tar"] },
      { $0.cacheTo = ["type=registry,ref=r/cache"] },
      { $0.attests = ["type=sbom"] },
      { $0.provenance = "mode=max" },
      { $0.cacheTo = ["type=local,dest=/tmp/kiln-never-made"] },
    ] {
      #expect(throws: KilnError.self) { try Self.plan(configure) }
    }
  }

  @Test func attributesAndEntitlements() throws {
    let dir = try BuildPlanTests.context()
    let plan = try Self.plan {
      $0.noCacheFilter = ["a", "b"]
      $0.shmSize = "64m"
      $0.ulimits = ["nofile=1024:2048", "nproc=512"]
      $0.allow = ["security.insecure"]
      $0.network = "host"
      $0.provenance = "false"
      $0.cacheFrom = ["r/cache:1", "type=registry,ref=r/cache:2"]
      $0.cacheTo = ["type=inline"]
      $0.buildContexts = ["base=docker-image://busybox:latest", "src=\(dir)/sub", "context=\(dir)", "repo=https://example.invalid/x.git"]
    }
    #expect(plan.frontendAttrs["no-cache"] == "a,b")
    #expect(plan.frontendAttrs["shm-size"] == "67108864")
    #expect(plan.frontendAttrs["ulimit"] == "nofile=1024:2048,nproc=512:512")
    #expect(plan.entitlements == ["security.insecure", "network.host"])
    #expect(plan.frontendAttrs["attest:provenance"] == nil)
    #expect(plan.cacheImports == [CacheEntry(type: "registry", attrs: ["ref": "r/cache:1"]), CacheEntry(type: "registry", attrs: ["ref": "r/cache:2"])])
    #expect(plan.cacheExports == [CacheEntry(type: "inline", attrs: [:])])
    #expect(plan.frontendAttrs["cache-imports"] == #"[{"Attrs":{"ref":"r/cache:1"},"Type":"registry"},{"Attrs":{"ref":"r/cache:2"},"Type":"registry"}]"#)
    #expect(plan.frontendAttrs["cache-from"] == "r/cache:1,r/cache:2")
    #expect(plan.frontendAttrs["context:base"] == "docker-image://busybox:latest")
    #expect(plan.frontendAttrs["context:repo"] == "https://example.invalid/x.git")
    #expect(plan.frontendAttrs["context:src"] == "local:src")
    #expect(plan.frontendAttrs["context:context"] == "local:_context")
    #expect(plan.frontendAttrs["sharedkey:localdir:src"] == "sub")
    #expect(plan.localDirectories["src"] == dir + "/sub")
    #expect(plan.localDirectories["_context"] == dir)
    #expect(throws: KilnError.self) { try Self.plan { $0.ulimits = ["nofile=10:5"] } }
    #expect(throws: KilnError.self) { try Self.plan { $0.allow = ["root.everything"] } }
    let filtered = try Self.plan { $0.noCacheFilter = ["a"]; $0.noCache = true }
    #expect(filtered.frontendAttrs["no-cache"] == "")
  }

  @Test func attestationsOnAStandaloneBuildKit() throws {
    let plan = try Self.plan({ $0.sbom = "true"; $0.attests = ["type=provenance,mode=max"] }, onEngine: false)
    #expect(plan.frontendAttrs["attest:sbom"] == "type=sbom")
    #expect(plan.frontendAttrs["attest:provenance"] == "type=provenance,mode=max")
  }

  @Test func dockerfileTextAndRemoteContexts() throws {
    let text = try Self.plan { $0.file = "-"; $0.dockerfileContent = "FROM scratch\n" }
    defer { text.cleanUp() }
    let served = try #require(text.localDirectories["dockerfile"])
    #expect(try String(contentsOfFile: served + "/Dockerfile", encoding: .utf8) == "FROM scratch\n")
    #expect(text.frontendAttrs["filename"] == "Dockerfile")
    text.cleanUp()
    #expect(!FileManager.default.fileExists(atPath: served))

    let git = try Self.plan({ _ in }, context: "https://github.com/docker/buildx.git#master")
    #expect(git.frontendAttrs["context"] == "https://github.com/docker/buildx.git#master")
    #expect(git.localDirectories.isEmpty)
    #expect(git.frontendAttrs["dockerfilekey"] == nil)
    let gitWithFile = try Self.plan({ $0.file = "-"; $0.dockerfileContent = "FROM scratch\n" }, context: "git@example.invalid:x/y.git")
    defer { gitWithFile.cleanUp() }
    #expect(gitWithFile.frontendAttrs["dockerfilekey"] == "dockerfile")
    #expect(Set(gitWithFile.localDirectories.keys) == ["dockerfile"])
    // A relative `-f` names a file in the remote context; an absolute one is served from here.
    let relative = try Self.plan({ $0.file = "app/Dockerfile" }, context: "git://127.0.0.1/x.git#v1")
    #expect(relative.frontendAttrs["filename"] == "app/Dockerfile")
    #expect(relative.frontendAttrs["dockerfilekey"] == nil)
    #expect(relative.localDirectories.isEmpty)
    let absolute = try Self.plan({ $0.file = "/srv/df/Build.Dockerfile" }, context: "git://127.0.0.1/x.git")
    #expect(absolute.frontendAttrs["filename"] == "Build.Dockerfile")
    #expect(absolute.frontendAttrs["dockerfilekey"] == "dockerfile")
    #expect(absolute.localDirectories == ["dockerfile": "/srv/df"])
  }
}

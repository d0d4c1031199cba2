import Build
@testable import BuildKit
import Progress
import Foundation
import KilnCore
import Testing

/// Flags → frontend attributes and exporters, as buildx computes them.
struct BuildPlanTests {
  static func context() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-plan-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
    return dir
  }

  @Test func defaultsUseContextDockerfileAndMobyExporter() throws {
    let dir = try Self.context()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var flags = BuildFlags()
    flags.tags = ["a:1", "b"]
    let plan = try BuildPlan(flags: flags, contextPath: ".", environment: Environment([:]), currentDirectory: dir)
    #expect(plan.contextDirectory == dir)
    #expect(plan.localDirectories == ["context": dir, "dockerfile": dir])
    #expect(plan.frontendAttrs == ["filename": "Dockerfile"])
    #expect(plan.exports.map(\.type) == ["moby"])
    #expect(plan.exports.first?.attrs == ["name": "a:1,b"])
  }

  @Test func frontendAttributesForEveryFlag() throws {
    let dir = try Self.context()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var flags = BuildFlags()
    flags.file = dir + "/sub/Build.df"
    flags.target = "final"
    flags.buildArgs = ["A=1", "B=x=y", "FROM_ENV", "UNSET"]
    flags.labels = ["l1=v", "l2"]
    flags.platforms = ["linux/amd64,linux/arm64", "linux/386"]
    flags.noCache = true
    flags.pull = true
    flags.network = "host"
    flags.addHosts = ["h1:10.0.0.1", "h2=10.0.0.2"]
    let plan = try BuildPlan(flags: flags, contextPath: dir, environment: Environment(["FROM_ENV": "e"]), currentDirectory: "/")
    #expect(plan.dockerfileDirectory == dir + "/sub")
    #expect(plan.frontendAttrs == [
      "filename": "Build.df", "target": "final",
      "build-arg:A": "1", "build-arg:B": "x=y", "build-arg:FROM_ENV": "e",
      "label:l1": "v", "label:l2": "",
      "platform": "linux/amd64,linux/arm64,linux/386",
      "no-cache": "", "image-resolve-mode": "pull", "force-network-mode": "host",
      "add-hosts": "h1=10.0.0.1,h2=10.0.0.2",
    ])
  }

  @Test func missingContextIsBuildxError() {
    #expect(throws: KilnError.self) {
      try BuildPlan(flags: BuildFlags(), contextPath: "/nonexistent-kiln", environment: Environment([:]))
    }
  }

  @Test func progressModes() throws {
    let dir = try Self.context()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var flags = BuildFlags()
    let plan = try BuildPlan(flags: flags, contextPath: dir, environment: Environment([:]))
    #expect(try plan.progressMode(environment: Environment(["BUILDKIT_PROGRESS": "rawjson"])) == .rawjson)
    flags.progress = "plain"
    #expect(try BuildPlan(flags: flags, contextPath: dir, environment: Environment([:])).progressMode(environment: Environment(["BUILDKIT_PROGRESS": "rawjson"])) == .plain)
    flags.progress = "fancy"
    #expect(throws: KilnError.self) { try BuildPlan(flags: flags, contextPath: dir, environment: Environment([:])).progressMode(environment: Environment([:])) }
  }

  @Test func sharedKeyIsStablePerDirectory() {
    let a = BuildPlan.sharedKey(address: "x", directory: "/a/ctx")
    #expect(a == BuildPlan.sharedKey(address: "x", directory: "/a/ctx"))
    #expect(a != BuildPlan.sharedKey(address: "x", directory: "/b/ctx"))
    #expect(a.hasPrefix("kiln-ctx-"))
  }
}

/// `--output` as buildx parses it.
struct BuildOutputTests {
  @Test func localTarAndImageOutputs() throws {
    let dir = try BuildPlanTests.context()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func plan(_ output: String) throws -> BuildPlan {
      var flags = BuildFlags()
      flags.outputs = [output]
      flags.tags = ["t"]
      return try BuildPlan(flags: flags, contextPath: dir, environment: Environment([:]), currentDirectory: "/work")
    }
    #expect(try plan("out").outputTarget == .directory("/work/out"))
    #expect(try plan("out").exports == [ExportSpec(type: "local")])
    #expect(try plan("type=local,dest=/x").outputTarget == .directory("/x"))
    #expect(try plan("type=tar,dest=img.tar").outputTarget == .file("/work/img.tar"))
    #expect(try plan("-").outputTarget == .file(nil))
    #expect(try plan("type=image").exports == [ExportSpec(type: "moby", attrs: ["name": "t"])])
    #expect(try plan("type=cacheonly").exports.isEmpty)
    // A docker output without dest on the engine is its image store, as with buildx's docker driver.
    #expect(try plan("type=docker").exports == [ExportSpec(type: "moby", attrs: ["name": "t"])])
    #expect(throws: KilnError.self) { try plan("type=local") }
    #expect(throws: KilnError.self) { try plan("type=bogus,dest=x") }
  }
}

/// `--secret` as buildx parses it.
struct SecretSpecTests {
  @Test(arguments: [
    ("id=a,src=/f", SecretSource(id: "a", origin: .file("/f"))),
    ("id=a,source=/f,type=file", SecretSource(id: "a", origin: .file("/f"))),
    ("id=a,env=VAR", SecretSource(id: "a", origin: .environment("VAR"))),
    ("type=env,id=TOKEN", SecretSource(id: "TOKEN", origin: .environment("TOKEN"))),
    ("id=TOKEN", SecretSource(id: "TOKEN", origin: .environment("TOKEN"))),
  ])
  func parses(_ text: String, _ expected: SecretSource) throws {
    #expect(try SecretSource.parse(text) == expected)
  }

  @Test(arguments: ["src=/f", "id=a,type=ssh", "id"])
  func rejects(_ text: String) {
    #expect(throws: KilnError.self) { try SecretSource.parse(text) }
  }
}

/// On a standalone BuildKit there is no `moby` exporter.
struct StandaloneOutputTests {
  @Test func noOutputMeansCacheOnlyAndImageUsesTags() throws {
    let dir = try BuildPlanTests.context()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var flags = BuildFlags()
    flags.tags = ["r/x:1"]
    #expect(try BuildPlan(flags: flags, contextPath: dir, environment: Environment([:]), onEngine: false).exports.isEmpty)
    flags.outputs = ["type=image,push=true"]
    let plan = try BuildPlan(flags: flags, contextPath: dir, environment: Environment([:]), onEngine: false)
    #expect(plan.exports == [ExportSpec(type: "image", attrs: ["name": "r/x:1", "push": "true"])])
    flags.outputs = []
    flags.load = true
    // `--load` elsewhere: the docker exporter to a temporary tarball, loaded into the engine afterwards.
    let load = try BuildPlan(flags: flags, contextPath: dir, environment: Environment([:]), onEngine: false)
    defer { load.cleanUp() }
    #expect(load.exports == [ExportSpec(type: "docker", attrs: ["name": "r/x:1"])])
    let tarball = try #require(load.loadTarball)
    #expect(load.outputTarget == .file(tarball))
  }
}

/// `--ssh` values.
struct SSHSpecTests {
  @Test func defaultNeedsAnAgentSocket() {
    #expect(throws: KilnError.self) { try SSHAgentSource.parse("default", environment: [:]) }
    #expect(throws: KilnError.self) { try SSHAgentSource.parse("default", environment: ["SSH_AUTH_SOCK": "/nonexistent"]) }
    #expect(throws: KilnError.self) { try SSHAgentSource.parse("id=/etc/hostname", environment: [:]) }
  }
}

/// Several outputs in one build (BuildKit v0.13+): each exporter with its own
/// target, by its index in the solve request.
struct MultipleOutputTests {
  static func plan(_ outputs: [String], load: Bool = false, onEngine: Bool = false, in dir: String) throws -> BuildPlan {
    var flags = BuildFlags()
    flags.outputs = outputs
    flags.tags = ["r/x:1"]
    flags.load = load
    return try BuildPlan(flags: flags, contextPath: dir, environment: Environment([:]), currentDirectory: "/work", onEngine: onEngine)
  }

  @Test func eachExporterGetsItsTarget() throws {
    let dir = try BuildPlanTests.context()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let plan = try Self.plan(["type=local,dest=a", "type=image,push=true", "type=tar,dest=b.tar", "type=cacheonly"], load: true, in: dir)
    defer { plan.cleanUp() }
    #expect(plan.exports.map(\.type) == ["local", "image", "tar", "docker"])
    #expect(plan.exports[1].attrs == ["name": "r/x:1", "push": "true"])
    let tarball = try #require(plan.loadTarball)
    #expect(plan.outputTargets == [0: .directory("/work/a"), 2: .file("/work/b.tar"), 3: .file(tarball)])
  }

  @Test func refusals() throws {
    let dir = try BuildPlanTests.context()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func message(_ outputs: [String], onEngine: Bool = false) -> String {
      do {
        _ = try Self.plan(outputs, onEngine: onEngine, in: dir)
        return ""
      } catch {
        return "\(error)"
      }
    }
    #expect(message(["-", "type=tar"]) == "multiple outputs configured to write to stdout")
    #expect(message(["type=local,dest=a", "type=tar,dest=b"], onEngine: true).hasPrefix("multiple outputs currently unsupported"))
    // A destination of the wrong kind, as buildx checks before building.
    try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/file"))
    #expect(message(["type=local,dest=\(dir)/file"]) == "destination directory \(dir)/file is a file")
    #expect(message(["type=tar,dest=\(dir)"]) == "destination file \(dir) is a directory")
  }

  @Test func daemonVersions() {
    #expect(DaemonFeatures.parseVersion("v0.13.2")! == (0, 13))
    #expect(DaemonFeatures.parseVersion("0.32.0-rc1")! == (0, 32))
    #expect(DaemonFeatures.parseVersion("v1.2")! == (1, 2))
    #expect(DaemonFeatures.parseVersion("") == nil)
    #expect(DaemonFeatures.parseVersion("dev") == nil)
  }
}

/// `--annotation` and `--cgroup-parent` as buildx passes them.
struct AnnotationTests {
  @Test func annotationsGoToEveryGivenOutput() throws {
    let dir = try BuildPlanTests.context()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var flags = BuildFlags()
    flags.tags = ["r/x:1"]
    flags.outputs = ["type=local,dest=out"]
    flags.push = true
    flags.annotations = ["org.opencontainers.image.title=x", "manifest[linux/amd64],index:ver=2"]
    flags.cgroupParent = "kiln.slice"
    let plan = try BuildPlan(flags: flags, contextPath: dir, environment: Environment([:]), currentDirectory: "/work", onEngine: false)
    let expected = ["annotation.org.opencontainers.image.title": "x", "annotation-manifest[linux/amd64].ver": "2", "annotation-index.ver": "2"]
    for export in plan.exports {
      #expect(expected.allSatisfy { export.attrs[$0.key] == $0.value }, "\(export)")
    }
    #expect(plan.frontendAttrs["cgroup-parent"] == "kiln.slice")
  }

  @Test func refusals() throws {
    let dir = try BuildPlanTests.context()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func message(_ annotations: [String], outputs: [String] = ["type=image"]) -> String {
      var flags = BuildFlags()
      flags.tags = ["t"]
      flags.outputs = outputs
      flags.annotations = annotations
      do {
        _ = try BuildPlan(flags: flags, contextPath: dir, environment: Environment([:]))
        return ""
      } catch {
        return "\(error)"
      }
    }
    #expect(message(["index:a=1"]) == "index annotations not supported for single platform export")
    #expect(message(["manifest:a=1"]) == "")
    #expect(message(["a"]) == "invalid annotation \"a\", expected key=value")
    #expect(message(["bogus:a=1"]) == "unknown annotation type \"bogus\"")
  }
}

/// `buildx.build.warnings`: BuildKit's VertexWarning as Go's JSON.
struct WarningMetadataTests {
  @Test func goShape() throws {
    let warning = StatusUpdate.Warning(
      vertex: "sha256:v", level: 1, short: "S", detail: ["D"], url: "https://u",
      source: .init(filename: "Dockerfile", data: Data("FROM x AS y\n".utf8), language: "Dockerfile", ranges: [.init(startLine: 1, startCharacter: 0, endLine: 1, endCharacter: 4)]))
    let json = try JSONSerialization.data(withJSONObject: BuildPlan.warningJSON(warning), options: [.sortedKeys])
    #expect(String(decoding: json, as: UTF8.self) == #"{"detail":["RA=="],"level":1,"range":[{"end":{"character":4,"line":1},"start":{"line":1}}],"short":"Uw==","sourceInfo":{"data":"RlJPTSB4IEFTIHkK","filename":"Dockerfile","language":"Dockerfile"},"url":"https:\/\/u","vertex":"sha256:v"}"#)
  }
}

/// What a build with no output exports: the engine's image store, a
/// `default-load` builder's load into the engine, or (BUILDX_NO_DEFAULT_LOAD) nothing.
struct DefaultLoadTests {
  @Test func defaults() throws {
    let dir = try BuildPlanTests.context()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func plan(onEngine: Bool, defaultLoad: Bool, outputs: [String] = [], environment: [String: String] = [:]) throws -> BuildPlan {
      var flags = BuildFlags()
      flags.tags = ["app:1"]
      flags.outputs = outputs
      flags.defaultLoad = defaultLoad
      return try BuildPlan(flags: flags, contextPath: dir, environment: Environment(environment), currentDirectory: "/work", onEngine: onEngine)
    }
    let loaded = try plan(onEngine: false, defaultLoad: true)
    defer { loaded.cleanUp() }
    #expect(loaded.exports == [ExportSpec(type: "docker", attrs: ["name": "app:1"])])
    #expect(loaded.loadTarball != nil)
    #expect(try plan(onEngine: false, defaultLoad: false).exports.isEmpty)
    #expect(try plan(onEngine: false, defaultLoad: true, outputs: ["type=local,dest=o"]).exports.map(\.type) == ["local"])
    #expect(try plan(onEngine: true, defaultLoad: false).exports.map(\.type) == ["moby"])
    #expect(try plan(onEngine: true, defaultLoad: false, environment: ["BUILDX_NO_DEFAULT_LOAD": "1"]).exports.isEmpty)
    #expect(try plan(onEngine: false, defaultLoad: true, environment: ["BUILDX_NO_DEFAULT_LOAD": "true"]).exports.isEmpty)
  }
}

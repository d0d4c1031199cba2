import Foundation
import Testing

/// `create`, `ls`, `use`, `inspect`, `rm` and builder resolution, run as a
/// user would, against a temporary `BUILDX_CONFIG` and the private engine.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuilderCommandsTests {
  /// A private store and Docker config, with the private engine as `DOCKER_HOST`.
  struct Scene {
    let root = TestDirectory.make("builders")
    var environment: [String: String] {
      ["BUILDX_CONFIG": root + "/buildx", "DOCKER_CONFIG": root + "/docker", "DOCKER_HOST": TestEngine.dockerHost ?? ""]
    }
    func kiln(_ args: String..., extra: [String: String] = [:]) throws -> KilnResult {
      try Kiln.run(args, environment: environment.merging(extra) { $1 })
    }
  }

  @Test func lsShowsTheContextBuilderRunning() throws {
    let scene = Scene()
    let result = try scene.kiln("ls")
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("NAME/NODE") == true)
    for column in ["DRIVER/ENDPOINT", "STATUS", "BUILDKIT", "PLATFORMS"] { #expect(lines.first?.contains(column) == true) }
    #expect(lines.dropFirst().first?.hasPrefix("default*") == true, "\(result.stdout)")
    #expect(lines.dropFirst().first?.contains("docker") == true)
    let node = try #require(lines.dropFirst(2).first)
    #expect(node.hasPrefix(" \\_ default"))
    #expect(node.contains(" \\_ default"))
    #expect(node.contains("running"))
    #expect(node.contains("linux/"))
    // Columns line up: STATUS starts at the same offset in the header and the node row.
    let header = try #require(lines.first)
    let statusColumn = try #require(header.range(of: "STATUS")).lowerBound.utf16Offset(in: header)
    let runningColumn = try #require(node.range(of: "running")).lowerBound.utf16Offset(in: node)
    #expect(statusColumn == runningColumn)
  }

  @Test func lsJSON() throws {
    let scene = Scene()
    let result = try scene.kiln("ls", "--format", "json")
    #expect(result.status == 0, "\(result.stderr)")
    let line = try #require(result.stdout.split(separator: "\n").first)
    #expect(line.hasPrefix(#"{"Current":true,"Driver":"docker","Dynamic":false,"LastActivity":"0001-01-01T00:00:00Z","Name":"default","Nodes":[{"#))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    let nodes = try #require(object["Nodes"] as? [[String: Any]])
    #expect(nodes.first?["Status"] as? String == "running")
    #expect(nodes.first?["Endpoint"] as? String == "default")
  }

  @Test func remoteBuilderLifecycle() throws {
    let scene = Scene()
    let port = try SilentServer.unusedPort()
    let create = try scene.kiln("create", "--name", "far", "--driver", "remote", "--driver-opt", "servername=buildkit.local", "tcp://127.0.0.1:\(port)")
    #expect(create.status == 0, "\(create.stderr)")
    #expect(create.stdout == "far\n")
    let instance = try String(contentsOfFile: scene.root + "/buildx/instances/far", encoding: .utf8)
    #expect(instance.hasPrefix(#"{"Name":"far","Driver":"remote","Nodes":[{"Name":"far0","Endpoint":"tcp://127.0.0.1:\#(port)""#))
    #expect(instance.contains(#""DriverOpts":{"servername":"buildkit.local"}"#))

    let use = try scene.kiln("use", "far")
    #expect(use.status == 0, "\(use.stderr)")
    let ls = try scene.kiln("ls")
    #expect(ls.stdout.contains("\nfar*"), "\(ls.stdout)")
    #expect(ls.stdout.contains(" \\_ far0"))
    #expect(ls.stdout.contains("error"))
    #expect(ls.stderr.contains("Failed to get status for far (far0): "), "\(ls.stderr)")

    let inspect = try scene.kiln("inspect")
    #expect(inspect.stdout.hasPrefix("Name:          far\nDriver:        remote\nLast Activity: "), "\(inspect.stdout)")
    #expect(inspect.stdout.contains("\nNodes:\nName:           far0\nEndpoint:       tcp://127.0.0.1:\(port)\nDriver Options: servername=\"buildkit.local\"\nError:"), "\(inspect.stdout)")

    // Selecting another builder through the environment, then removing ours.
    let du = try scene.kiln("du", extra: ["BUILDX_BUILDER": "default"])
    #expect(du.status == 0, "\(du.stderr)")
    let rm = try scene.kiln("rm", "far")
    #expect(rm.status == 0, "\(rm.stderr)")
    #expect(rm.stderr == "far removed\n")
    #expect(!FileManager.default.fileExists(atPath: scene.root + "/buildx/instances/far"))
    let again = try scene.kiln("rm", "far")
    #expect(again.status == 1)
    #expect(again.stderr.contains("failed to remove far: no builder \"far\" found"), "\(again.stderr)")
  }

  @Test func builderFlagReachesTheEngine() throws {
    let scene = Scene()
    let workers = try scene.kiln("debug", "workers", "--builder", "default")
    #expect(workers.status == 0, "\(workers.stderr)")
    #expect(workers.stdout.hasPrefix("ID\tPLATFORMS\n"))
    let du = try scene.kiln("du", "--addr", "buildx://default")
    #expect(du.status == 0, "\(du.stderr)")
    let missing = try scene.kiln("du", "--builder", "ghost")
    #expect(missing.status == 1)
    #expect(missing.stderr == "ERROR: no builder \"ghost\" found\n")
  }

  @Test func createRefusals() throws {
    let scene = Scene()
    let reserved = try scene.kiln("create", "--name", "default")
    #expect(reserved.stderr == "ERROR: default is a reserved name and cannot be used to identify builder instance\n")
    let docker = try scene.kiln("create", "--name", "x", "--driver", "docker")
    #expect(docker.status == 1)
    #expect(docker.stderr.contains("docker driver"), "\(docker.stderr)")
    let badOption = try scene.kiln("create", "--name", "x", "--driver-opt", "colour=blue")
    #expect(badOption.stderr == "ERROR: invalid driver option colour for docker-container driver\n")
    let noEndpoint = try scene.kiln("create", "--name", "x", "--driver", "remote")
    #expect(noEndpoint.stderr == "ERROR: no remote endpoint provided\n")
    #expect(!FileManager.default.fileExists(atPath: scene.root + "/buildx/instances/x"))
  }

  @Test func appendAndLeaveNodes() throws {
    let scene = Scene()
    #expect(try scene.kiln("create", "--name", "multi", "--driver", "remote", "--platform", "linux/arm64", "tcp://127.0.0.1:1").status == 0)
    let append = try scene.kiln("create", "--name", "multi", "--append", "--node", "second", "--platform", "linux/amd64", "tcp://127.0.0.1:2")
    #expect(append.status == 0, "\(append.stderr)")
    var instance = try String(contentsOfFile: scene.root + "/buildx/instances/multi", encoding: .utf8)
    #expect(instance.contains(#""Name":"second","Endpoint":"tcp://127.0.0.1:2""#))
    let leave = try scene.kiln("create", "--name", "multi", "--leave", "--node", "multi0")
    #expect(leave.status == 0, "\(leave.stderr)")
    instance = try String(contentsOfFile: scene.root + "/buildx/instances/multi", encoding: .utf8)
    #expect(!instance.contains("multi0"))
    let last = try scene.kiln("create", "--name", "multi", "--leave", "--node", "second")
    #expect(last.status == 1)
  }

  @Test func damagedInstanceFileDoesNotBreakLs() throws {
    let scene = Scene()
    try FileManager.default.createDirectory(atPath: scene.root + "/buildx/instances", withIntermediateDirectories: true)
    try "{not json".write(toFile: scene.root + "/buildx/instances/broken", atomically: true, encoding: .utf8)
    let ls = try scene.kiln("ls")
    #expect(ls.status == 0, "\(ls.stderr)")
    #expect(ls.stdout.contains("default*"))
    #expect(ls.stderr.contains("Cannot load builder \(scene.root)/buildx/instances/broken: builder file \(scene.root)/buildx/instances/broken is damaged"), "\(ls.stderr)")
  }
}

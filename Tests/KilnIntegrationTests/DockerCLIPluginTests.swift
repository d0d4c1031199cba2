import Foundation
import Testing

/// Debian's Docker client.
private let debianDocker = "/usr/bin/docker"

/// Kiln as the Docker CLI plugin `docker-buildx`, run by Debian's real
/// Docker client (20.10; /usr/local/bin/docker may be another one).
@Suite(
  .enabled(if: TestEngine.available, "needs the private engine: run `make test`"),
  .enabled(if: FileManager.default.isExecutableFile(atPath: debianDocker), "needs Debian's docker client at /usr/bin/docker"))
struct DockerCLIPluginTests {
  static let docker = debianDocker

  /// A Docker config whose cli-plugins directory holds `docker-buildx` → `target`.
  struct Scene {
    let root = TestDirectory.make("plugin")
    var environment: [String: String] {
      ["BUILDX_CONFIG": root + "/buildx", "DOCKER_CONFIG": root + "/docker", "DOCKER_HOST": TestEngine.dockerHost ?? ""]
    }
    init(target: String = Kiln.binary) throws {
      try FileManager.default.createDirectory(atPath: root + "/docker/cli-plugins", withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(atPath: root + "/docker/cli-plugins/docker-buildx", withDestinationPath: target)
    }
    func docker(_ args: [String], _ extra: [String: String] = [:]) throws -> KilnResult {
      try ProcessRunner.run(DockerCLIPluginTests.docker, args, environment: Kiln.baseEnvironment.merging(environment.merging(extra) { $1 }) { $1 })
    }
  }

  @Test func metadataAsTheDockerCLIReadsIt() throws {
    let scene = try Scene()
    let result = try ProcessRunner.run(scene.root + "/docker/cli-plugins/docker-buildx", ["docker-cli-plugin-metadata"], environment: Kiln.baseEnvironment)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("{\n     \"SchemaVersion\": \"0.1.0\",\n     \"Vendor\": \"Kiln\",\n"), "\(result.stdout)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String])
    #expect(Set(object.keys) == ["SchemaVersion", "Vendor", "Version", "ShortDescription"])
    // The CLI accepted it: `docker --help` lists the plugin with its description.
    let help = try scene.docker(["--help"])
    let line = help.stdout.split(separator: "\n").first { $0.contains("buildx*") }
    #expect(line?.contains("\(object["ShortDescription"] ?? "?") (Kiln, \(object["Version"] ?? "?"))") == true, "\(help.stdout)")
  }

  @Test func dockerBuildxRunsKiln() throws {
    let scene = try Scene()
    let version = try scene.docker(["buildx", "version"])
    #expect(version.status == 0, "\(version.stderr)")
    #expect(version.stdout.hasPrefix("kiln "), "\(version.stdout)")
    let ls = try scene.docker(["buildx", "ls"])
    #expect(ls.status == 0, "\(ls.stderr)")
    #expect(ls.stdout.hasPrefix("NAME/NODE"), "\(ls.stdout)")
    #expect(ls.stdout.contains("\ndefault*"), "\(ls.stdout)")
    #expect(ls.stdout.contains("running"), "\(ls.stdout)")
    let workers = try scene.docker(["buildx", "debug", "workers"])
    #expect(workers.stdout.hasPrefix("ID\tPLATFORMS\nmoby\t"), "\(workers.stdout) \(workers.stderr)")
  }

  @Test func globalFlagsReachKiln() throws {
    let scene = try Scene()
    // The Docker CLI's -H becomes Kiln's Docker host.
    let engine = try #require(TestEngine.dockerHost)
    let host = try scene.docker(["-H", engine, "buildx", "debug", "workers"], ["DOCKER_HOST": ""])
    #expect(host.stdout.hasPrefix("ID\tPLATFORMS\nmoby\t"), "\(host.stdout) \(host.stderr)")
    // buildx's own --builder before the verb.
    let ghost = try scene.docker(["buildx", "--builder", "ghost", "du"])
    #expect(ghost.status == 1)
    #expect(ghost.stderr == "ERROR: no builder \"ghost\" found\n", "\(ghost.stderr)")
  }

  /// What the CLI really passes: a stand-in plugin records its arguments and environment.
  @Test func argumentLayoutOfTheDockerCLI() throws {
    let bin = TestDirectory.make("standin")
    let log = bin + "/call.log"
    let script = """
      #!/bin/sh
      if [ "$1" = docker-cli-plugin-metadata ]; then echo '{"SchemaVersion":"0.1.0","Vendor":"Test"}'; exit 0; fi
      printf '%s\\n' "$@" > '\(log)'
      echo "reexec=$DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND" >> '\(log)'

      """
    try script.write(toFile: bin + "/docker-buildx", atomically: true, encoding: .utf8)
    chmod(bin + "/docker-buildx", 0o755)
    let scene = try Scene(target: bin + "/docker-buildx")
    let result = try scene.docker(["--context", "default", "buildx", "ls", "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try String(contentsOfFile: log, encoding: .utf8) == "--context\ndefault\nbuildx\nls\n--format\njson\nreexec=\(DockerCLIPluginTests.docker)\n")
  }
}

import Foundation
import Testing

/// The docker-container driver against the private engine. No BuildKit image
/// can be pulled here, so the test builds a small local image whose
/// `buildkitd` idles and whose `buildctl dial-stdio` is `nc` to a socat
/// listener serving `kiln dial-stdio --builder default` (the engine's
/// BuildKit): the driver's container, exec and stream handling run for real.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"), .serialized)
struct DockerContainerDriverTests {
  /// Each test builds its own tag: suites run in parallel and bake different
  /// relay addresses into the image, so a shared tag let one test start
  /// another's container image.
  static func imageTag() -> String { "kiln-test/fake-buildkit:\(UUID().uuidString.prefix(8).lowercased())" }

  struct Scene {
    let root = TestDirectory.make("dc")
    var environment: [String: String] {
      ["BUILDX_CONFIG": root + "/buildx", "DOCKER_CONFIG": root + "/docker", "DOCKER_HOST": TestEngine.dockerHost ?? ""]
    }
    func kiln(_ args: [String], extra: [String: String] = [:]) throws -> KilnResult {
      try Kiln.run(args, environment: environment.merging(extra) { $1 })
    }
    func docker(_ args: [String]) throws -> KilnResult {
      try ProcessRunner.run(Docker.cli, args, environment: Kiln.baseEnvironment.merging(["DOCKER_HOST": TestEngine.dockerHost ?? ""]) { $1 })
    }
    func inspect(_ name: String) throws -> [String: Any]? {
      let result = try docker(["inspect", "--type", "container", name])
      guard result.status == 0 else { return nil }
      return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])?.first
    }
    func volumeExists(_ name: String) throws -> Bool { try docker(["volume", "inspect", name]).status == 0 }
  }

  enum Docker {
    static var cli: String { ["/usr/local/bin/docker", "/usr/bin/docker"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "docker" }
  }

  /// The gateway of the engine's bridge: where containers reach this host.
  static func gateway(_ scene: Scene) throws -> String {
    let result = try scene.docker(["network", "inspect", "bridge", "--format", "{{(index .IPAM.Config 0).Gateway}}"])
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @discardableResult
  static func buildImage(_ scene: Scene, relay: String) throws -> String {
    let image = imageTag()
    let context = scene.root + "/image"
    try FileManager.default.createDirectory(atPath: context, withIntermediateDirectories: true)
    let base = ProcessInfo.processInfo.environment["KILN_TEST_BASE_IMAGE"] ?? "busybox:latest"
    try "FROM \(base)\nCOPY buildkitd buildctl /usr/bin/\nENTRYPOINT [\"/usr/bin/buildkitd\"]\n".write(toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)
    try "#!/bin/sh\necho \"$@\" > /tmp/buildkitd-args\nexec sleep 100000\n".write(toFile: context + "/buildkitd", atomically: true, encoding: .utf8)
    let buildctl = """
      #!/bin/sh
      case "$1" in
        debug) echo "ID PLATFORMS"; exit 0 ;;
        dial-stdio) exec nc \(relay) ;;
      esac
      exit 1

      """
    try buildctl.write(toFile: context + "/buildctl", atomically: true, encoding: .utf8)
    for file in ["buildkitd", "buildctl"] { chmod(context + "/" + file, 0o755) }
    let built = try ProcessRunner.run(
      Docker.cli, ["build", "-q", "-t", image, context],
      environment: Kiln.baseEnvironment.merging(["DOCKER_HOST": TestEngine.dockerHost ?? "", "DOCKER_BUILDKIT": "0"]) { $1 })
    try #require(built.status == 0, "docker build: \(built.stderr)")
    return image
  }

  @Test func optionsReachTheContainerAndStateSurvivesKeepState() throws {
    let scene = Scene()
    let image = try Self.buildImage(scene, relay: "127.0.0.1 1")
    let certs = scene.root + "/certs"
    try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
    try "CA PEM\n".write(toFile: certs + "/ca.pem", atomically: true, encoding: .utf8)
    try "[registry.\"127.0.0.1:5000\"]\n  ca = [\"\(certs)/ca.pem\"]\n".write(toFile: scene.root + "/bk.toml", atomically: true, encoding: .utf8)
    let name = "kdc\(UUID().uuidString.prefix(6).lowercased())"
    let container = "buildx_buildkit_\(name)0"
    defer {
      _ = try? scene.docker(["rm", "-f", container])
      _ = try? scene.docker(["volume", "rm", container + "_state"])
    }
    let create = try scene.kiln([
      "create", "--name", name, "--driver", "docker-container", "--bootstrap",
      "--driver-opt", "image=\(image),memory=256m,memory-swap=512m,cpu-shares=256,cpu-period=100000,cpu-quota=50000",
      "--driver-opt", "cpuset-cpus=0,cpuset-mems=0,restart-policy=on-failure:2,env.KILN_TEST=yes,network=bridge",
      "--buildkitd-flags=--debug", "--buildkitd-config", scene.root + "/bk.toml",
    ])
    #expect(create.status == 0, "\(create.stderr)")
    let details = try #require(try scene.inspect(container), "container \(container) was not created")
    let host = try #require(details["HostConfig"] as? [String: Any])
    let config = try #require(details["Config"] as? [String: Any])
    #expect(config["Image"] as? String == image)
    #expect((config["Env"] as? [String])?.contains("KILN_TEST=yes") == true)
    #expect(config["Cmd"] as? [String] == ["--config", "/etc/buildkit/buildkitd.toml", "--debug", "--allow-insecure-entitlement=network.host"])
    #expect(host["Privileged"] as? Bool == true)
    #expect(host["Init"] as? Bool == true)
    #expect(host["Memory"] as? Int == 256 << 20)
    #expect(host["MemorySwap"] as? Int == 512 << 20)
    #expect(host["CpuShares"] as? Int == 256)
    #expect(host["CpuPeriod"] as? Int == 100000)
    #expect(host["CpuQuota"] as? Int == 50000)
    #expect(host["CpusetCpus"] as? String == "0")
    #expect(host["CpusetMems"] as? String == "0")
    #expect(host["NetworkMode"] as? String == "bridge")
    let restart = try #require(host["RestartPolicy"] as? [String: Any])
    #expect(restart["Name"] as? String == "on-failure")
    #expect(restart["MaximumRetryCount"] as? Int == 2)
    let mounts = try #require(details["Mounts"] as? [[String: Any]])
    #expect(mounts.contains { $0["Name"] as? String == container + "_state" && $0["Destination"] as? String == "/var/lib/buildkit" })
    #expect((details["State"] as? [String: Any])?["Running"] as? Bool == true)

    // The config file and its certificate were copied in, paths rewritten.
    let toml = try scene.docker(["exec", container, "cat", "/etc/buildkit/buildkitd.toml"])
    #expect(toml.stdout.contains("ca = [\"/etc/buildkit/certs/127.0.0.1_5000/ca.pem\"]"), "\(toml.stdout) \(toml.stderr)")
    let ca = try scene.docker(["exec", container, "cat", "/etc/buildkit/certs/127.0.0.1_5000/ca.pem"])
    #expect(ca.stdout == "CA PEM\n")

    let ls = try scene.kiln(["ls"])
    #expect(ls.stdout.contains("\(name)  ") || ls.stdout.contains("\(name) "), "\(ls.stdout)")
    #expect(ls.stdout.contains(" \\_ \(name)0"))

    let stop = try scene.kiln(["stop", name])
    #expect(stop.status == 0, "\(stop.stderr)")
    #expect((try scene.inspect(container)?["State"] as? [String: Any])?["Running"] as? Bool == false)
    let inspect = try scene.kiln(["inspect", name])
    #expect(inspect.stdout.contains("\nStatus:                stopped\n"), "\(inspect.stdout)")

    let rm = try scene.kiln(["rm", "--keep-state", name])
    #expect(rm.status == 0, "\(rm.stderr)")
    #expect(try scene.inspect(container) == nil)
    #expect(try scene.volumeExists(container + "_state"))

    // A new builder of the same name finds its state volume again; plain rm removes it.
    let again = try scene.kiln(["create", "--name", name, "--driver", "docker-container", "--driver-opt", "image=\(image)", "--bootstrap"])
    #expect(again.status == 0, "\(again.stderr)")
    let remounted = try #require(try scene.inspect(container)?["Mounts"] as? [[String: Any]])
    #expect(remounted.contains { $0["Name"] as? String == container + "_state" })
    let rmAll = try scene.kiln(["rm", name])
    #expect(rmAll.status == 0, "\(rmAll.stderr)")
    #expect(try !scene.volumeExists(container + "_state"))
  }

  @Test func streamThroughDockerExecReachesBuildKit() throws {
    let scene = Scene()
    let gateway = try Self.gateway(scene)
    let port = try SilentServer.unusedPort()
    let image = try Self.buildImage(scene, relay: "\(gateway) \(port)")
    // socat serves `kiln dial-stdio --builder default` (the engine's BuildKit) to the container.
    let relay = Process()
    relay.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
    relay.arguments = ["TCP-LISTEN:\(port),bind=\(gateway),reuseaddr,fork", "EXEC:\(Kiln.binary) dial-stdio --builder default"]
    relay.environment = Kiln.baseEnvironment.merging(scene.environment) { $1 }
    // Not the test's own output: a relay left running would keep `swift test` waiting on it.
    relay.standardOutput = FileHandle.nullDevice
    relay.standardError = FileHandle.nullDevice
    relay.standardInput = FileHandle.nullDevice
    try relay.run()
    let name = "kdc\(UUID().uuidString.prefix(6).lowercased())"
    let container = "buildx_buildkit_\(name)0"
    defer {
      // SIGKILL: the test runner's blocked signal mask is inherited, so socat never sees SIGTERM.
      kill(relay.processIdentifier, SIGKILL)
      relay.waitUntilExit()
      _ = try? scene.docker(["rm", "-f", container])
      _ = try? scene.docker(["volume", "rm", container + "_state"])
    }
    usleep(300_000)
    let create = try scene.kiln(["create", "--name", name, "--driver", "docker-container", "--driver-opt", "image=\(image)", "--use"])
    #expect(create.status == 0, "\(create.stderr)")
    // The first use boots the node, then talks gRPC through docker exec, nc, socat and kiln dial-stdio.
    let workers = try scene.kiln(["debug", "workers", "--builder", name])
    #expect(workers.status == 0, "\(workers.stderr)")
    #expect(workers.stdout.hasPrefix("ID\tPLATFORMS\n"))
    let du = try scene.kiln(["du"])
    #expect(du.status == 0, "\(du.stderr)")
    #expect(du.stdout.contains("Total:"))
    let ls = try scene.kiln(["ls"])
    #expect(ls.stdout.contains("\(name)*"), "\(ls.stdout)")
    #expect(ls.stdout.contains("running"))
  }
}

import Foundation
import Testing

/// `nerdctl-container://`, `kube-pod://` / `kubepod://` and
/// `podman-container://`. No nerdctl and no cluster can run here, so
/// stand-ins named nerdctl and kubectl, first on PATH, record their
/// arguments and become `kiln dial-stdio` to the engine's BuildKit: the exact
/// command line is checked and the real child, pipes and gRPC are used.
/// Podman runs for real when it is installed (see `podmanContainer`).
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct HelperAddressTests {
  struct Scene {
    let root = TestDirectory.make("helpers")
    var environment: [String: String] {
      ["BUILDX_CONFIG": root + "/buildx", "DOCKER_CONFIG": root + "/docker", "DOCKER_HOST": TestEngine.dockerHost ?? ""]
    }

    /// An executable `name` in a fresh directory: logs its arguments, then relays to the engine's BuildKit.
    func standIn(_ name: String) throws -> (path: String, log: String) {
      let dir = TestDirectory.make("bin")
      let log = dir + "/args.log"
      let script = """
        #!/bin/sh
        printf '%s\\n' "$@" > '\(log)'
        exec env DOCKER_HOST='\(TestEngine.dockerHost ?? "")' BUILDX_CONFIG='\(root)/buildx' DOCKER_CONFIG='\(root)/docker' '\(Kiln.binary)' dial-stdio --builder default

        """
      try script.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
      chmod(dir + "/" + name, 0o755)
      return (dir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), log)
    }
  }

  @Test(arguments: [
    ("nerdctl", "nerdctl-container://bk", "exec\n-i\nbk\nbuildctl\ndial-stdio\n"),
    ("nerdctl", "nerdctl-container://bk?namespace=ns1", "exec\n--namespace\nns1\n-i\nbk\nbuildctl\ndial-stdio\n"),
    ("kubectl", "kube-pod://buildkitd-0?context=kind&namespace=ci&container=bk", "--context=kind\n--namespace=ci\nexec\n--container=bk\n-i\nbuildkitd-0\n--\nbuildctl\ndial-stdio\n"),
    ("kubectl", "kubepod://pod", "--context=\n--namespace=\nexec\n--container=\n-i\npod\n--\nbuildctl\ndial-stdio\n"),
  ])
  func standInHelperReachesBuildKit(helper: String, address: String, expected: String) throws {
    let scene = Scene()
    let (path, log) = try scene.standIn(helper)
    let result = try Kiln.run(["debug", "workers", "--addr", address], environment: ["PATH": path], limit: .seconds(60))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("ID\tPLATFORMS\nmoby\t"), "\(result.stdout)")
    #expect(try String(contentsOfFile: log, encoding: .utf8) == expected)
  }

  static let podman = "/usr/bin/podman"

  /// Runs podman with no inherited descriptor but stdio: podman leaves conmon running with the
  /// descriptors it inherited, and Foundation's Process would then never see podman end.
  static func podman(_ args: [String]) throws -> KilnResult {
    let closing = "import os, sys; os.closerange(3, 65536); os.execv(sys.argv[1], sys.argv[1:])"
    return try ProcessRunner.run("/usr/bin/python3", ["-c", closing, podman] + args, environment: Kiln.baseEnvironment)
  }

  /// Debian's podman, for real: a container from an imported busybox rootfs
  /// whose `buildctl dial-stdio` is `nc` to a socat relay of the engine's
  /// BuildKit. On these machines runc cannot apply the rlimits podman puts in
  /// the OCI spec (no CAP_SYS_RESOURCE in the bounding set), so the container
  /// runs under a test runtime that drops them and then runs runc.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: podman), "needs podman (apt-get install podman)"))
  func podmanContainer() throws {
    let scene = Scene()
    let rootfs = scene.root + "/rootfs"
    for dir in ["bin", "usr/bin", "tmp"] { try FileManager.default.createDirectory(atPath: rootfs + "/" + dir, withIntermediateDirectories: true) }
    try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: rootfs + "/bin/busybox")
    for tool in ["sh", "sleep", "nc", "cat"] { try FileManager.default.createSymbolicLink(atPath: rootfs + "/bin/" + tool, withDestinationPath: "busybox") }
    let port = try SilentServer.unusedPort()
    try "#!/bin/sh\n[ \"$1\" = dial-stdio ] && exec nc 127.0.0.1 \(port)\nexit 1\n".write(toFile: rootfs + "/usr/bin/buildctl", atomically: true, encoding: .utf8)
    chmod(rootfs + "/usr/bin/buildctl", 0o755)
    let runtime = scene.root + "/runc-without-rlimits"
    let wrapper = """
      #!/usr/bin/python3
      import json, os, sys
      args = sys.argv[1:]
      def strip(path):
          with open(path) as f: spec = json.load(f)
          spec.get("process", spec).pop("rlimits", None)
          with open(path, "w") as f: json.dump(spec, f)
      for i, a in enumerate(args):
          if a in ("--bundle", "-b") and os.path.exists(os.path.join(args[i + 1], "config.json")):
              strip(os.path.join(args[i + 1], "config.json"))
          if a.startswith("--process"):
              strip(a.split("=", 1)[1] if "=" in a else args[i + 1])
      os.execv("/usr/sbin/runc", ["runc"] + args)

      """
    try wrapper.write(toFile: runtime, atomically: true, encoding: .utf8)
    chmod(runtime, 0o755)
    let image = "localhost/kiln-test/podman-buildctl:1"
    let imported = try ProcessRunner.run("/bin/sh", ["-c", "tar -C '\(rootfs)' -c . | \(Self.podman) import - \(image)"], environment: Kiln.baseEnvironment)
    try #require(imported.status == 0, "podman import: \(imported.stderr)")
    let name = "kiln-pod-\(UUID().uuidString.prefix(6).lowercased())"
    let relay = try Relay.start(listen: "TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork", environment: scene.environment)
    defer {
      relay.stop()
      _ = try? Self.podman(["rm", "-f", "-t", "0", name])
    }
    let run = try Self.podman(["--runtime", runtime, "run", "-d", "--name", name, "--network", "host", image, "/bin/sleep", "600"])
    try #require(run.status == 0, "podman run: \(run.stderr)")
    usleep(300_000)
    let result = try Kiln.run(["debug", "workers", "--addr", "podman-container://\(name)"], environment: [:], limit: .seconds(60))
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("ID\tPLATFORMS\nmoby\t"), "\(result.stdout)")
  }
}

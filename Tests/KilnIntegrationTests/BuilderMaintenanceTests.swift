import Foundation
import Testing

/// `use --global/--default`, `rm --all-inactive`, `prune` and `dial-stdio`, against the private engine.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BuilderMaintenanceTests {
  let root = TestDirectory.make("maint")
  var environment: [String: String] {
    ["BUILDX_CONFIG": root + "/buildx", "DOCKER_CONFIG": root + "/docker", "DOCKER_HOST": TestEngine.dockerHost ?? ""]
  }
  func kiln(_ args: String..., stdin: Data? = nil) throws -> KilnResult {
    try Kiln.run(args, environment: environment, stdin: stdin)
  }

  @Test func useGlobalAndDefaultWriteBuildxFiles() throws {
    #expect(try kiln("create", "--name", "g1", "--driver", "remote", "tcp://127.0.0.1:9").status == 0)
    let use = try kiln("use", "--global", "--default", "g1")
    #expect(use.status == 0, "\(use.stderr)")
    let current = try String(contentsOfFile: root + "/buildx/current", encoding: .utf8)
    #expect(current == #"{"Key":"\#(TestEngine.dockerHost ?? "")","Name":"g1","Global":true}"#)
    let defaults = try FileManager.default.contentsOfDirectory(atPath: root + "/buildx/defaults")
    #expect(defaults.count == 1)
    #expect(try kiln("use", "default").status == 0)
    #expect(try kiln("ls").stdout.contains("\ndefault*"))
    let missing = try kiln("use", "nobody")
    #expect(missing.stderr.hasPrefix("ERROR: failed to find instance \"nobody\""))
  }

  @Test func rmAllInactiveKeepsContextBuilder() throws {
    #expect(try kiln("create", "--name", "idle", "--driver", "docker-container", "--driver-opt", "image=busybox:latest").status == 0)
    let declined = try kiln("rm", "--all-inactive", stdin: Data("n\n".utf8))
    #expect(declined.stdout.hasPrefix("WARNING! This will remove all builders that are not in running state."))
    #expect(FileManager.default.fileExists(atPath: root + "/buildx/instances/idle"))
    let removed = try kiln("rm", "--all-inactive", "--force")
    #expect(removed.status == 0, "\(removed.stderr)")
    #expect(!FileManager.default.fileExists(atPath: root + "/buildx/instances/idle"))
    let context = try kiln("rm", "default")
    #expect(context.stderr.contains("context builder cannot be removed, run `docker context rm default` to remove this context"))
  }

  @Test func pruneReportsTotal() throws {
    let declined = try kiln("prune", stdin: Data("n\n".utf8))
    #expect(declined.stdout == "WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ")
    let pruned = try kiln("prune", "--force", "--filter", "until=240h")
    #expect(pruned.status == 0, "\(pruned.stderr)")
    #expect(pruned.stdout.hasSuffix("Total:\t") == false)
    #expect(pruned.stdout.contains("Total:\t"))
    let conflict = try kiln("prune", "--force", "--filter", "until=1h", "--filter", "unused-for=1h")
    #expect(conflict.stderr == "ERROR: conflicting filters \"until\" and \"unused-for\"\n")
  }

  @Test func dialStdioSpeaksHTTP2() throws {
    // The engine's BuildKit answers an HTTP/2 preface with its SETTINGS frame.
    let preface = Data("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + Data([0, 0, 0, 4, 0, 0, 0, 0, 0])
    let result = try kiln("dial-stdio", "--builder", "default", stdin: preface)
    #expect(result.status == 0, "\(result.stderr)")
    let bytes = Array(result.stdout.utf8)
    #expect(bytes.count >= 9)
    #expect(bytes.count >= 4 && bytes[3] == 4, "expected a SETTINGS frame first")
  }
}

import Foundation
import Testing

/// `kiln du` and `kiln debug workers` against the private engine's BuildKit.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct FirstLightTests {
  @Test func debugWorkersThroughDockerAddress() throws {
    let socket = try TestEngine.socketPath()
    let result = try Kiln.run(["debug", "workers", "--addr", "docker://unix://\(socket)"])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.first == "ID\tPLATFORMS")
    // The engine's BuildKit has one worker, named after the engine, building for the host platform.
    #expect(lines.count == 2)
    #expect(lines.dropFirst().first?.contains("linux/amd64") == true || lines.dropFirst().first?.contains("linux/arm64") == true)
  }

  @Test func debugWorkersVerboseShowsLabels() throws {
    let socket = try TestEngine.socketPath()
    let result = try Kiln.run(["debug", "workers", "--verbose"], environment: ["DOCKER_HOST": "unix://\(socket)"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("ID:\t\t"))
    #expect(result.stdout.contains("Platforms:\t"))
    #expect(result.stdout.contains("Labels:\n"))
  }

  @Test func diskUsageShowsBuildxColumnsAndTotals() throws {
    let socket = try TestEngine.socketPath()
    // Give the cache something to report: a build through the Docker CLI's BuildKit path.
    try seedCache(socket: socket)
    let result = try Kiln.run(["du"], environment: ["DOCKER_HOST": "unix://\(socket)"])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    let header = try #require(lines.first)
    #expect(header.hasPrefix("ID"))
    for column in ["RECLAIMABLE", "SIZE", "LAST ACCESSED"] { #expect(header.contains(column)) }
    #expect(lines.count > 3, "expected cache records: \(result.stdout)")
    #expect(result.stdout.contains("\nReclaimable:\t"))
    #expect(result.stdout.contains("\nTotal:\t\t"))
    // Rows line up under the header: SIZE starts at the same column in every row.
    let sizeColumn = try #require(header.firstRange(of: "SIZE")).lowerBound.utf16Offset(in: header)
    for row in lines.dropFirst() where !row.isEmpty && !row.contains(":") {
      #expect(row.count > sizeColumn)
    }
  }

  @Test func diskUsageVerboseIsBuildxPrettyFormat() throws {
    let socket = try TestEngine.socketPath()
    try seedCache(socket: socket)
    let result = try Kiln.run(["du", "--verbose", "--addr", "docker://unix://\(socket)"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("ID:           "))
    #expect(result.stdout.contains("\nCreated at:   "))
    #expect(result.stdout.contains(" +0000 UTC\n"))
    #expect(result.stdout.contains("\nUsage count:  "))
    #expect(result.stdout.contains("\n\nID:           ") || result.stdout.components(separatedBy: "ID:  ").count == 2)
  }

  @Test func diskUsageFilterAndFormatConflicts() throws {
    let socket = try TestEngine.socketPath()
    let both = try Kiln.run(["du", "--verbose", "--format", "json", "--addr", "docker://unix://\(socket)"])
    #expect(both.status == 1)
    #expect(both.stderr == "ERROR: --format and --verbose cannot be used together\n")
    let json = try Kiln.run(["du", "--format", "json", "--addr", "docker://unix://\(socket)"])
    #expect(json.status == 0, "\(json.stderr)")
    for line in json.stdout.split(separator: "\n") {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      #expect(object?["ID"] is String)
      #expect(object?["Reclaimable"] is Bool)
    }
  }

  @Test func buildkitHostEnvironmentIsHonoured() throws {
    let socket = try TestEngine.socketPath()
    let result = try Kiln.run(["debug", "workers"], environment: ["BUILDKIT_HOST": "docker://unix://\(socket)", "DOCKER_HOST": "unix:///nonexistent.sock"])
    #expect(result.status == 0, "\(result.stderr)")
  }

  /// Builds a tiny image with the Docker CLI so the cache is not empty.
  private func seedCache(socket: String) throws {
    let dir = TestDirectory.make("seed")
    try "FROM \(ProcessInfo.processInfo.environment["KILN_TEST_BASE_IMAGE"] ?? "busybox:latest")\nRUN echo seeded > /seed\n"
      .write(toFile: dir + "/Dockerfile", atomically: true, encoding: .utf8)
    let docker = try ProcessRunner.run(
      // Debian's 20.10 client builds through the engine's BuildKit without the buildx plugin.
      "/usr/bin/docker", ["-H", "unix://\(socket)", "build", "-q", dir],
      environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "DOCKER_BUILDKIT": "1", "HOME": TestDirectory.home]
    )
    #expect(docker.status == 0, "docker build failed: \(docker.stderr)")
  }
}

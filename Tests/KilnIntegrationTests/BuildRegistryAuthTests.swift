import Foundation
import Testing

/// Registry credentials end to end: a second registry with basic auth
/// (htpasswd made here), credentials from a stand-in `docker-credential-kilntest`
/// helper named in `credHelpers`, or from `auths`. `--push` sends them to
/// the engine in `X-Registry-Auth`; a `FROM` of a private image makes the
/// engine's BuildKit ask the session's `Auth` service.
@Suite(.enabled(if: TestEngine.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/htpasswd"), "needs the private engine and htpasswd (apache2-utils)"))
final class BuildRegistryAuthTests {
  typealias B = BuildIntegrationTests
  let dir: String
  let port: Int
  let registry: Process
  var host: String { "127.0.0.1:\(port)" }

  init() throws {
    dir = TestDirectory.make("auth-registry")
    port = Int.random(in: 20_000..<40_000)
    let htpasswd = try ProcessRunner.run("/usr/bin/htpasswd", ["-Bbc", dir + "/htpasswd", "kiln", "s3cret"])
    guard htpasswd.status == 0 else { throw KilnTestError("htpasswd failed: \(htpasswd.stderr)") }
    try """
      version: 0.1
      log:
        level: warn
      storage:
        filesystem:
          rootdirectory: \(dir)/data
      http:
        addr: 127.0.0.1:\(port)
      auth:
        htpasswd:
          realm: kiln-test
          path: \(dir)/htpasswd
      """.write(toFile: dir + "/config.yml", atomically: true, encoding: .utf8)
    registry = Process()
    registry.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
    registry.arguments = ["serve", dir + "/config.yml"]
    registry.standardOutput = FileHandle.nullDevice
    registry.standardError = FileHandle.nullDevice
    try registry.run()
    for _ in 0..<80 {
      let probe = try BuildOutputsTests.curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/v2/"])
      if probe.stdout == "401" { return }
      usleep(250_000)
    }
    registry.terminate()
    throw KilnTestError("the auth registry did not start on port \(port)")
  }

  deinit {
    registry.terminate()
    registry.waitUntilExit()
  }

  /// A Docker configuration naming the `kilntest` helper for this registry,
  /// and the helper: it records each host it is asked about and answers
  /// with the registry's credentials.
  func helperSetup() throws -> (config: String, path: String, record: String) {
    let config = dir + "/docker-config"
    let bin = dir + "/bin"
    try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    try #"{"credHelpers": {"\#(host)": "kilntest"}}"#.write(toFile: config + "/config.json", atomically: true, encoding: .utf8)
    let record = dir + "/asked"
    let script = """
      #!/bin/sh
      [ "$1" = get ] || exit 1
      read -r host
      echo "$host" >> \(record)
      printf '{"ServerURL":"%s","Username":"kiln","Secret":"s3cret"}' "$host"
      """
    try script.write(toFile: bin + "/docker-credential-kilntest", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/docker-credential-kilntest")
    return (config, bin + ":" + (Kiln.baseEnvironment["PATH"] ?? "/usr/bin:/bin"), record)
  }

  @Test func helperCredentialsPushAndPullThroughSession() throws {
    let (config, path, record) = try helperSetup()
    let env = ["DOCKER_CONFIG": config, "PATH": path]
    let token = B.unique()
    let base = "\(host)/kiln-test/base:\(token)"
    let dir = try B.context("auth-push", ["Dockerfile": "FROM \(B.base)\nRUN echo \(token) > /token\n"])
    let push = try B.build(["--push", "-t", base, dir], extra: env)
    #expect(push.status == 0, "\(push.stderr)")
    #expect(try BuildOutputsTests.manifestDigest(host: host, repository: "kiln-test/base", tag: token, user: "kiln:s3cret") != nil)
    #expect((try? String(contentsOfFile: record, encoding: .utf8))?.contains(host) == true)
    _ = try B.docker(["image", "rm", base])
    try? FileManager.default.removeItem(atPath: record)

    // The engine's BuildKit pulls the private base image with the session's credentials.
    let tag = "kiln-test/auth-from:\(token)"
    let from = try B.context("auth-from", ["Dockerfile": "FROM \(base)\nRUN cat /token\n"])
    let build = try B.build(["--pull", "-t", tag, from], extra: env)
    #expect(build.status == 0, "\(build.stderr)")
    #expect(build.stderr.contains(token))
    #expect((try? String(contentsOfFile: record, encoding: .utf8))?.contains(host) == true, "the Auth service was not asked")
    _ = try B.docker(["image", "rm", tag])

    // Without credentials the same pull is refused.
    let anonymous = try B.build(["--pull", from], extra: ["DOCKER_CONFIG": dir + "/none"])
    #expect(anonymous.status != 0)
    #expect(anonymous.stderr.lowercased().contains("unauthorized") || anonymous.stderr.contains("401"), "\(anonymous.stderr)")
  }

  @Test func authsEntryInConfigFile() throws {
    let config = dir + "/auths-config"
    try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
    let auth = Data("kiln:s3cret".utf8).base64EncodedString()
    try #"{"auths": {"http://\#(host)/v2/": {"auth": "\#(auth)"}}}"#.write(toFile: config + "/config.json", atomically: true, encoding: .utf8)
    let token = B.unique()
    let tag = "\(host)/kiln-test/auths:\(token)"
    let dir = try B.context("auth-auths", ["Dockerfile": "FROM \(B.base)\nRUN echo \(token) > /token\n"])
    let push = try B.build(["--push", "-t", tag, dir], extra: ["DOCKER_CONFIG": config])
    #expect(push.status == 0, "\(push.stderr)")
    #expect(try BuildOutputsTests.manifestDigest(host: host, repository: "kiln-test/auths", tag: token, user: "kiln:s3cret") != nil)
    _ = try B.docker(["image", "rm", tag])
  }
}

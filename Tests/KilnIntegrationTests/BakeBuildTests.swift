import Foundation
import Testing

/// `kiln bake` building targets on the private engine's BuildKit (v0.8), several at once.
@Suite(.enabled(if: TestEngine.available, "needs the private engine: run `make test`"))
struct BakeBuildIntegrationTests {
  typealias Build = BuildIntegrationTests
  static var base: String { Build.base }

  /// A project directory with `files` and a bake file; returns the directory.
  static func project(_ name: String, bake: String, _ files: [String: String]) throws -> String {
    try Build.context(name, files.merging(["docker-bake.hcl": bake]) { $1 })
  }

  static func bake(_ dir: String, _ args: [String]) throws -> KilnResult {
    let socket = try TestEngine.socketPath()
    return try Kiln.run(
      ["bake", "-f", dir + "/docker-bake.hcl", "--progress=plain"] + args,
      environment: ["DOCKER_HOST": "unix://\(socket)"], limit: .seconds(300))
  }

  static func labels(_ tag: String) throws -> [String: String] {
    let inspect = try Build.docker(["image", "inspect", "--format", "{{json .Config.Labels}}", tag])
    let data = Data(inspect.stdout.utf8)
    return (try? JSONSerialization.jsonObject(with: data) as? [String: String]) ?? [:]
  }

  static func exists(_ tag: String) throws -> Bool {
    try Build.docker(["image", "inspect", tag]).status == 0
  }

  static func remove(_ tags: String...) {
    for tag in tags { _ = try? Build.docker(["image", "rm", tag]) }
  }

  @Test func twoTargetsBuildIntoTheEngineWithMetadata() throws {
    let token = Build.unique()
    let (tagA, tagB) = ("kiln-test/bake-a:\(token)", "kiln-test/bake-b:\(token)")
    let dir = try Self.project("bake-two", bake: """
      group "default" {
        targets = ["a", "b"]
      }
      target "a" {
        context    = "\(TestDirectory.root)/PLACEHOLDER/a"
        tags       = ["\(tagA)"]
      }
      target "b" {
        context    = "\(TestDirectory.root)/PLACEHOLDER/b"
        dockerfile = "build.Dockerfile"
        tags       = ["\(tagB)"]
      }
      """, [
      "a/Dockerfile": "FROM \(Self.base)\nRUN echo a-\(token) > /which\n",
      "b/build.Dockerfile": "FROM \(Self.base)\nCOPY note.txt /note\nRUN echo b-\(token) > /which\n",
      "b/note.txt": "from b\n",
    ])
    try Self.fixPlaceholder(dir)
    let result = try Self.bake(dir, ["--metadata-file", dir + "/meta.json"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("#0 building with \"default\" instance using docker driver"))
    // One display for both builds, each vertex named after its target as buildx does.
    #expect(result.stderr.contains("[a internal] load build definition from Dockerfile"), "\(result.stderr)")
    #expect(result.stderr.contains("[b internal] load build definition from build.Dockerfile"), "\(result.stderr)")
    #expect(try Build.docker(["run", "--rm", tagA, "cat", "/which"]).stdout == "a-\(token)\n")
    #expect(try Build.docker(["run", "--rm", tagB, "cat", "/which", "/note"]).stdout == "b-\(token)\nfrom b\n")

    let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/meta.json"))) as? [String: Any]
    #expect(Set(meta?.keys.map { $0 } ?? []) == ["a", "b"])
    for (name, tag) in [("a", tagA), ("b", tagB)] {
      let entry = meta?[name] as? [String: Any]
      #expect((entry?["buildx.build.ref"] as? String)?.hasPrefix("default/default/") == true)
      let id = try Build.docker(["image", "inspect", "--format", "{{.Id}}", tag]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      #expect((entry?["containerimage.config.digest"] ?? entry?["containerimage.digest"]) as? String == id)
    }
    Self.remove(tagA, tagB)
  }

  @Test func targetsBuildConcurrently() throws {
    let token = Build.unique()
    let dir = try Self.project("bake-concurrent", bake: """
      target "one" {
        context    = "\(TestDirectory.root)/PLACEHOLDER"
        dockerfile = "one.Dockerfile"
        output     = ["type=cacheonly"]
      }
      target "two" {
        context    = "\(TestDirectory.root)/PLACEHOLDER"
        dockerfile = "two.Dockerfile"
        output     = ["type=cacheonly"]
      }
      """, [
      "one.Dockerfile": "FROM \(Self.base)\nRUN sleep 2 && echo one-\(token)\n",
      "two.Dockerfile": "FROM \(Self.base)\nRUN sleep 2 && echo two-\(token)\n",
    ])
    try Self.fixPlaceholder(dir)
    let result = try Self.bake(dir, ["one", "two", "--progress=rawjson"])
    #expect(result.status == 0, "\(result.stderr)")
    // Each RUN step's start and end, from the status stream: the two must overlap.
    var started: [String: String] = [:]
    var completed: [String: String] = [:]
    for line in result.stderr.split(separator: "\n") {
      guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
      for vertex in object["vertexes"] as? [[String: Any]] ?? [] {
        guard let name = vertex["name"] as? String, name.contains("RUN sleep 2") else { continue }
        let target = name.hasPrefix("[one ") ? "one" : "two"
        if let s = vertex["started"] as? String { started[target] = started[target] ?? s }
        if let c = vertex["completed"] as? String { completed[target] = c }
      }
    }
    let (s1, s2, c1, c2) = (try #require(started["one"]), try #require(started["two"]), try #require(completed["one"]), try #require(completed["two"]))
    // RFC 3339 timestamps of one clock and format compare as text.
    #expect(s1 < c2 && s2 < c1, "one \(s1)–\(c1), two \(s2)–\(c2)")
  }

  @Test func groupSelectsNestedTargetsOnly() throws {
    let token = Build.unique()
    let tags = ["x", "y", "z"].map { "kiln-test/bake-group-\($0):\(token)" }
    let dir = try Self.project("bake-group", bake: """
      group "all" {
        targets = ["x", "inner"]
      }
      group "inner" {
        targets = ["y"]
      }
      target "common" {
        context = "\(TestDirectory.root)/PLACEHOLDER"
      }
      target "x" {
        inherits = ["common"]
        tags     = ["\(tags[0])"]
      }
      target "y" {
        inherits = ["common"]
        tags     = ["\(tags[1])"]
      }
      target "z" {
        inherits = ["common"]
        tags     = ["\(tags[2])"]
      }
      """, ["Dockerfile": "FROM \(Self.base)\nRUN echo \(token) > /t\n"])
    try Self.fixPlaceholder(dir)
    let result = try Self.bake(dir, ["all"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try Self.exists(tags[0]))
    #expect(try Self.exists(tags[1]))
    #expect(try !Self.exists(tags[2]))
    Self.remove(tags[0], tags[1])
  }

  @Test func argsLabelsAndSetOverrides() throws {
    let token = Build.unique()
    let tag = "kiln-test/bake-args:\(token)"
    let dir = try Self.project("bake-args", bake: """
      variable "MSG" {
        default = "from-variable"
      }
      target "app" {
        context = "\(TestDirectory.root)/PLACEHOLDER"
        args = {
          MSG     = MSG
          UNSET   = null
          STAGE   = "one"
        }
        labels = {
          "org.kiln.token" = "\(token)"
          "org.kiln.unset" = null
        }
        target = "final"
      }
      """, [
      "Dockerfile": """
        FROM \(Self.base) AS final
        ARG MSG
        ARG UNSET=default-kept
        ARG STAGE
        RUN echo "$MSG $UNSET $STAGE" > /args
        FROM final AS other
        RUN exit 1
        """,
    ])
    try Self.fixPlaceholder(dir)
    let result = try Self.bake(dir, ["app", "--set", "app.tags=\(tag)", "--set", "app.args.STAGE=two"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try Build.docker(["run", "--rm", tag, "cat", "/args"]).stdout == "from-variable default-kept two\n")
    let labels = try Self.labels(tag)
    #expect(labels["org.kiln.token"] == token)
    #expect(labels["org.kiln.unset"] == nil)
    Self.remove(tag)
  }

  @Test func dockerfileInline() throws {
    let token = Build.unique()
    let tag = "kiln-test/bake-inline:\(token)"
    let dir = try Self.project("bake-inline", bake: """
      target "default" {
        context           = "\(TestDirectory.root)/PLACEHOLDER"
        dockerfile-inline = "FROM \(Self.base)\\nCOPY data.txt /data\\nRUN echo inline-\(token) >> /data\\n"
        tags              = ["\(tag)"]
      }
      """, ["data.txt": "context file\n"])
    try Self.fixPlaceholder(dir)
    let result = try Self.bake(dir, [])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try Build.docker(["run", "--rm", tag, "cat", "/data"]).stdout == "context file\ninline-\(token)\n")
    Self.remove(tag)
  }

  @Test func failingTargetCancelsTheOthersAndExitsOne() throws {
    let token = Build.unique()
    let (good, bad) = ("kiln-test/bake-good:\(token)", "kiln-test/bake-bad:\(token)")
    let dir = try Self.project("bake-fail", bake: """
      group "default" {
        targets = ["good", "bad"]
      }
      target "good" {
        context           = "\(TestDirectory.root)/PLACEHOLDER"
        dockerfile = "slow.Dockerfile"
        tags       = ["\(good)"]
      }
      target "bad" {
        context    = "\(TestDirectory.root)/PLACEHOLDER"
        dockerfile = "bad.Dockerfile"
        tags       = ["\(bad)"]
      }
      """, [
      "slow.Dockerfile": "FROM \(Self.base)\nRUN sleep 20 && echo \(token) > /t\n",
      "bad.Dockerfile": "FROM \(Self.base)\nRUN echo failing-\(token) && exit 3\n",
    ])
    try Self.fixPlaceholder(dir)
    let started = ContinuousClock.now
    let result = try Self.bake(dir, ["--metadata-file", dir + "/meta.json"])
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.contains("ERROR: target bad: "), "\(result.stderr)")
    #expect(result.stderr.contains("exit code: 3"), "\(result.stderr)")
    #expect(result.stderr.contains("failing-\(token)"))
    // The slow target was cancelled, not waited for, and nothing was stored or written.
    #expect(ContinuousClock.now - started < .seconds(20), "\(result.stderr)")
    #expect(try !Self.exists(good))
    #expect(try !Self.exists(bad))
    #expect(!FileManager.default.fileExists(atPath: dir + "/meta.json"))
  }

  @Test func targetLinksAreRefusedClearly() throws {
    let dir = try Self.project("bake-links", bake: """
      target "base" {
        context = "\(TestDirectory.root)/PLACEHOLDER"
      }
      target "app" {
        context  = "\(TestDirectory.root)/PLACEHOLDER"
        contexts = { base = "target:base" }
      }
      """, ["Dockerfile": "FROM \(Self.base)\n"])
    try Self.fixPlaceholder(dir)
    let result = try Self.bake(dir, ["app"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("ERROR: target app: context base=target:base needs BuildKit's gateway API"), "\(result.stderr)")
  }

  /// The bake file names its own directory, which is only known once it exists.
  static func fixPlaceholder(_ dir: String) throws {
    let path = dir + "/docker-bake.hcl"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let name = String(dir.dropFirst(TestDirectory.root.count + 1))
    try Data(text.replacing("PLACEHOLDER", with: name).utf8).write(to: URL(fileURLWithPath: path))
  }
}

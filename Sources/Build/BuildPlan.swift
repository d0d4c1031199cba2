public import BuildKit
public import Foundation
public import KilnCore
public import Progress

/// `docker buildx build`'s flags as plain values (no ArgumentParser here).
public struct BuildFlags: Sendable {
  public var tags: [String] = []
  public var file: String?
  public var buildArgs: [String] = []
  public var labels: [String] = []
  public var target: String?
  public var platforms: [String] = []
  public var progress: String?
  public var noCache = false
  public var pull = false
  public var load = false
  public var quiet = false
  public var network: String?
  public var addHosts: [String] = []
  public var metadataFile: String?
  public var imageIDFile: String?
  public var outputs: [String] = []
  public var secrets: [String] = []
  public var ssh: [String] = []
  /// The Dockerfile's text when it does not come from a file (`-f -`, bake's `dockerfile-inline`).
  public var dockerfileContent: String?
  /// `--build-context name=value`, `--cache-from`, `--cache-to`, `--no-cache-filter`, `--allow`,
  /// `--attest`, `--ulimit`: each as its CLI text.
  public var buildContexts: [String] = []
  public var cacheFrom: [String] = []
  public var cacheTo: [String] = []
  public var noCacheFilter: [String] = []
  public var allow: [String] = []
  public var attests: [String] = []
  public var ulimits: [String] = []
  public var sbom: String?
  public var provenance: String?
  public var shmSize: String?
  public var push = false
  /// `--annotation`, added to every output's attributes; `--cgroup-parent`.
  public var annotations: [String] = []
  public var cgroupParent: String?
  /// The builder's `default-load` driver option: with no output, load the image into the engine.
  public var defaultLoad = false
  public init() {}
}

/// A build worked out from flags: local directories, frontend attributes and
/// exporters, as buildx computes them in `build/opt.go`.
public struct BuildPlan: Sendable {
  public let flags: BuildFlags
  /// The context directory, or the URL of a remote (git, HTTP) context.
  public let contextDirectory: String
  public let dockerfileDirectory: String
  public let dockerfileName: String
  public var frontendAttrs: [String: String] = [:]
  public var exports: [ExportSpec] = []
  /// Where `local`, `tar`, `oci` or `docker` outputs land on this machine,
  /// by the exporter's index in ``exports``.
  public var outputTargets: [Int: OutputTarget] = [:]
  /// The first exporter's target (the only one but on BuildKit v0.13+).
  public var outputTarget: OutputTarget? { outputTargets[0] }
  public var secrets: [SecretSource] = []
  public var sshAgents: [SSHAgentSource] = []
  /// Local directories the session serves, by the names the frontend asks for.
  public var localDirectories: [String: String] = [:]
  /// `--allow` entitlements (and `network.host` for `--network host`).
  public var entitlements: [String] = []
  public var cacheImports: [CacheEntry] = []
  public var cacheExports: [CacheEntry] = []
  /// Image names the engine pushes after the build (`--push` on the Docker
  /// Engine, whose BuildKit v0.8 `moby` exporter cannot push): buildx pushes
  /// through the engine's API too.
  public var pushNames: [String] = []
  /// Temporary directories (a Dockerfile given as text, a tarball to load); removed after the build.
  public var temporaryPaths: [String] = []
  /// `--load` from a BuildKit that is not the engine's: the `docker`
  /// exporter's tarball, loaded into the engine (`POST /images/load`) after the build.
  public var loadTarball: String?
  /// The context streamed from stdin through the session (`kiln build -` with an archive).
  public var upload: SessionUpload?
  /// OCI layout directories the session serves as content stores, by store
  /// name (`local:DIR`, `oci:ID`, `export`; see BuildPlan+ContentStores).
  public var contentStores: [String: String] = [:]
  /// Layouts whose `index.json` gets the build's cache or image afterwards.
  public var layoutUpdates: [LayoutIndexUpdate] = []
  /// What BuildKit's client would log as warnings (a local cache it skips).
  public var warnings: [String] = []

  /// `onEngine`: the BuildKit is the Docker Engine's, whose `moby` exporter
  /// stores images; a standalone BuildKit keeps results only in its cache
  /// unless an output is given.
  ///
  /// A `contextPath` of `-` takes the context from `stdin` (see ``StdinContext``).
  public init(
    flags: BuildFlags, contextPath: String, stdin: StdinContext? = nil, environment: Environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath, onEngine: Bool = true
  ) throws {
    var flags = flags
    var contextPath = contextPath
    if contextPath == "-" {
      switch stdin {
      case nil:
        throw KilnError(.invalidArgument, "a build context from stdin (-) needs stdin's content")
      case .archive(let upload)?:
        self.upload = upload
      case .dockerfile(let text)?:
        // buildx builds a Dockerfile from stdin with an empty context directory.
        flags.dockerfileContent = text
        let empty = try Self.temporaryDirectory("kiln-empty-context-")
        temporaryPaths.append(empty)
        contextPath = empty
      }
    }
    self.flags = flags
    let remote = Self.isRemoteContext(contextPath)
    if let upload {
      contextDirectory = contextPath
      frontendAttrs["context"] = upload.url
    } else if remote {
      contextDirectory = contextPath
    } else {
      let context = Self.absolute(contextPath, from: currentDirectory)
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: context, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw KilnError(.invalidArgument, "unable to prepare context: path \"\(contextPath)\" not found")
      }
      contextDirectory = context
      localDirectories["context"] = context
    }
    if flags.file == "-", flags.dockerfileContent == nil {
      throw KilnError(.invalidArgument, "-f - needs the Dockerfile on stdin")
    }
    if let text = flags.dockerfileContent {
      // buildx writes a Dockerfile given as text to a temporary directory and serves that.
      let directory = try Self.temporaryDirectory("kiln-dockerfile-")
      do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/Dockerfile"))
      } catch {
        throw KilnError(.io, "cannot write the Dockerfile to \(directory)", underlying: error)
      }
      temporaryPaths.append(directory)
      dockerfileDirectory = directory
      dockerfileName = "Dockerfile"
      localDirectories["dockerfile"] = directory
    } else if upload != nil {
      // `-f` names the Dockerfile inside the uploaded archive.
      dockerfileDirectory = ""
      dockerfileName = flags.file ?? "Dockerfile"
    } else if let file = flags.file, !(remote && !file.hasPrefix("/")) {
      let path = Self.absolute(file, from: currentDirectory)
      dockerfileDirectory = (path as NSString).deletingLastPathComponent
      dockerfileName = (path as NSString).lastPathComponent
      localDirectories["dockerfile"] = dockerfileDirectory
    } else if remote {
      // The frontend reads the Dockerfile from the remote context (a relative
      // `-f` names a file in it, as in buildx; an absolute one is local).
      dockerfileDirectory = ""
      dockerfileName = flags.file ?? "Dockerfile"
    } else {
      dockerfileDirectory = contextDirectory
      dockerfileName = "Dockerfile"
      localDirectories["dockerfile"] = contextDirectory
    }
    frontendAttrs.merge(try Self.frontendAttributes(flags, dockerfileName: dockerfileName, environment: environment)) { $1 }
    if remote {
      frontendAttrs["context"] = contextPath
      if localDirectories["dockerfile"] != nil { frontendAttrs["dockerfilekey"] = "dockerfile" }
    }
    try addOptions(flags, currentDirectory: currentDirectory, onEngine: onEngine)
    let outputs = try Self.outputs(flags, currentDirectory: currentDirectory, onEngine: onEngine, environment: environment)
    (exports, outputTargets, pushNames) = (outputs.exports, outputs.targets, outputs.pushNames)
    try addExportLayouts()
    if !onEngine, let load = exports.indices.first(where: { exports[$0].type == "docker" && outputTargets[$0] == nil }) {
      let directory = try Self.temporaryDirectory("kiln-load-")
      temporaryPaths.append(directory)
      loadTarball = directory + "/image.tar"
      outputTargets[load] = .file(loadTarball)
    }
    secrets = try flags.secrets.map { text in
      var secret = try SecretSource.parse(text)
      if case .file(let path) = secret.origin { secret.origin = .file(Self.absolute(path, from: currentDirectory)) }
      return secret
    }
    sshAgents = try flags.ssh.map { try SSHAgentSource.parse($0, environment: environment.values) }
  }

  /// A git or HTTP(S) URL, passed to the frontend as the `context` attribute.
  static func isRemoteContext(_ path: String) -> Bool {
    path.hasPrefix("http://") || path.hasPrefix("https://") || path.hasPrefix("git://") || path.hasPrefix("git@")
      || path.hasPrefix("ssh://") || path.hasPrefix("github.com/")
  }

  /// Removes what the plan created on disk.
  public func cleanUp() {
    for path in temporaryPaths { try? FileManager.default.removeItem(atPath: path) }
  }

  static func temporaryDirectory(_ prefix: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(prefix + BuildSession.randomID()).path
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw KilnError(.io, "cannot create the temporary directory \(directory)", underlying: error)
    }
    return directory
  }

  static func absolute(_ path: String, from directory: String) -> String {
    let joined = path.hasPrefix("/") ? path : directory + "/" + path
    let cleaned = URL(fileURLWithPath: joined).standardizedFileURL.path
    return cleaned.count > 1 && cleaned.hasSuffix("/") ? String(cleaned.dropLast()) : cleaned
  }

  static func frontendAttributes(_ flags: BuildFlags, dockerfileName: String, environment: Environment) throws -> [String: String] {
    var attrs: [String: String] = ["filename": dockerfileName]
    if let target = flags.target { attrs["target"] = target }
    for arg in flags.buildArgs {
      if let eq = arg.firstIndex(of: "=") {
        attrs["build-arg:" + arg[..<eq]] = String(arg[arg.index(after: eq)...])
      } else if let value = environment[arg] {
        // `--build-arg NAME` takes the value from the environment, if set.
        attrs["build-arg:" + arg] = value
      }
    }
    for label in flags.labels {
      let parts = label.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      attrs["label:" + parts[0]] = parts.count > 1 ? String(parts[1]) : ""
    }
    if flags.noCache { attrs["no-cache"] = "" }
    if flags.pull { attrs["image-resolve-mode"] = "pull" }
    if !flags.platforms.isEmpty {
      let platforms = flags.platforms.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
      attrs["platform"] = platforms.joined(separator: ",")
    }
    if let network = flags.network {
      switch network {
      case "default": break
      case "host", "none": attrs["force-network-mode"] = network
      default: throw KilnError(.invalidArgument, "network mode \"\(network)\" not supported by buildkit: use default, host or none")
      }
    }
    if !flags.addHosts.isEmpty {
      // buildx takes `host:ip` and `host=ip`; BuildKit wants `host=ip`.
      let hosts = try flags.addHosts.map { entry -> String in
        if entry.contains("=") { return entry }
        guard let colon = entry.firstIndex(of: ":") else {
          throw KilnError(.invalidArgument, "invalid IP address in add-host: \"\(entry)\"")
        }
        return entry[..<colon] + "=" + entry[entry.index(after: colon)...]
      }
      attrs["add-hosts"] = hosts.joined(separator: ",")
    }
    return attrs
  }

  /// On the Docker Engine the image goes into the engine's own store (the
  /// `moby` exporter), named by `-t`, as buildx's docker driver does by default.
  static func engineExport(_ flags: BuildFlags) -> ExportSpec {
    var attrs: [String: String] = [:]
    if !flags.tags.isEmpty { attrs["name"] = flags.tags.joined(separator: ",") }
    return ExportSpec(type: "moby", attrs: attrs)
  }

  public func progressMode(environment: Environment) throws -> ProgressMode {
    flags.quiet ? .quiet : try Self.progressMode(flag: flags.progress, environment: environment)
  }

  /// `--progress` (`none` is `quiet`), else `BUILDKIT_PROGRESS`, else `auto`; `tty` needs a terminal.
  public static func progressMode(flag: String?, environment: Environment) throws -> ProgressMode {
    guard let mode = ProgressMode.resolve(flag: flag == "none" ? "quiet" : flag, environment: environment["BUILDKIT_PROGRESS"]) else {
      throw KilnError(.invalidArgument, "invalid progress mode \"\(flag ?? environment["BUILDKIT_PROGRESS"] ?? "")\": use auto, plain, tty, rawjson or quiet")
    }
    if mode == .tty, !Terminal.standardErrorIsTerminal {
      throw KilnError(.invalidArgument, "failed to get console: provided file is not a console")
    }
    return mode
  }

  /// Stable per builder and context directory, so BuildKit keeps its copy of
  /// the context between builds and asks only for changed files.
  public static func sharedKey(address: String, directory: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in (address + "\u{0}" + directory).utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    let base = (directory as NSString).lastPathComponent
    return "kiln-\(base)-" + String(hash, radix: 16)
  }

  /// The image ID as buildx reports it: the config digest when the exporter gives one.
  public static func imageID(_ response: [String: String]) -> String? {
    response["containerimage.config.digest"] ?? response["containerimage.digest"]
  }

  /// `--metadata-file`, `--iidfile` and, with `--quiet`, the image ID on stdout.
  /// `warnings` go into the metadata file as `buildx.build.warnings` when
  /// `BUILDX_METADATA_WARNINGS` is true, as in buildx.
  public func writeResults(_ response: [String: String], ref: String, quiet: Bool, warnings: [StatusUpdate.Warning] = [], environment: Environment = .current) throws {
    if let path = flags.metadataFile {
      var object = Self.metadata(response, ref: ref)
      if !warnings.isEmpty, Self.parseBool(environment["BUILDX_METADATA_WARNINGS"]) == true {
        object["buildx.build.warnings"] = warnings.map(Self.warningJSON)
      }
      let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
      do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
        throw KilnError(.io, "cannot write the metadata file \(path)", underlying: error)
      }
    }
    let id = Self.imageID(response)
    if let path = flags.imageIDFile, let id {
      do { try Data(id.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
        throw KilnError(.io, "cannot write the image ID file \(path)", underlying: error)
      }
    }
    if quiet, let id { FileHandle.standardOutput.write(Data((id + "\n").utf8)) }
  }

  /// buildx's metadata JSON: exporter response values, base64 JSON decoded
  /// into objects, plus `buildx.build.ref`.
  static func metadataJSON(_ response: [String: String], ref: String) throws -> Data {
    try JSONSerialization.data(withJSONObject: metadata(response, ref: ref), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
  }

  /// BuildKit's `client.VertexWarning` as Go encodes it (byte fields in
  /// base64, empty fields left out). The source's LLB definition is not kept.
  public static func warningJSON(_ warning: StatusUpdate.Warning) -> [String: Any] {
    var out: [String: Any] = [:]
    if !warning.vertex.isEmpty { out["vertex"] = warning.vertex }
    if warning.level != 0 { out["level"] = warning.level }
    if !warning.short.isEmpty { out["short"] = Data(warning.short.utf8).base64EncodedString() }
    if !warning.detail.isEmpty { out["detail"] = warning.detail.map { Data($0.utf8).base64EncodedString() } }
    if !warning.url.isEmpty { out["url"] = warning.url }
    if let source = warning.source {
      var info: [String: Any] = [:]
      if !source.filename.isEmpty { info["filename"] = source.filename }
      if !source.data.isEmpty { info["data"] = source.data.base64EncodedString() }
      if !source.language.isEmpty { info["language"] = source.language }
      out["sourceInfo"] = info
      if !source.ranges.isEmpty {
        let position = { (line: Int, character: Int) -> [String: Any] in
          var p: [String: Any] = [:]
          if line != 0 { p["line"] = line }
          if character != 0 { p["character"] = character }
          return p
        }
        out["range"] = source.ranges.map { ["start": position($0.startLine, $0.startCharacter), "end": position($0.endLine, $0.endCharacter)] }
      }
    }
    return out
  }

  /// One build's metadata (`kiln build`'s file, or one target's entry in bake's):
  /// each exporter response value whose base64 text holds a non-empty JSON
  /// object or list of objects is decoded (`result.json` is plain JSON), the
  /// rest kept as text; plus `buildx.build.ref`.
  public static func metadata(_ response: [String: String], ref: String) -> [String: Any] {
    var out: [String: Any] = [:]
    for (key, value) in response { out[key] = decodedValue(key, value) }
    out["buildx.build.ref"] = "default/default/\(ref)"
    return out
  }

  static func decodedValue(_ key: String, _ value: String) -> Any {
    guard let data = key == "result.json" ? Data(value.utf8) : Data(base64Encoded: value),
          let object = try? JSONSerialization.jsonObject(with: data)
    else { return value }
    if let map = object as? [String: Any], !map.isEmpty { return map }
    if let list = object as? [[String: Any]], !list.isEmpty { return list }
    return value
  }
}

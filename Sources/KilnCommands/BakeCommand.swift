import ArgumentParser
import Bake
import Build
import Foundation
import KilnCore
import Progress

/// `kiln bake`: evaluates bake files as `docker buildx bake` does and builds the selected
/// targets concurrently on one node (see `BakeBuild`). `--print` and `--list` need no builder.
struct BakeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bake", abstract: "Build from a file", aliases: ["f"])

  @Option(name: [.customShort("f"), .customLong("file")], help: "Build definition file")
  var files: [String] = []

  @Flag(help: "Print the options without building")
  var print = false

  @Option(help: "List targets or variables")
  var list: String?

  @Flag(name: .customLong("list-targets"), help: .hidden)
  var listTargets = false

  @Flag(name: .customLong("list-variables"), help: .hidden)
  var listVariables = false

  @Option(name: .customLong("set"), help: "Override target value (e.g., \"targetpattern.key=value\")")
  var overrides: [String] = []

  @Option(name: .customLong("var"), help: "Set a variable value (e.g., \"name=value\")")
  var vars: [String] = []

  @Flag(help: "Shorthand for \"--set=*.output=type=docker\". Conditional.")
  var load = false

  @Flag(help: "Shorthand for \"--set=*.output=type=registry\". Conditional.")
  var push = false

  @Flag(name: .customLong("no-cache"), help: "Do not use cache when building the image")
  var noCache = false

  @Flag(help: "Always attempt to pull all referenced images")
  var pull = false

  @Option(help: "Shorthand for \"--set=*.attest=type=sbom\"")
  var sbom: String?

  @Option(help: "Shorthand for \"--set=*.attest=type=provenance\"")
  var provenance: String?

  @Option(help: "Set method for evaluating build (\"check\", \"outline\", \"targets\")")
  var call = "build"

  @Flag(help: "Shorthand for \"--call=check\"")
  var check = false

  @Option(help: "Global policy evaluation options (format: \"[disabled=true|false][,strict=true|false][,log-level=level]\")")
  var policy: [String] = []

  @Option(help: "Allow build to access specified resources")
  var allow: [String] = []

  @OptionGroup var connection: ConnectionOptions

  @Option(help: "Set type of progress output")
  var progress: String?

  @Option(name: .customLong("metadata-file"), help: "Write build result metadata to a file")
  var metadataFile: String?

  @Argument(help: "Targets to build (groups, names or patterns)")
  var targets: [String] = []

  func run() async throws {
    let environment = Environment.current
    switch try evaluate(environment: environment.values, stdin: { FileHandle.standardInput.readDataToEndOfFile() }) {
    case .text(let output):
      FileHandle.standardOutput.write(Data(output.utf8))
    case .build(let resolved):
      try await build(resolved, environment: environment)
    }
  }

  /// What the definition asks for: text (`--print`, `--list`) or targets to build.
  enum Evaluation {
    case text(String)
    case build(Resolved)
  }

  /// Builds the resolved targets on the node `kiln build` would use, into one progress display;
  /// writes `--metadata-file` when all succeeded.
  private func build(_ resolved: Resolved, environment: Environment) async throws {
    let mode = try BuildPlan.progressMode(flag: progress, environment: environment)
    let chosen = try await connection.chosen(environment: environment)
    let node = BuildNode(dialer: chosen.dialer, timeout: try connection.connectTimeout(), environment: environment)
    let bake = try BakeBuild(resolved, environment: environment, onEngine: node.isEngine, defaultLoad: chosen.defaultLoad)
    let sink = ProgressSink(
      mode: mode, description: chosen.progressDescription, consoleDescription: chosen.consoleDescription, environment: environment.values)
    let results: [String: BuildResult]
    do {
      results = try await InterruptCancellation.run {
        try await sink.printing { try await bake.run(on: node, environment: environment, sink: sink) }
      }
    } catch {
      sink.finish(failed: true)
      throw error
    }
    sink.finish(failed: false)
    if let metadataFile {
      let warnings = Bool(goBool: environment["BUILDX_METADATA_WARNINGS"] ?? "") == true ? sink.warnings : []
      try BakeBuild.writeMetadata(results, warnings: warnings, to: metadataFile)
    }
  }

  /// Everything but the I/O, for tests: the text `--print` or `--list` writes, or the targets to build.
  func evaluate(environment env: [String: String], stdin: () -> Data) throws(KilnError) -> Evaluation {
    // cobra's notice for buildx's deprecated spellings.
    for (used, name, kind) in [(listTargets, "list-targets", "targets"), (listVariables, "list-variables", "variables")] where used {
      FileHandle.standardError.write(
        Data("Flag --\(name) has been deprecated, \(name) is deprecated, use list=\(kind) instead\n".utf8))
    }
    var listSpec = list ?? ""
    if listSpec.isEmpty { listSpec = listTargets ? "targets" : listVariables ? "variables" : "" }
    if print && !listSpec.isEmpty { throw KilnError(.invalidArgument, "--print and --list are mutually exclusive") }
    if let first = targets.first, ["http://", "https://", "git://", "git@"].contains(where: first.hasPrefix) {
      throw KilnError(.unsupported, "remote bake definitions are not implemented yet")
    }

    let files = try Bake.readFiles(files, environment: env) { String(decoding: stdin(), as: UTF8.self) }
    var lookupAllowed = true
    if let v = env["BUILDX_BAKE_DISABLE_VARS_ENV_LOOKUP"], parseBool(v) == true { lookupAllowed = false }
    let options = ParseOptions(
      builtins: ["BAKE_CMD_CONTEXT": "cwd://", "BAKE_LOCAL_PLATFORM": Self.localPlatform],
      vars: try parseVars(vars), environment: lookupAllowed ? env : nil, fileRelativePaths: try fileRelativePaths(env))
    let definition = try Bake.parse(files, options: options)
    // Freeing a large definition piece by piece costs a tenth of a run; the process ends right after.
    KeptUntilExit.keep(definition)
    if let warnings = definition.warnings { FileHandle.standardError.write(Data((warnings + "\n").utf8)) }

    if !listSpec.isEmpty {
      let (type, json) = try parseList(listSpec)
      return .text(
        type == "targets" ? Bake.listTargets(definition.config, json: json) : Bake.listVariables(definition.variables, json: json))
    }
    let (policyOverrides, policyDisabled) = try Bake.policyOverrides(policy)
    var resolved = try Bake.resolve(
      definition, targets: targets, overrides: effectiveOverrides + policyOverrides, environment: lookupAllowed ? env : nil)
    if policyDisabled { Bake.disablePolicy(&resolved) }
    try checkLocalInputs(resolved, env)
    KeptUntilExit.keep(resolved)
    return print ? .text(resolved.printed) : .build(resolved)
  }

  /// containerd's `platforms.Format(DefaultSpec())`, unnormalised: arm64 hosts report `arm64/v8`.
  static var localPlatform: String {
    var p = Platform.host
    if p.architecture == "arm64" && p.variant.isEmpty { p.variant = "v8" }
    return p.description
  }

  /// buildx prepares build options before printing, which reads secret files and SSH keys, so
  /// `--print` fails as it does when they are missing.
  private func checkLocalInputs(_ resolved: Resolved, _ env: [String: String]) throws(KilnError) {
    for name in resolved.targets.keys.sorted() {
      for secret in resolved.targets[name]?.secrets ?? [] where secret.env.isEmpty {
        // Without a source, the secret is read from the environment variable or file named by its id.
        let path = secret.src.isEmpty ? secret.id : secret.src
        if secret.src.isEmpty && env[secret.id] != nil { continue }
        if !FileManager.default.fileExists(atPath: path) {
          throw KilnError(.notFound, "failed to stat \(path): stat \(path): no such file or directory")
        }
      }
      for key in resolved.targets[name]?.ssh ?? [] {
        let config = "{\(key.id) [\(key.paths.joined(separator: " "))] false}"
        if key.paths.isEmpty && (env["SSH_AUTH_SOCK"] ?? "").isEmpty {
          throw KilnError(
            .invalidArgument,
            "failed to convert agent config \(config): invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set")
        }
        for path in key.paths where !FileManager.default.fileExists(atPath: path) {
          throw KilnError(
            .notFound,
            "failed to convert agent config \(config): failed to convert agent config for ID: \"\(key.id)\": stat \(path): no such file or directory")
        }
      }
    }
  }

  /// `--set` plus the shorthands buildx turns into overrides.
  var effectiveOverrides: [String] {
    var o = overrides
    if push { o.append("*.push=true") }
    if load { o.append("*.load=true") }
    // buildx keeps only the method name here; "check" is its alias for "lint".
    var method = (check ? "check" : call).split(separator: ",").first { !$0.contains("=") }.map(String.init) ?? ""
    if method == "check" { method = "lint" }
    if !method.isEmpty && method != "build" { o.append("*.call=\(method)") }
    if noCache { o.append("*.no-cache=true") }
    if pull { o.append("*.pull=true") }
    if let sbom, !sbom.isEmpty { o.append("*.attest=" + canonicalAttest("sbom", sbom)) }
    if let provenance, !provenance.isEmpty { o.append("*.attest=" + canonicalAttest("provenance", provenance)) }
    return o
  }

  private func canonicalAttest(_ type: String, _ value: String) -> String {
    if let b = parseBool(value) { return "type=\(type),disabled=\(!b)" }
    return "type=\(type),\(value)"
  }

  private func parseBool(_ s: String) -> Bool? {
    switch s {
    case "1", "t", "T", "TRUE", "true", "True": true
    case "0", "f", "F", "FALSE", "false", "False": false
    default: nil
    }
  }

  /// `BUILDX_BAKE_FILE_RELATIVE_PATHS`, a Go boolean; unset or blank is off.
  private func fileRelativePaths(_ env: [String: String]) throws(KilnError) -> Bool {
    let v = (env["BUILDX_BAKE_FILE_RELATIVE_PATHS"] ?? "").trimmingCharacters(in: .whitespaces)
    if v.isEmpty { return false }
    guard let b = parseBool(v) else {
      throw KilnError(
        .invalidArgument,
        "failed to parse BUILDX_BAKE_FILE_RELATIVE_PATHS value \"\(v)\": strconv.ParseBool: parsing \"\(v)\": invalid syntax")
    }
    return b
  }

  private func parseVars(_ values: [String]) throws(KilnError) -> [String: String] {
    var out: [String: String] = [:]
    for v in values where !v.isEmpty {
      guard let eq = v.firstIndex(of: "=") else { throw KilnError(.invalidArgument, "invalid variable \"\(v)\", expected key=value") }
      let key = String(v[..<eq])
      if key.isEmpty { throw KilnError(.invalidArgument, "invalid variable \"\(v)\", key is empty") }
      out[key] = String(v[v.index(after: eq)...])
    }
    return out
  }

  /// `--list` accepts `targets`, `variables`, or `type=...,format=table|json`.
  private func parseList(_ input: String) throws(KilnError) -> (type: String, json: Bool) {
    var type = ""
    var format = ""
    if !input.contains(",") && !input.hasPrefix("type=") && !input.contains("\"") {
      type = input
    } else {
      for field in input.split(separator: ",", omittingEmptySubsequences: false) {
        guard let eq = field.firstIndex(of: "=") else { throw KilnError(.invalidArgument, "invalid value \(field)") }
        let key = field[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
        let value = String(field[field.index(after: eq)...])
        switch key {
        case "type": type = value
        case "format": format = value
        default: throw KilnError(.invalidArgument, "unexpected key '\(key)' in '\(field)'")
        }
      }
    }
    if format.isEmpty { format = "table" }
    guard type == "targets" || type == "variables" else { throw KilnError(.invalidArgument, "invalid list type \"\(type)\"") }
    guard format == "table" || format == "json" else { throw KilnError(.invalidArgument, "invalid list format \"\(format)\"") }
    return (type, format == "json")
  }
}

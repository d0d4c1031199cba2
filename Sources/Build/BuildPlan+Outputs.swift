import BuildKit
import Foundation
import KilnCore

extension BuildPlan {
  /// One `--output` entry as buildx parses it (`util/buildflags/export.go`).
  struct OutputEntry {
    var type: String
    var destination: String?
    var attrs: [String: String]
  }

  /// buildx's text for a feature the docker driver lacks (`build/utils.go`).
  static func notSupported(_ feature: String, docs: String) -> KilnError {
    KilnError(.unsupported, """
      \(feature) is not supported for the docker driver.
      Switch to a different driver, or turn on the containerd image store, and try again.
      Learn more at \(docs)
      """)
  }

  /// CSV `type=...,dest=...`; a bare path is `type=local,dest=PATH`; `-` a tar on stdout.
  static func parseOutput(_ text: String) throws -> OutputEntry {
    if !text.hasPrefix("type="), !text.contains(",") {
      if text == "-" { return OutputEntry(type: "tar", destination: "-", attrs: [:]) }
      if !text.contains("=") { return OutputEntry(type: "local", destination: text, attrs: [:]) }
    }
    var entry = OutputEntry(type: "", destination: nil, attrs: [:])
    for field in try CSVFields.split(text) {
      let pair = field.split(separator: "=", maxSplits: 1)
      guard pair.count == 2 else { throw KilnError(.invalidArgument, "invalid value \(field)") }
      let key = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
      switch key {
      case "type": entry.type = String(pair[1])
      case "dest": entry.destination = String(pair[1])
      default: entry.attrs[key] = String(pair[1])
      }
    }
    guard !entry.type.isEmpty else { throw KilnError(.invalidArgument, "type is required for output") }
    return entry
  }

  /// The exporters of a solve, with where each one that sends its result to
  /// the client writes (by its index), and what the engine pushes afterwards.
  struct PlannedOutputs {
    var exports: [ExportSpec] = []
    var targets: [Int: OutputTarget] = [:]
    var pushNames: [String] = []
  }

  /// `--output`, `--push` and `--load` as buildx turns them into exporters
  /// (`commands/build.go`, `build/opt.go`): `registry` is an `image` with
  /// `push=true`; on the Docker Engine `image`/`docker` become its `moby`
  /// exporter, pushed afterwards through the engine's API; with no output
  /// the image goes to the engine's store. Several outputs need BuildKit
  /// v0.13+, checked once connected (the engine's v0.8 never has it).
  static func outputs(_ flags: BuildFlags, currentDirectory: String, onEngine: Bool = true, environment: Environment = Environment([:])) throws -> PlannedOutputs {
    var entries = try flags.outputs.filter { !$0.isEmpty }.map(parseOutput)
    for index in entries.indices where entries[index].type == "registry" {
      entries[index].type = "image"
      entries[index].attrs["push"] = "true"
      if entries[index].attrs["unpack"] == nil { entries[index].attrs["unpack"] = "false" }
    }
    if flags.push {
      let images = entries.indices.filter { entries[$0].type == "image" }
      for index in images {
        entries[index].attrs["push"] = "true"
        if entries[index].attrs["unpack"] == nil { entries[index].attrs["unpack"] = "false" }
      }
      if images.isEmpty { entries.append(OutputEntry(type: "image", destination: nil, attrs: ["push": "true", "unpack": "false"])) }
    }
    if flags.load, !entries.contains(where: { $0.type == "docker" && $0.destination == nil }) {
      entries.append(OutputEntry(type: "docker", destination: nil, attrs: [:]))
    }
    // buildx adds annotations to the outputs given and those of --push and
    // --load, not to the engine's default image.
    let annotations = try annotationAttributes(flags.annotations)
    for index in entries.indices {
      entries[index].attrs.merge(annotations) { $1 }
      if onEngine, ["image", "docker"].contains(entries[index].type), hasIndexAnnotation(entries[index].attrs) {
        throw KilnError(.invalidArgument, "index annotations not supported for single platform export")
      }
    }
    // With no output: the engine stores the image; a builder with
    // `default-load` loads it into the engine; BUILDX_NO_DEFAULT_LOAD turns both off.
    if entries.isEmpty, parseBool(environment["BUILDX_NO_DEFAULT_LOAD"]) != true {
      if onEngine {
        entries = [OutputEntry(type: "image", destination: nil, attrs: [:])]
      } else if flags.defaultLoad {
        entries = [OutputEntry(type: "docker", destination: nil, attrs: flags.tags.isEmpty ? [:] : ["name": flags.tags.joined(separator: ",")])]
      }
    }
    if entries.count > 1, onEngine {
      // On the engine `--push --load` is one image, stored then pushed.
      let merged = entries.allSatisfy { ($0.type == "image" || $0.type == "docker") && $0.destination == nil }
      guard merged else { throw multipleOutputsUnsupported }
      let push = entries.contains { parseBool($0.attrs["push"]) == true }
      entries = [OutputEntry(type: "image", destination: nil, attrs: push ? ["push": "true"] : [:])]
    }
    for index in entries.indices {
      if !flags.tags.isEmpty, ["image", "oci", "docker"].contains(entries[index].type) {
        entries[index].attrs["name"] = flags.tags.joined(separator: ",")
      } else if entries[index].type == "image", (entries[index].attrs["name"] ?? "").isEmpty, parseBool(entries[index].attrs["push"]) == true {
        throw KilnError(.invalidArgument, "tag is needed when pushing to registry")
      }
    }
    var planned = PlannedOutputs()
    for entry in entries where entry.type != "cacheonly" {
      let (export, target, names) = try self.export(entry, currentDirectory: currentDirectory, onEngine: onEngine)
      if case .file(nil)? = target, planned.targets.values.contains(.file(nil)) {
        throw KilnError(.invalidArgument, "multiple outputs configured to write to stdout")
      }
      if let target { planned.targets[planned.exports.count] = target }
      planned.exports.append(export)
      planned.pushNames += names
    }
    return planned
  }

  static var multipleOutputsUnsupported: KilnError {
    KilnError(.unsupported, "multiple outputs currently unsupported by the current BuildKit daemon, please upgrade to version v0.13+ or use a single output")
  }

  /// One output's exporter, where it writes on this machine (if it sends
  /// its result to the client), and the names the engine pushes.
  static func export(_ entry: OutputEntry, currentDirectory: String, onEngine: Bool) throws -> (ExportSpec, OutputTarget?, [String]) {
    let push = parseBool(entry.attrs["push"]) == true
    switch entry.type {
    case "local":
      guard let dest = entry.destination, !dest.isEmpty else { throw KilnError(.invalidArgument, "dest is required for local exporter") }
      guard dest != "-" else { throw KilnError(.invalidArgument, "dest cannot be stdout for local exporter") }
      let path = absolute(dest, from: currentDirectory)
      if isExisting(path, directory: false) { throw KilnError(.invalidArgument, "destination directory \(dest) is a file") }
      return (ExportSpec(type: "local", attrs: entry.attrs), .directory(path), [])
    case "tar":
      return (ExportSpec(type: "tar", attrs: entry.attrs), try fileTarget(entry, currentDirectory: currentDirectory), [])
    case "oci" where onEngine:
      throw notSupported("OCI exporter", docs: "https://docs.docker.com/go/build-exporters/")
    case "docker" where onEngine && entry.destination != nil:
      throw notSupported("Docker exporter", docs: "https://docs.docker.com/go/build-exporters/")
    case "docker" where onEngine:
      // No dest (one was refused above): the engine's image store, as buildx's docker driver does.
      var image = entry
      image.type = "image"
      return try export(image, currentDirectory: currentDirectory, onEngine: onEngine)
    case "oci", "docker":
      guard entry.destination != nil else {
        // `--load`: the tarball goes to a temporary file, then into the engine.
        guard entry.type == "docker" else { throw KilnError(.invalidArgument, "dest is required for oci exporter") }
        return (ExportSpec(type: "docker", attrs: entry.attrs), nil, [])
      }
      // `tar=false`: an OCI layout directory, written through the session's
      // `export` content store (BuildPlan+ContentStores.swift).
      if parseBool(entry.attrs["tar"]) == false {
        return (try layoutExport(entry, currentDirectory: currentDirectory), nil, [])
      }
      return (ExportSpec(type: entry.type, attrs: entry.attrs), try fileTarget(entry, currentDirectory: currentDirectory), [])
    case "image" where !onEngine:
      return (ExportSpec(type: "image", attrs: entry.attrs), nil, [])
    case "image", "moby":
      if push, parseBool(entry.attrs["push-by-digest"]) == true {
        throw KilnError(.unsupported, "push-by-digest is currently not implemented for docker driver, please create a new builder instance")
      }
      let names = push ? (entry.attrs["name"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } : []
      return (ExportSpec(type: "moby", attrs: entry.attrs), nil, names)
    default:
      if onEngine { throw KilnError(.unsupported, "output type \(entry.type) is not supported by the Docker Engine's BuildKit") }
      // Other exporters (a newer daemon's) get their attributes as given.
      return (ExportSpec(type: entry.type, attrs: entry.attrs), nil, [])
    }
  }

  /// Whether `path` exists and is (or is not) a directory.
  static func isExisting(_ path: String, directory: Bool) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue == directory
  }

  /// A tarball output: a file, or stdout for `-` or no `dest`.
  static func fileTarget(_ entry: OutputEntry, currentDirectory: String) throws -> OutputTarget {
    let dest = entry.destination ?? "-"
    if dest == "-", isatty(STDOUT_FILENO) == 1 {
      throw KilnError(.invalidArgument, "dest file is required for \(entry.type) exporter. refusing to write to console")
    }
    if dest == "-" { return .file(nil) }
    let path = absolute(dest, from: currentDirectory)
    if isExisting(path, directory: true) { throw KilnError(.invalidArgument, "destination file \(dest) is a directory") }
    return .file(path)
  }

  /// Go's `strconv.ParseBool`, for optional values.
  static func parseBool(_ text: String?) -> Bool? { text.flatMap { Bool(goBool: $0) } }
}

/// CSV fields as Go's `encoding/csv` reads one line (quotes group commas).
enum CSVFields {
  static func split(_ text: String) throws -> [String] {
    var fields: [String] = []
    var current = ""
    var quoted = false
    var iterator = Array(text).makeIterator()
    var pending: Character? = nil
    while let char = pending ?? iterator.next() {
      pending = nil
      if quoted {
        if char == "\"" {
          let next = iterator.next()
          if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
        } else {
          current.append(char)
        }
      } else if char == "\"", current.isEmpty || current.hasSuffix("=") {
        quoted = true
      } else if char == "," {
        fields.append(current)
        current = ""
      } else {
        current.append(char)
      }
    }
    if quoted { throw KilnError(.invalidArgument, "invalid CSV value \(text): unterminated quote") }
    fields.append(current)
    return fields
  }
}

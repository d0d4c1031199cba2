import Foundation
public import KilnCore

extension Bake {
  /// Reads the definition files buildx would: `-f` names in order (`-` is stdin, `cwd://` is
  /// stripped), else `BUILDX_BAKE_FILE` (split on `BUILDX_BAKE_PATH_SEPARATOR`, default `:`),
  /// else whichever default files exist.
  public static func readFiles(
    _ names: [String], environment: [String: String], readStdin: () -> String
  ) throws(KilnError) -> [BakeFile] {
    var names = names.map { $0.cutPrefix("cwd://") ?? $0 }
    if names.isEmpty, let list = environment["BUILDX_BAKE_FILE"] {
      let sep = environment["BUILDX_BAKE_PATH_SEPARATOR"].flatMap { $0.isEmpty ? nil : $0 } ?? ":"
      for raw in list.split(separator: sep, omittingEmptySubsequences: false) {
        let name = String(raw).trimmingSpaces
        if name.isEmpty { continue }
        if name != "-" && !FileManager.default.fileExists(atPath: name) {
          throw KilnError(.notFound, "stat \(name): no such file or directory")
        }
        names.append(name)
      }
    }
    let isDefault = names.isEmpty
    if isDefault { names = defaultFilenames }
    var files: [BakeFile] = []
    for name in names {
      if name == "-" {
        files.append(BakeFile(name: name, contents: readStdin()))
        continue
      }
      guard let data = FileManager.default.contents(atPath: name) else {
        if isDefault && !FileManager.default.fileExists(atPath: name) { continue }
        throw KilnError(.io, "open \(name): no such file or directory")
      }
      // buildx skips empty files, so an empty -f file is as if not given.
      if data.isEmpty { continue }
      files.append(BakeFile(name: name, contents: String(decoding: data, as: UTF8.self)))
    }
    if files.isEmpty { throw KilnError(.notFound, "couldn't find a bake definition") }
    return files
  }

  /// `--list=targets`: targets and groups sorted by name, private (`_`) ones hidden; a group's
  /// description ends with its targets.
  public static func listTargets(_ config: Config, json: Bool) -> String {
    var rows: [(name: String, description: String, group: Bool)] = []
    for t in config.targets { rows.append((t.name, t.description, false)) }
    for g in config.groups {
      var d = g.description
      if !g.targets.isEmpty {
        let names = g.targets.sorted().joined(separator: ", ")
        d = d.isEmpty ? names : d + " (" + names + ")"
      }
      rows.append((g.name, d, true))
    }
    rows = rows.enumerated().sorted { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }.map(\.element)
    rows.removeAll { $0.name.hasPrefix("_") }
    if json {
      guard !rows.isEmpty else { return "null\n" }
      return GoJSON.array(
        rows.map { r in
          var o: [(String, GoJSON)] = [("name", .string(r.name))]
          if !r.description.isEmpty { o.append(("description", .string(r.description))) }
          if r.group { o.append(("group", .bool(true))) }
          return .object(o)
        }
      ).render() + "\n"
    }
    var w = TabWriter.tabbed
    w.write("TARGET\tDESCRIPTION\n")
    for r in rows { w.write("\(r.name)\t\(r.description)\n") }
    return w.flush()
  }

  /// `--list=variables`: name, type, value (`<null>` when null) and description.
  public static func listVariables(_ variables: [VariableInfo], json: Bool) -> String {
    let vars = variables.sorted { $0.name < $1.name }
    if json {
      return GoJSON.array(
        vars.map { v in
          var o: [(String, GoJSON)] = [("name", .string(v.name))]
          if !v.description.isEmpty { o.append(("description", .string(v.description))) }
          if !v.type.isEmpty { o.append(("type", .string(v.type))) }
          if let value = v.value { o.append(("value", .string(value))) }
          return .object(o)
        }
      ).render() + "\n"
    }
    var w = TabWriter.tabbed
    w.write("VARIABLE\tTYPE\tVALUE\tDESCRIPTION\n")
    for v in vars { w.write("\(v.name)\t\(v.type)\t\(v.value ?? "<null>")\t\(v.description)\n") }
    return w.flush()
  }
}

/// What buildx prints once a build's progress closes, when the build warned:
///
///      1 warning found (use docker --debug to expand):
///      - FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)
///
/// The count line is yellow (buildx colours it whatever the output is;
/// Kiln leaves colour out under `NO_COLOR`). Nothing in quiet or rawjson mode.
public enum WarningSummary {
  public static func text(_ warnings: [StatusUpdate.Warning], colors: Bool) -> String {
    guard !warnings.isEmpty else { return "" }
    let count = warnings.count == 1 ? "1 warning found" : "\(warnings.count) warnings found"
    let heading = count + " (use docker --debug to expand):\n"
    var out = "\n " + (colors ? "\u{1b}[33m" + heading + "\u{1b}[0m" : heading)
    for warning in warnings { out += " - \(warning.short)\n" }
    return out
  }

  /// The warnings once each: the same warning from several vertices (or
  /// targets) counts once, as buildx compares all but the vertex.
  public static func deduplicated(_ warnings: [StatusUpdate.Warning]) -> [StatusUpdate.Warning] {
    var seen = Set<StatusUpdate.Warning>()
    return warnings.filter { warning in
      var key = warning
      key.vertex = ""
      return seen.insert(key).inserted
    }
  }
}

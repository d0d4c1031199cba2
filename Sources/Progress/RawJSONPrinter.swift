import Foundation

/// `--progress=rawjson`: each status update as one JSON line, with the field
/// names of BuildKit's Go `client.SolveStatus`.
public enum RawJSONPrinter {
  public static func line(_ update: StatusUpdate) -> String {
    var object: [String: Any] = [:]
    if !update.vertexes.isEmpty {
      object["vertexes"] = update.vertexes.map { v -> [String: Any] in
        var o: [String: Any] = ["digest": v.digest, "name": v.name]
        if !v.inputs.isEmpty { o["inputs"] = v.inputs }
        if v.cached { o["cached"] = true }
        if let s = v.started { o["started"] = time(s) }
        if let c = v.completed { o["completed"] = time(c) }
        if !v.error.isEmpty { o["error"] = v.error }
        return o
      }
    }
    if !update.statuses.isEmpty {
      object["statuses"] = update.statuses.map { s -> [String: Any] in
        var o: [String: Any] = ["id": s.id, "vertex": s.vertex]
        if !s.name.isEmpty { o["name"] = s.name }
        if s.current != 0 { o["current"] = s.current }
        if s.total != 0 { o["total"] = s.total }
        if let t = s.timestamp { o["timestamp"] = time(t) }
        if let t = s.started { o["started"] = time(t) }
        if let t = s.completed { o["completed"] = time(t) }
        return o
      }
    }
    if !update.logs.isEmpty {
      object["logs"] = update.logs.map { l -> [String: Any] in
        var o: [String: Any] = ["vertex": l.vertex, "stream": l.stream, "data": l.data.base64EncodedString()]
        if let t = l.timestamp { o["timestamp"] = time(t) }
        return o
      }
    }
    if !update.warnings.isEmpty {
      object["warnings"] = update.warnings.map { w -> [String: Any] in
        ["vertex": w.vertex, "level": w.level, "short": Data(w.short.utf8).base64EncodedString()]
      }
    }
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "{}\n" }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  private static func time(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: date)
  }
}

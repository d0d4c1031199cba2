/// Several builds printing into one display (bake) can report the same vertex, since BuildKit
/// shares identical steps between solves. As buildx does, a vertex's logs are shown only from
/// the first build that sent logs for it, so shared output is not printed twice.
public struct LogSources: Sendable {
  private var owners: [String: String] = [:]

  public init() {}

  /// `update` without the logs of vertexes whose logs come from another source.
  public mutating func filter(_ update: StatusUpdate, source: String) -> StatusUpdate {
    guard !update.logs.isEmpty else { return update }
    var out = update
    out.logs = update.logs.filter { log in
      if let owner = owners[log.vertex] { return owner == source }
      owners[log.vertex] = source
      return true
    }
    return out
  }
}

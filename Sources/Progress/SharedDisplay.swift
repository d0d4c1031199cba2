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

extension StatusUpdate {
  /// This update with every vertex reference made private to `source`, so the plain display
  /// numbers each build's vertexes apart: BuildKit v0.8 gives every export the same vertex
  /// digest, and a second build's export would otherwise land on the first one's finished step.
  public func scoped(to source: String) -> StatusUpdate {
    let key = { (digest: String) in source + "/" + digest }
    var out = self
    for i in out.vertexes.indices {
      out.vertexes[i].digest = key(out.vertexes[i].digest)
      out.vertexes[i].inputs = out.vertexes[i].inputs.map(key)
    }
    for i in out.statuses.indices { out.statuses[i].vertex = key(out.statuses[i].vertex) }
    for i in out.logs.indices { out.logs[i].vertex = key(out.logs[i].vertex) }
    for i in out.warnings.indices { out.warnings[i].vertex = key(out.warnings[i].vertex) }
    return out
  }
}

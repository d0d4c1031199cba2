import Foundation

/// buildx's `--progress=plain` text: each vertex opens with `#N name`, then
/// its status lines, logs (`#N 0.123 text`) and warnings, and closes with
/// `#N DONE 0.1s`, `#N CACHED` or `#N ERROR: ...`. Output from another
/// vertex in between is marked with `#N ...` and a blank line.
///
/// A reducer over the status stream: feed updates, get text; no I/O.
public struct PlainPrinter: Sendable {
  struct VertexState: Sendable {
    var index = 0
    var name = ""
    var started: Date?
    var completed: Date?
    var cached = false
    var error = ""
    var printedDone = false
    /// Log text for this vertex not yet printed, and the last lines for error reports.
    var partialLine = false
    var tail: [String] = []
  }

  private var vertexes: [String: VertexState] = [:]
  private var order: [String] = []
  private var nextIndex = 0
  private var current: String?
  private var notFirst = false
  private var lastStatus: [String: Date] = [:]
  /// Lines of a failing step's output kept for the error summary.
  public static let tailLines = 10
  /// The first line, buildx's `#0 building with ...`.
  public var description: String?

  public init(description: String? = nil) {
    self.description = description
  }

  /// Applies one update (or a batch merged with ``StatusUpdate/merging(_:)``)
  /// and returns the text to print for it, vertex by vertex: those completed
  /// in this update first, by completion time, then the others in order.
  public mutating func apply(_ update: StatusUpdate) -> String {
    var touched: [String] = []
    func touch(_ digest: String) {
      if vertexes[digest] != nil, !touched.contains(digest) { touched.append(digest) }
    }
    for v in update.vertexes {
      var state = vertexes[v.digest] ?? VertexState()
      if vertexes[v.digest] == nil { order.append(v.digest) }
      state.name = v.name
      state.started = v.started ?? state.started
      state.completed = v.completed
      state.cached = v.cached
      state.error = v.error
      vertexes[v.digest] = state
      if v.started != nil || v.cached || v.completed != nil { touch(v.digest) }
    }
    // Only the latest state of each status line counts within one update.
    var latest: [String: StatusUpdate.Status] = [:]
    var statusOrder: [String] = []
    for s in update.statuses where vertexes[s.vertex] != nil {
      if latest[s.id] == nil { statusOrder.append(s.id) }
      latest[s.id] = s
      touch(s.vertex)
    }
    for w in update.warnings { touch(w.vertex) }
    for l in update.logs { touch(l.vertex) }
    let done = touched.filter { vertexes[$0].map { ($0.completed != nil || $0.cached) && !$0.printedDone } ?? false }
      .sorted { (vertexes[$0]?.completed ?? .distantPast) < (vertexes[$1]?.completed ?? .distantPast) }
    let open = touched.filter { !done.contains($0) }
    var out = ""
    for digest in done + open {
      // A closed vertex is printed again only for a warning that came late
      // (a lint warning after its definition loaded), as buildkit's printer does.
      let reopened = vertexes[digest]?.printedDone == true
      guard !reopened || update.warnings.contains(where: { $0.vertex == digest }) else { continue }
      out += header(digest)
      let index = vertexes[digest]?.index ?? 0
      for id in statusOrder {
        guard let s = latest[id], s.vertex == digest else { continue }
        if s.completed == nil, let last = lastStatus[s.id], let ts = s.timestamp, ts.timeIntervalSince(last) < 0.15 { continue }
        if let ts = s.timestamp { lastStatus[s.id] = ts }
        out += "#\(index) \(s.id)\(Self.statusSuffix(s))\n"
      }
      for w in update.warnings where w.vertex == digest { out += "#\(index) WARN: \(w.short)\n" }
      for log in update.logs where log.vertex == digest { out += logText(log) }
      if done.contains(digest) || reopened { out += close(digest) }
    }
    return out
  }

  static func statusSuffix(_ s: StatusUpdate.Status) -> String {
    var size = ""
    if s.total != 0 {
      size = " \(bytes(s.current)) / \(bytes(s.total))"
    } else if s.current != 0 {
      size = " \(bytes(s.current))"
    }
    var time = ""
    if let started = s.started, let end = s.completed ?? s.timestamp {
      let diff = end.timeIntervalSince(started)
      if diff > 0.01 { time = " " + seconds(diff, digits: 1) + "s" }
    }
    if s.completed != nil { time += " done" }
    return size + time
  }

  /// buildx's summary after a failed build: the failing step and its last output lines.
  /// Closes every step that started and never finished as `#N CANCELED`:
  /// once a build fails or is interrupted, the daemon's own cancellations
  /// may never arrive (the status stream ends with the build), and buildx
  /// shows such steps cancelled.
  public mutating func closeUnfinishedAsCanceled() -> String {
    var out = ""
    for digest in order {
      guard let state = vertexes[digest], state.started != nil, state.completed == nil, !state.cached, !state.printedDone else { continue }
      out += header(digest)
      vertexes[digest]?.error = "context canceled"
      out += close(digest)
    }
    return out
  }

  public func errorSummary() -> String {
    var out = ""
    for digest in order {
      guard let state = vertexes[digest], !state.error.isEmpty, !state.error.hasSuffix("context canceled") else { continue }
      out += "------\n > \(state.name):\n"
      for line in state.tail { out += line + "\n" }
      out += "------\n"
    }
    return out
  }

  private mutating func index(_ digest: String) -> Int {
    if let i = vertexes[digest]?.index, i != 0 { return i }
    nextIndex += 1
    vertexes[digest]?.index = nextIndex
    return nextIndex
  }

  private mutating func header(_ digest: String) -> String {
    guard current != digest else { return "" }
    var out = ""
    if let previous = current, let state = vertexes[previous] {
      if state.partialLine { out += "\n" }
      vertexes[previous]?.partialLine = false
      out += "#\(state.index) ...\n"
    }
    if notFirst {
      out += "\n"
    } else {
      if let description { out += "#0 \(description)\n\n" }
      notFirst = true
    }
    current = digest
    let i = index(digest)
    return out + "#\(i) \(vertexes[digest]?.name ?? "")\n"
  }

  private mutating func logText(_ log: StatusUpdate.Log) -> String {
    guard var state = vertexes[log.vertex] else { return "" }
    let text = String(decoding: log.data, as: UTF8.self)
    var out = ""
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let endsWithNewline = text.hasSuffix("\n")
    if endsWithNewline { lines.removeLast() }
    let elapsed = log.timestamp.flatMap { ts in state.started.map { ts.timeIntervalSince($0) } } ?? 0
    for (i, line) in lines.enumerated() {
      if i == 0 && state.partialLine {
        out += line
        if var last = state.tail.popLast() {
          last += line
          state.tail.append(last)
        }
      } else {
        if i > 0 || state.partialLine { out += "\n" }
        let stamped = "\(Self.seconds(max(elapsed, 0), digits: 3)) \(line)"
        out += "#\(state.index) \(stamped)"
        state.tail.append(stamped)
        if state.tail.count > Self.tailLines { state.tail.removeFirst() }
      }
      state.partialLine = true
    }
    if endsWithNewline || lines.isEmpty {
      if state.partialLine { out += "\n" }
      state.partialLine = false
    }
    vertexes[log.vertex] = state
    return out
  }

  private mutating func close(_ digest: String) -> String {
    guard var state = vertexes[digest] else { return "" }
    var out = ""
    if state.partialLine { out += "\n" }
    state.partialLine = false
    if !state.error.isEmpty {
      out += state.error.hasSuffix("context canceled") ? "#\(state.index) CANCELED\n" : "#\(state.index) ERROR: \(state.error)\n"
    } else if state.cached {
      out += "#\(state.index) CACHED\n"
    } else {
      var time = ""
      if let start = state.started, let end = state.completed {
        time = " " + Self.seconds(max(end.timeIntervalSince(start), 0), digits: 1) + "s"
      }
      out += "#\(state.index) DONE\(time)\n"
    }
    state.printedDone = true
    vertexes[digest] = state
    current = nil
    return out
  }

  /// Go's `%.Nf`.
  static func seconds(_ value: Double, digits: Int) -> String {
    String(format: "%.\(digits)f", value)
  }

  /// go-units' decimal sizes as buildx prints them (`85B`, `32.77kB`).
  static func bytes(_ n: Int64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB"]
    var value = Double(n)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    if unit == 0 { return "\(n)B" }
    return String(format: "%.2f", value) + units[unit]
  }
}

public import Foundation

/// buildx's live `tty` view: a header (`[+] Building 2.3s (5/8)`), one line
/// per started step with its time on the right, sub-task lines (`=> => ...`),
/// and the last log lines of running steps, redrawn in place on every tick.
///
/// A reducer plus a renderer with no I/O: ``apply(_:now:)`` takes status
/// updates, ``frame(now:width:height:final:)`` returns the text (with cursor
/// movements) that redraws the view over the previous frame.
public struct TTYPrinter: Sendable {
  struct Vertex: Sendable {
    var name = ""
    var started: Date?
    var completed: Date?
    var cached = false
    var error = ""
    var statusIDs: [String] = []
    var statuses: [String: StatusUpdate.Status] = [:]
    /// Output lines as (time since the step started, text).
    var logs: [(stamp: String, text: String)] = []
    var partialLog = false
  }

  private var vertexes: [String: Vertex] = [:]
  /// Digests in the order their steps started: the order of the lines.
  private var order: [String] = []
  /// Local clock minus the daemon's, fixed when the first step starts (as buildx does).
  private var clockOffset: TimeInterval?
  private var firstStart: Date?
  private var drawnLines = 0
  private var drawnBefore = false

  public var phase = "Building"
  /// Right-aligned on the header line, as buildx shows `docker:default`.
  public var description: String?
  public var colors = true
  /// Log lines shown under a running step, and kept per step for the error report.
  static let logLinesShown = 6
  static let logLinesKept = 1000

  public init(description: String? = nil, colors: Bool = true) {
    self.description = description
    self.colors = colors
  }

  public mutating func apply(_ update: StatusUpdate, now: Date = Date()) {
    for v in update.vertexes {
      var state = vertexes[v.digest] ?? Vertex()
      if let started = v.started {
        if clockOffset == nil { clockOffset = now.timeIntervalSince(started) }
        if firstStart == nil { firstStart = started }
        if state.started == nil { order.append(v.digest) }
      }
      state.name = v.name.replacingOccurrences(of: "\t", with: " ")
      state.started = v.started ?? state.started
      state.completed = v.completed
      state.cached = v.cached
      state.error = v.error
      vertexes[v.digest] = state
    }
    for s in update.statuses {
      guard var state = vertexes[s.vertex] else { continue }
      if state.statuses[s.id] == nil, s.started != nil { state.statusIDs.append(s.id) }
      state.statuses[s.id] = s
      vertexes[s.vertex] = state
    }
    for log in update.logs {
      guard var state = vertexes[log.vertex] else { continue }
      let text = String(decoding: log.data, as: UTF8.self)
      var pieces = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      let complete = text.hasSuffix("\n")
      if complete { pieces.removeLast() }
      for (i, piece) in pieces.enumerated() {
        if i == 0, state.partialLog, !state.logs.isEmpty {
          state.logs[state.logs.count - 1].text += piece
        } else {
          let offset = log.timestamp.flatMap { ts in state.started.map { ts.timeIntervalSince($0) } } ?? 0
          state.logs.append((Self.logStamp(offset), piece))
        }
      }
      if state.logs.count > Self.logLinesKept { state.logs.removeFirst(state.logs.count - Self.logLinesKept) }
      if !pieces.isEmpty || complete { state.partialLog = !complete }
      vertexes[log.vertex] = state
    }
  }

  /// buildx stamps log lines with 3 decimals under 10 s, 2 under 100 s, else 1.
  static func logStamp(_ seconds: TimeInterval) -> String {
    let digits = seconds < 10 ? 3 : seconds < 100 ? 2 : 1
    return String(format: "%.\(digits)f", seconds)
  }

  struct Line {
    var text: String
    var seconds: Double?
    var status = ""
    var completed = true
    var color: String?
    var log = false
  }

  /// The text that redraws the view: cursor up over the last frame, the new
  /// lines, and blank lines over any left from a longer previous frame.
  /// `final` draws every line (no height limit) and `FINISHED` when all is done.
  public mutating func frame(now: Date = Date(), width: Int, height: Int, final: Bool = false) -> String {
    let width = max(width, 20)
    var out = ""
    if drawnBefore { out += "\u{1b}[\(drawnLines + 1)A" }
    out += "\r\u{1b}[?25l"
    drawnBefore = true

    let total = vertexes.count
    let done = vertexes.values.filter { $0.started != nil && $0.completed != nil }.count
    let offset = clockOffset ?? 0
    let elapsed = firstStart.map { now.timeIntervalSince($0.addingTimeInterval(offset)) } ?? 0
    var head = "[+] \(phase) \(String(format: "%.1f", max(elapsed, 0)))s (\(done)/\(total)) "
    if final, done > 0, done == total { head += "FINISHED" }
    head = Self.align(head, description ?? "", width: description == nil ? width : width - 1)
    out += String(head.prefix(width)) + "\n"

    var lines = jobLines(now: now, offset: offset)
    if !final { lines = fit(lines, height: height) }
    var count = 0
    for line in lines {
      if line.log {
        out += paint(String(" => => # \(line.text)".prefix(width)) + "\n", "\u{1b}[2m")
        count += 1
        continue
      }
      let timer = " " + String(format: "%3.1f", line.seconds ?? 0) + "s"
      let prefix = " => "
      var room = width - prefix.count - timer.count - 2
      var showStatus = false
      if !line.status.isEmpty, room + line.status.count > 20 {
        showStatus = true
        room -= line.status.count + 1
      }
      guard room >= 12 else { continue }
      var text = prefix + String(line.text.prefix(room))
      if showStatus { text += " " + line.status }
      let drawn = Self.align(text, timer, width: width - 1) + "\n"
      out += line.completed ? paint(drawn, line.color ?? "\u{1b}[34m") : drawn
      count += 1
    }
    if drawnLines > count {
      let blank = String(repeating: " ", count: width) + "\n"
      out += String(repeating: blank, count: drawnLines - count)
      out += "\u{1b}[\(drawnLines - count)A\r"
    }
    drawnLines = count
    return out + "\u{1b}[?25h"
  }

  private func jobLines(now: Date, offset: TimeInterval) -> [Line] {
    var lines: [Line] = []
    for digest in order {
      guard let v = vertexes[digest], let started = v.started else { continue }
      var name = v.name
      var color: String?
      if !v.error.isEmpty {
        if v.error.hasSuffix("context canceled") {
          name = "CANCELED " + name
          color = "\u{1b}[33m"
        } else {
          name = "ERROR " + name
          color = "\u{1b}[31m"
        }
      }
      if v.cached { name = "CACHED " + name }
      let end = v.completed ?? now.addingTimeInterval(-offset)
      lines.append(Line(text: name, seconds: Self.shown(end.timeIntervalSince(started)), completed: v.completed != nil, color: color))
      for id in v.statusIDs {
        guard let s = v.statuses[id], let sStart = s.started else { continue }
        var status = ""
        if s.total != 0 {
          status = PlainPrinter.bytes(s.current) + " / " + PlainPrinter.bytes(s.total)
        } else if s.current != 0 {
          status = PlainPrinter.bytes(s.current)
        }
        let sEnd = s.completed ?? now.addingTimeInterval(-offset)
        lines.append(Line(text: "=> " + id, seconds: Self.shown(sEnd.timeIntervalSince(sStart)), status: status, completed: s.completed != nil))
      }
      if v.completed == nil, !v.logs.isEmpty {
        // The live view shows the output as a terminal would, without times.
        for log in v.logs.suffix(Self.logLinesShown) { lines.append(Line(text: log.text, completed: false, log: true)) }
      }
    }
    return lines
  }

  /// Keeps the frame within the terminal: log lines go first, then the
  /// oldest finished lines; running steps stay as long as they fit.
  private func fit(_ lines: [Line], height: Int) -> [Line] {
    let limit = max(height - 2, 1)
    guard lines.count > limit else { return lines }
    var kept = lines.filter { !$0.log }
    var surplus = kept.count - limit
    if surplus < 0 {
      // Room for some log lines: keep the latest ones that fit.
      var room = -surplus
      return lines.reversed().filter { line in
        guard line.log else { return true }
        guard room > 0 else { return false }
        room -= 1
        return true
      }.reversed()
    }
    kept = kept.filter { line in
      guard surplus > 0, line.completed else { return true }
      surplus -= 1
      return false
    }
    return Array(kept.suffix(limit))
  }

  /// buildx shows times under 0.05 s as 0.0s.
  private static func shown(_ seconds: TimeInterval) -> Double { seconds < 0.05 ? 0 : seconds }

  /// Go's `%-*s %s`: `left` padded to `width - right.count - 1`, a space, then `right`.
  static func align(_ left: String, _ right: String, width: Int) -> String {
    let pad = max(width - right.count - 1 - left.count, 0)
    return left + String(repeating: " ", count: pad) + " " + right
  }

  private func paint(_ text: String, _ color: String) -> String {
    colors ? color + text + "\u{1b}[0m" : text
  }

  /// After a failed build: each failing step with all the output it printed.
  public func errorSummary() -> String {
    var out = ""
    for digest in order {
      guard let v = vertexes[digest], !v.error.isEmpty, !v.error.hasSuffix("context canceled") else { continue }
      out += "------\n > \(v.name):\n"
      for line in v.logs { out += line.stamp + " " + line.text + "\n" }
      out += "------\n"
    }
    return out
  }
}

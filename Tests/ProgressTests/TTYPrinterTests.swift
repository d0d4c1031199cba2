import Foundation
import Progress
import Testing

/// buildx's live tty view, rendered from a status stream without a terminal.
struct TTYPrinterTests {
  let t0 = Date(timeIntervalSince1970: 1_700_000_000)

  /// The frame's visible text: escape sequences removed, trailing spaces trimmed.
  func visible(_ frame: String) -> [String] {
    let plain = frame.replacing(/\u{1b}\[[0-9?;]*[A-Za-z]/, with: "").replacingOccurrences(of: "\r", with: "")
    return plain.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      var s = Substring(line)
      while s.last == " " { s.removeLast() }
      return String(s)
    }
  }

  @Test func runningAndFinishedSteps() {
    var p = TTYPrinter(description: "docker:default", colors: false)
    p.apply(StatusUpdate(vertexes: [
      .init(digest: "a", name: "[internal] load build definition from Dockerfile", started: t0, completed: t0 + 0.02),
      .init(digest: "b", name: "[1/2] FROM busybox", cached: true, started: t0, completed: t0),
      .init(digest: "c", name: "[2/2] RUN sleep 1", started: t0 + 0.1),
      .init(digest: "d", name: "exporting to image"),
    ], statuses: [.init(id: "transferring dockerfile:", vertex: "a", current: 85, timestamp: t0, started: t0, completed: t0)]),
      now: t0)
    p.apply(StatusUpdate(logs: [.init(vertex: "c", data: Data("one\ntw".utf8), timestamp: t0 + 0.3), .init(vertex: "c", data: Data("o\n".utf8), timestamp: t0 + 0.4)]), now: t0)
    let lines = visible(p.frame(now: t0 + 2.5, width: 60, height: 20))
    #expect(lines == [
      "[+] Building 2.5s (2/4)                      docker:default",
      " => [internal] load build definition from Dockerfile   0.0s",
      " => => transferring dockerfile: 85B                    0.0s",
      " => CACHED [1/2] FROM busybox                          0.0s",
      " => [2/2] RUN sleep 1                                  2.4s",
      " => => # one",
      " => => # two",
      "",
    ])
    #expect(lines.dropLast().allSatisfy { $0.count <= 59 }, "buildx leaves the last column free")
  }

  @Test func redrawMovesUpAndClearsLeftoverLines() {
    var p = TTYPrinter(colors: false)
    p.apply(StatusUpdate(vertexes: [.init(digest: "a", name: "A", started: t0)]), now: t0)
    p.apply(StatusUpdate(logs: [.init(vertex: "a", data: Data("x\ny\n".utf8), timestamp: t0)]), now: t0)
    let first = p.frame(now: t0 + 1, width: 40, height: 20)
    #expect(!first.contains("\u{1b}[4A"), "the first frame does not move up")
    p.apply(StatusUpdate(vertexes: [.init(digest: "a", name: "A", started: t0, completed: t0 + 1.2)]), now: t0)
    let second = p.frame(now: t0 + 2, width: 40, height: 20, final: true)
    // Header plus three lines were drawn: up four, and two blank lines over the logs.
    #expect(second.hasPrefix("\u{1b}[4A"))
    #expect(second.contains("\u{1b}[2A"))
    let lines = visible(second)
    #expect(lines[0] == "[+] Building 2.0s (1/1) FINISHED")
    #expect(lines[1] == " => A                              1.2s")
  }

  @Test func errorLinesAndSummary() {
    var p = TTYPrinter(colors: true)
    p.apply(StatusUpdate(vertexes: [.init(digest: "a", name: "[2/2] RUN false", started: t0)]), now: t0)
    p.apply(StatusUpdate(logs: [.init(vertex: "a", data: Data("oops\n".utf8), timestamp: t0 + 0.1)]), now: t0)
    p.apply(StatusUpdate(vertexes: [.init(digest: "a", name: "[2/2] RUN false", started: t0, completed: t0 + 0.2, error: "exit code: 1")]), now: t0)
    let frame = p.frame(now: t0 + 1, width: 50, height: 10, final: true)
    #expect(frame.contains("\u{1b}[31m => ERROR [2/2] RUN false"))
    #expect(p.errorSummary() == "------\n > [2/2] RUN false:\n0.100 oops\n------\n")
  }

  @Test func shortTerminalKeepsRunningSteps() {
    var p = TTYPrinter(colors: false)
    var vertexes: [StatusUpdate.Vertex] = (0..<10).map { .init(digest: "d\($0)", name: "done \($0)", started: t0, completed: t0 + 0.1) }
    vertexes.append(.init(digest: "r", name: "running", started: t0))
    p.apply(StatusUpdate(vertexes: vertexes), now: t0)
    let lines = visible(p.frame(now: t0 + 1, width: 40, height: 6)).filter { !$0.isEmpty }
    #expect(lines.count == 5)
    #expect(lines.last?.hasPrefix(" => running") == true)
    #expect(lines[0].hasPrefix("[+] Building 1.0s (10/11)"))
  }
}

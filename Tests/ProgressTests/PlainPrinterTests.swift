import Foundation
import Progress
import Testing

/// buildx's plain progress text, reproduced from a status stream.
struct PlainPrinterTests {
  let t0 = Date(timeIntervalSince1970: 1_700_000_000)

  @Test func runStepWithLogsAndDone() {
    var p = PlainPrinter()
    var out = p.apply(StatusUpdate(vertexes: [.init(digest: "a", name: "[internal] load build definition from Dockerfile", started: t0)]))
    out += p.apply(StatusUpdate(
      vertexes: [.init(digest: "a", name: "[internal] load build definition from Dockerfile", started: t0, completed: t0 + 0.04)],
      statuses: [.init(id: "transferring dockerfile:", vertex: "a", current: 85, timestamp: t0, started: t0, completed: t0)]
    ))
    out += p.apply(StatusUpdate(vertexes: [.init(digest: "b", name: "[2/2] RUN echo hi", started: t0)]))
    out += p.apply(StatusUpdate(logs: [.init(vertex: "b", data: Data("hi\nthere\n".utf8), timestamp: t0 + 0.311)]))
    out += p.apply(StatusUpdate(vertexes: [.init(digest: "b", name: "[2/2] RUN echo hi", started: t0, completed: t0 + 0.42)]))
    #expect(out == """
      #1 [internal] load build definition from Dockerfile
      #1 transferring dockerfile: 85B done
      #1 DONE 0.0s

      #2 [2/2] RUN echo hi
      #2 0.311 hi
      #2 0.311 there
      #2 DONE 0.4s

      """)
  }

  @Test func cachedAndInterleaved() {
    var p = PlainPrinter()
    var out = p.apply(StatusUpdate(vertexes: [.init(digest: "a", name: "A", started: t0), .init(digest: "b", name: "B", started: t0)]))
    out += p.apply(StatusUpdate(vertexes: [.init(digest: "b", name: "B", cached: true, started: t0, completed: t0)]))
    out += p.apply(StatusUpdate(vertexes: [.init(digest: "a", name: "A", started: t0, completed: t0 + 1.26)]))
    #expect(out == "#1 A\n#1 ...\n\n#2 B\n#2 CACHED\n\n#1 A\n#1 DONE 1.3s\n")
  }

  @Test func errorShowsStepAndTail() {
    var p = PlainPrinter()
    _ = p.apply(StatusUpdate(vertexes: [.init(digest: "r", name: "[2/2] RUN exit 1", started: t0)]))
    _ = p.apply(StatusUpdate(logs: [.init(vertex: "r", stream: 2, data: Data("boom".utf8), timestamp: t0)]))
    let out = p.apply(StatusUpdate(vertexes: [.init(digest: "r", name: "[2/2] RUN exit 1", started: t0, completed: t0, error: "process \"/bin/sh -c exit 1\" did not complete successfully: exit code: 1")]))
    #expect(out == "\n#1 ERROR: process \"/bin/sh -c exit 1\" did not complete successfully: exit code: 1\n")
    #expect(p.errorSummary() == "------\n > [2/2] RUN exit 1:\n0.000 boom\n------\n")
  }

  @Test(arguments: [(Int64(85), "85B"), (32768, "32.77kB"), (1_500_000, "1.50MB")])
  func sizes(_ n: Int64, _ text: String) {
    var p = PlainPrinter()
    _ = p.apply(StatusUpdate(vertexes: [.init(digest: "a", name: "A", started: t0)]))
    let out = p.apply(StatusUpdate(statuses: [.init(id: "x", vertex: "a", current: n, timestamp: t0)]))
    #expect(out == "#1 x \(text)\n")
  }

  @Test func modes() {
    #expect(ProgressMode.resolve(flag: nil, environment: "plain") == .plain)
    #expect(ProgressMode.resolve(flag: "quiet", environment: "plain") == .quiet)
    #expect(ProgressMode.resolve(flag: nil, environment: nil) == .auto)
    #expect(ProgressMode.resolve(flag: "bogus", environment: nil) == nil)
  }
}

/// After a failure or an interrupt, steps the daemon never closed are shown cancelled.
struct PlainPrinterCancelTests {
  let t0 = Date(timeIntervalSince1970: 1_700_000_000)

  @Test func unfinishedStepsCloseAsCanceled() {
    var p = PlainPrinter()
    var out = p.apply(StatusUpdate(vertexes: [
      .init(digest: "a", name: "[a 2/2] RUN sleep 60", started: t0), .init(digest: "b", name: "[b 2/2] RUN false", started: t0),
      .init(digest: "c", name: "[a 1/2] FROM x", cached: true, started: t0, completed: t0),
    ]))
    out += p.apply(StatusUpdate(vertexes: [.init(digest: "b", name: "[b 2/2] RUN false", started: t0, completed: t0, error: "exit code: 1")]))
    out += p.closeUnfinishedAsCanceled()
    #expect(out.hasSuffix("\n#2 [a 2/2] RUN sleep 60\n#2 CANCELED\n"), "\(out)")
    #expect(p.closeUnfinishedAsCanceled() == "")
  }
}

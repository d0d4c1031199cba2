import Foundation
import Progress
import Testing

/// Several builds in one display: shared vertexes' logs once, each build's vertexes numbered apart.
struct SharedDisplayTests {
  @Test func sharedVertexLogsComeFromTheFirstSource() {
    var sources = LogSources()
    let line = { (vertex: String) in StatusUpdate.Log(vertex: vertex, data: Data("x\n".utf8)) }
    let a = sources.filter(StatusUpdate(logs: [line("v1")]), source: "app")
    let b = sources.filter(StatusUpdate(logs: [line("v1"), line("v2")]), source: "db")
    let c = sources.filter(StatusUpdate(logs: [line("v1")]), source: "app")
    #expect(a.logs.map(\.vertex) == ["v1"])
    #expect(b.logs.map(\.vertex) == ["v2"])
    #expect(c.logs.map(\.vertex) == ["v1"])
  }

  @Test func updatesWithoutLogsPassUnchanged() {
    var sources = LogSources()
    let update = StatusUpdate(vertexes: [.init(digest: "v1", name: "[app 1/2] FROM busybox")])
    #expect(sources.filter(update, source: "app") == update)
  }

  @Test func sameDigestFromTwoBuildsPrintsTwice() {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let export = { (name: String, done: Bool) in
      StatusUpdate(vertexes: [.init(digest: "e", name: name, started: t0, completed: done ? t0 + 0.01 : nil)])
    }
    var p = PlainPrinter()
    var out = p.apply(export("[a] exporting to image", true).scoped(to: "a"))
    out += p.apply(export("[b] exporting to image", true).scoped(to: "b"))
    #expect(out == "#1 [a] exporting to image\n#1 DONE 0.0s\n\n#2 [b] exporting to image\n#2 DONE 0.0s\n")
  }
}

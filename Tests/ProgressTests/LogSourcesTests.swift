import Foundation
import Progress
import Testing

/// Logs of a vertex that several builds share are kept from the first build that logged it.
struct LogSourcesTests {
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
}

import Foundation
import Progress
import Testing

/// Build warnings: inline in plain progress, then buildx's closing summary.
struct WarningSummaryTests {
  let t0 = Date(timeIntervalSince1970: 1_700_000_000)
  static let casing = "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)"

  @Test func lateWarningReopensItsClosedStep() {
    var p = PlainPrinter()
    var out = p.apply(StatusUpdate(vertexes: [.init(digest: "a", name: "[internal] load build definition from Dockerfile", started: t0, completed: t0)]))
    out += p.apply(StatusUpdate(vertexes: [.init(digest: "b", name: "[internal] load metadata", started: t0)]))
    out += p.apply(StatusUpdate(warnings: [.init(vertex: "a", short: Self.casing)]))
    #expect(out == """
      #1 [internal] load build definition from Dockerfile
      #1 DONE 0.0s

      #2 [internal] load metadata
      #2 ...

      #1 [internal] load build definition from Dockerfile
      #1 WARN: \(Self.casing)
      #1 DONE 0.0s

      """)
  }

  @Test func summaryCountsEachWarningOnce() {
    let warnings = WarningSummary.deduplicated([
      .init(vertex: "a", short: Self.casing), .init(vertex: "b", short: Self.casing), .init(vertex: "a", short: "JSONArgsRecommended: x"),
    ])
    #expect(warnings.map(\.short) == [Self.casing, "JSONArgsRecommended: x"])
    #expect(WarningSummary.text(warnings, colors: false) == "\n 2 warnings found (use docker --debug to expand):\n - \(Self.casing)\n - JSONArgsRecommended: x\n")
    #expect(WarningSummary.text(Array(warnings.prefix(1)), colors: true) == "\n \u{1b}[33m1 warning found (use docker --debug to expand):\n\u{1b}[0m - \(Self.casing)\n")
    #expect(WarningSummary.text([], colors: true) == "")
  }
}

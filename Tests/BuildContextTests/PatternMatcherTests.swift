import BuildContext
import Testing

/// `.dockerignore` rules as moby/patternmatcher applies them.
struct PatternMatcherTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var patterns: [String]
    var path: String
    var matched: Bool
    var testDescription: String { "\(patterns) \(path) → \(matched)" }
  }

  static let cases: [Case] = [
    Case(patterns: ["*.go"], path: "main.go", matched: true),
    Case(patterns: ["*.go"], path: "dir/main.go", matched: false),
    Case(patterns: ["**/*.go"], path: "dir/sub/main.go", matched: true),
    Case(patterns: ["**/*.go"], path: "main.go", matched: true),
    Case(patterns: ["dir"], path: "dir/sub/file", matched: true),
    Case(patterns: ["dir/*"], path: "dir/sub/file", matched: true),
    Case(patterns: ["di?"], path: "dir", matched: true),
    Case(patterns: ["d[a-j]r"], path: "dir", matched: true),
    Case(patterns: ["d[^i]r"], path: "dir", matched: false),
    Case(patterns: ["/abs/path"], path: "abs/path", matched: true),
    Case(patterns: ["./a/../b"], path: "b", matched: true),
    Case(patterns: ["*", "!keep"], path: "keep", matched: false),
    Case(patterns: ["*", "!keep"], path: "other", matched: true),
    Case(patterns: ["*.md", "!README.md", "README*"], path: "README.md", matched: true),
    Case(patterns: ["docs/**"], path: "docs/a/b.txt", matched: true),
    Case(patterns: ["docs/**/*.txt"], path: "docs/b.txt", matched: true),
    Case(patterns: ["docs/**/*.txt"], path: "docs/a/b/c.txt", matched: true),
    Case(patterns: ["docs/**/*.txt"], path: "docs/a/b/c.md", matched: false),
    Case(patterns: ["a\\*b"], path: "a*b", matched: true),
    Case(patterns: ["a\\*b"], path: "axb", matched: false),
    Case(patterns: ["**"], path: "anything/at/all", matched: true),
    Case(patterns: ["dir/", "!dir/keep"], path: "dir/keep", matched: false),
    Case(patterns: ["dir/", "!dir/keep"], path: "dir/drop", matched: true),
  ]

  @Test(arguments: cases) func matching(_ c: Case) {
    #expect(PatternMatcher(c.patterns).matches(c.path) == c.matched)
  }

  @Test func directoriesThatMayHoldReincludedEntries() {
    let m = PatternMatcher(["dir", "!dir/sub/keep"])
    #expect(m.mayMatchBelow("dir", exclusionsOnly: true))
    #expect(m.mayMatchBelow("dir/sub", exclusionsOnly: true))
    #expect(!m.mayMatchBelow("other", exclusionsOnly: true))
    #expect(PatternMatcher(["x", "!**/keep"]).mayMatchBelow("x/deep", exclusionsOnly: true))
  }

  @Test(arguments: [("a/./b/", "a/b"), ("/../x", "/x"), ("", "."), ("../a", "../a"), ("a/b/..", "a")])
  func cleaning(_ input: String, _ expected: String) {
    #expect(PathText.clean(input) == expected)
  }
}

/// A position in a source file. Lines and columns count from 1; `byte` is a UTF-8 offset from 0.
public struct SourcePos: Hashable, Sendable, CustomStringConvertible {
  public var line: Int
  public var column: Int
  public var byte: Int

  public init(line: Int, column: Int, byte: Int) {
    self.line = line
    self.column = column
    self.byte = byte
  }

  public var description: String { "\(line):\(column)" }
}

/// A half-open span of source text: `start` inclusive, `end` exclusive.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
  public var filename: String
  public var start: SourcePos
  public var end: SourcePos

  public init(filename: String, start: SourcePos, end: SourcePos) {
    self.filename = filename
    self.start = start
    self.end = end
  }

  /// The smallest range covering both.
  public func to(_ other: SourceRange) -> SourceRange {
    SourceRange(
      filename: filename,
      start: start.byte <= other.start.byte ? start : other.start,
      end: end.byte >= other.end.byte ? end : other.end)
  }

  public var description: String { "\(filename):\(start.line),\(start.column)-\(end.line),\(end.column)" }

  static let none = SourceRange(
    filename: "", start: SourcePos(line: 1, column: 1, byte: 0), end: SourcePos(line: 1, column: 1, byte: 0))
}

public enum Severity: String, Sendable, Hashable {
  case error
  case warning
}

/// One problem found while parsing, decoding or evaluating.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
  public var severity: Severity
  public var summary: String
  public var detail: String
  /// Where the problem is; nil when it has no place in source (e.g. a host-supplied value).
  public var range: SourceRange?
  /// A wider range giving context, such as the whole expression around `range`.
  public var context: SourceRange?

  public init(
    severity: Severity = .error, summary: String, detail: String = "", range: SourceRange? = nil,
    context: SourceRange? = nil
  ) {
    self.severity = severity
    self.summary = summary
    self.detail = detail
    self.range = range
    self.context = context
  }

  /// `file:line:col: summary; detail`
  public var description: String {
    var s = ""
    if let r = range { s += "\(r.filename):\(r.start.line):\(r.start.column): " }
    s += summary
    if !detail.isEmpty { s += "; " + detail }
    return s
  }
}

/// An ordered collection of diagnostics; errors accumulate rather than stop at the first.
public struct Diagnostics: Sendable, Hashable, Sequence, CustomStringConvertible, Error {
  public private(set) var items: [Diagnostic] = []

  public init(_ items: [Diagnostic] = []) { self.items = items }

  public var hasErrors: Bool { items.contains { $0.severity == .error } }
  public var isEmpty: Bool { items.isEmpty }
  public var count: Int { items.count }

  public mutating func append(_ d: Diagnostic) { items.append(d) }
  public mutating func append(contentsOf other: Diagnostics) { items.append(contentsOf: other.items) }

  mutating func error(_ summary: String, _ detail: String = "", at range: SourceRange?) {
    items.append(Diagnostic(summary: summary, detail: detail, range: range))
  }

  public func makeIterator() -> IndexingIterator<[Diagnostic]> { items.makeIterator() }
  public subscript(i: Int) -> Diagnostic { items[i] }
  public var first: Diagnostic? { items.first }

  public var description: String { items.map(\.description).joined(separator: "\n") }
}

extension Diagnostics {
  /// Renders every diagnostic with a snippet of the lines it covers, taking source text from `files`.
  public func render(files: [String: String]) -> String {
    items.map { $0.render(source: $0.range.flatMap { files[$0.filename] }) }.joined(separator: "\n")
  }
}

extension Diagnostic {
  /// Renders as `file:line:col: summary; detail`, then the source line(s) with a `^~~~` underline.
  public func render(source: String?) -> String {
    var out = severity == .warning ? "warning: " + description : description
    guard let range, let source else { return out }
    // "\r\n" is one Character in Swift, so both spellings of a line break must be named.
    let lines = source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    let first = range.start.line
    let last = max(first, range.end.column == 1 && range.end.line > first ? range.end.line - 1 : range.end.line)
    guard first >= 1, first <= lines.count else { return out }
    let gutter = String(min(last, lines.count)).count
    for n in first...min(last, lines.count, first + 4) {
      let text = String(lines[n - 1]).trimmingSuffix("\r").replacingTabs()
      let num = String(n)
      out += "\n" + String(repeating: " ", count: gutter - num.count) + num + " | " + text
      let from = n == first ? range.start.column : 1
      let lineLen = text.count + 1
      let to = n == range.end.line ? max(range.end.column, from + 1) : lineLen
      let width = max(1, min(to, lineLen + 1) - from)
      out += "\n" + String(repeating: " ", count: gutter) + " | " + String(repeating: " ", count: max(0, from - 1))
        + "^" + String(repeating: "~", count: width - 1)
    }
    return out
  }
}

extension String {
  fileprivate func replacingTabs() -> String { replacing("\t", with: " ") }
}

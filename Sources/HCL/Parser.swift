/// Thrown inside the parser to unwind after a syntax error has been recorded.
struct ParseAbort: Error {}

/// Recursive-descent parser for bodies, with a Pratt loop for operators
/// (see Parser+Expressions.swift) and a direct byte reader for templates (Parser+Templates.swift).
final class Parser {
  static let maxDepth = 512

  let src: SourceFile
  var scanner: Scanner
  var lookahead: Token?
  /// Inside brackets and parentheses newlines are insignificant; in bodies and objects they separate items.
  var skipNewlines = false
  var depth = 0
  var diags = Diagnostics()

  init(_ src: SourceFile) {
    self.src = src
    scanner = Scanner(src)
  }

  // MARK: Tokens

  func peek() -> Token {
    if let t = lookahead, !(skipNewlines && t.kind == .newline) { return t }
    var t = scanner.next()
    while skipNewlines && t.kind == .newline { t = scanner.next() }
    lookahead = t
    return t
  }

  @discardableResult
  func advance() -> Token {
    let t = peek()
    lookahead = nil
    return t
  }

  func text(_ t: Token) -> String { src.text(t.start, t.end) }
  func range(_ t: Token) -> SourceRange { src.range(t.start, t.end) }

  func fail(_ summary: String, _ detail: String, at r: SourceRange) -> ParseAbort {
    diags.error(summary, detail, at: r)
    return ParseAbort()
  }

  /// Reports the token found where something else was needed.
  func unexpected(_ t: Token, expecting what: String) -> ParseAbort {
    if case .invalid(let msg) = t.kind { return fail("Invalid character", msg + ".", at: range(t)) }
    let found: String =
      switch t.kind {
      case .eof: "end of file"
      case .newline: "newline"
      default: quoted(text(t))
      }
    return fail("Syntax error", "Expected \(what), but found \(found).", at: range(t))
  }

  func expect(_ kind: TokenKind, _ what: String) throws(ParseAbort) -> Token {
    let t = peek()
    guard t.kind == kind else { throw unexpected(t, expecting: what) }
    return advance()
  }

  /// Runs `body` one nesting level deeper, failing cleanly past `maxDepth` rather than overflowing the stack.
  func nested<T>(at t: Token, _ body: () throws(ParseAbort) -> T) throws(ParseAbort) -> T {
    depth += 1
    defer { depth -= 1 }
    if depth > Parser.maxDepth {
      throw fail("Nesting too deep", "Expressions and blocks may nest at most \(Parser.maxDepth) levels.", at: range(t))
    }
    return try body()
  }

  /// Saves and restores newline sensitivity around a bracketed construct.
  func withNewlines<T>(skipped: Bool, _ body: () throws(ParseAbort) -> T) throws(ParseAbort) -> T {
    let saved = skipNewlines
    skipNewlines = skipped
    defer { skipNewlines = saved }
    return try body()
  }

  // MARK: Bodies

  func parseFile() -> Body? {
    do {
      let body = try parseBody(end: .eof, openRange: nil)
      return body
    } catch {
      return nil
    }
  }

  /// Parses items until `end` (`}` or end of file).
  func parseBody(end: TokenKind, openRange: SourceRange?) throws(ParseAbort) -> Body {
    var attrs: [Attribute] = []
    var blocks: [Block] = []
    var seen: [String: SourceRange] = [:]
    let start = peek().start
    while true {
      let t = peek()
      if t.kind == .newline {
        advance()
        continue
      }
      if t.kind == end {
        let endTok = advance()
        let bodyRange = src.range(openRange.map { $0.start.byte } ?? start, endTok.end)
        return Body(storage: .native(attributes: attrs, blocks: blocks), range: bodyRange, endRange: range(endTok))
      }
      if t.kind == .eof { throw unexpected(t, expecting: "\"}\" to close the block") }
      if case .invalid = t.kind { throw unexpected(t, expecting: "an argument or block definition") }
      guard t.kind == .ident else {
        throw fail(
          "Argument or block definition required",
          "An argument or block definition is required here.", at: range(t))
      }
      let item: Item
      do {
        item = try parseItem()
      } catch {
        guard end == .eof, recoverAtNextTopLevelLine() else { throw error }
        continue
      }
      switch item {
      case .attribute(let a):
        if let prev = seen[a.name] {
          diags.error(
            "Attribute redefined",
            "The argument \(quoted(a.name)) was already set at \(prev.filename):\(prev.start.line),\(prev.start.column)-\(prev.end.line),\(prev.end.column). Each argument may be set only once.",
            at: a.nameRange)
        } else {
          seen[a.name] = a.nameRange
          attrs.append(a)
        }
      case .block(let b): blocks.append(b)
      }
    }
  }

  /// After a syntax error in a top-level item, resumes at the next line that starts in column 1
  /// with an identifier, so one file can report several independent errors.
  private func recoverAtNextTopLevelLine() -> Bool {
    guard !diags.contains(where: { $0.summary == "Nesting too deep" }), diags.count < 20 else { return false }
    let bytes = src.bytes
    var i = max(scanner.pos, (lookahead?.end ?? 0))
    lookahead = nil
    while i < bytes.count {
      if bytes[i] == 0x0A, i + 1 < bytes.count, scanner.scalar(at: i + 1)?.scalar.isIDStart == true {
        scanner.pos = i + 1
        return true
      }
      i += 1
    }
    scanner.pos = bytes.count
    return true
  }

  enum Item {
    case attribute(Attribute)
    case block(Block)
  }

  func parseItem() throws(ParseAbort) -> Item {
    let nameTok = advance()
    let name = text(nameTok)
    if peek().kind == .equal {
      advance()
      let expr = try withNewlines(skipped: false) { () throws(ParseAbort) in try parseExpression() }
      let after = peek()
      guard after.kind == .newline || after.kind == .eof || after.kind == .rbrace else {
        throw fail(
          "Missing newline after argument",
          "An argument definition must end with a newline.", at: range(after))
      }
      if after.kind == .newline { advance() }
      return .attribute(
        Attribute(
          name: name, expression: expr, range: range(nameTok).to(expr.range), nameRange: range(nameTok)))
    }
    var labels: [String] = []
    var labelRanges: [SourceRange] = []
    while true {
      let t = peek()
      switch t.kind {
      case .ident:
        advance()
        labels.append(text(t))
        labelRanges.append(range(t))
        continue
      case .quote:
        advance()
        let (label, r) = try parseLabelString(open: t)
        labels.append(label)
        labelRanges.append(r)
        continue
      case .lbrace: break
      default:
        throw fail(
          "Invalid block definition",
          "Either a quoted string block label or an opening brace (\"{\") is expected here.", at: range(t))
      }
      break
    }
    let open = advance()
    let defRange = range(nameTok).to(range(open))
    let body: Body = try nested(at: open) { () throws(ParseAbort) in
      try withNewlines(skipped: false) { () throws(ParseAbort) in
        if peek().kind == .newline || peek().kind == .rbrace { return try parseBody(end: .rbrace, openRange: range(open)) }
        return try parseSingleLineBody(open: open)
      }
    }
    return .block(
      Block(
        type: name, labels: labels, labelRanges: labelRanges, body: body, typeRange: range(nameTok),
        defRange: defRange))
  }

  /// `block { attr = value }` on one line: at most one attribute, no nested blocks.
  func parseSingleLineBody(open: Token) throws(ParseAbort) -> Body {
    let nameTok = try expect(.ident, "an argument definition")
    guard peek().kind == .equal else {
      throw fail(
        "Invalid single-argument block definition",
        "A single-line block definition may contain only a single argument, not a nested block.", at: range(nameTok))
    }
    advance()
    let expr = try parseExpression()
    let close = peek()
    guard close.kind == .rbrace else {
      throw fail(
        "Invalid single-argument block definition",
        "A single-line block definition can contain only a single argument.", at: range(close))
    }
    advance()
    let attr = Attribute(
      name: text(nameTok), expression: expr, range: range(nameTok).to(expr.range), nameRange: range(nameTok))
    return Body(
      storage: .native(attributes: [attr], blocks: []), range: src.range(open.start, close.end),
      endRange: range(close))
  }

  /// A block label in quotes: a template that must be a plain literal.
  func parseLabelString(open: Token) throws(ParseAbort) -> (String, SourceRange) {
    let expr = try parseQuotedTemplate(open: open)
    if case .template(let parts) = expr.node, parts.count <= 1 {
      if parts.isEmpty { return ("", expr.range) }
      if case .literal(.string(let s)) = parts[0].node { return (s, expr.range) }
    }
    throw fail(
      "Invalid block label", "Template sequences are not allowed in block labels.", at: expr.range)
  }
}

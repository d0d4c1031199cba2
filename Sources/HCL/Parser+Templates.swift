import Foundation

/// Template text is read straight from bytes; `${…}` and `%{…}` switch back to tokens.
extension Parser {
  enum TemplateMode {
    case quoted
    case heredoc(delimiter: String, indent: Int)
    /// A whole source treated as a template, ending at end of input.
    case bare
  }

  enum Directive {
    case ifDir(Expression)
    case elseDir
    case endIf
    case forDir(key: String?, value: String, collection: Expression)
    case endFor
  }

  enum RawPart {
    case literal(String, SourceRange)
    case interpolation(Expression, stripBefore: Bool, stripAfter: Bool)
    case directive(Directive, SourceRange, stripBefore: Bool, stripAfter: Bool)
  }

  func parseQuotedTemplate(open: Token) throws(ParseAbort) -> Expression {
    let (parts, end) = try readTemplate(.quoted, openStart: open.start)
    return try buildTemplate(parts, range: src.range(open.start, end), allowWrap: true)
  }

  func parseHeredoc(open: Token, delimiter: String, flush: Bool) throws(ParseAbort) -> Expression {
    let indent = flush ? heredocIndent(from: scanner.pos, delimiter: delimiter) : 0
    let (parts, end) = try readTemplate(.heredoc(delimiter: delimiter, indent: indent), openStart: open.start)
    return try buildTemplate(parts, range: src.range(open.start, end), allowWrap: false)
  }

  func parseBareTemplate() throws(ParseAbort) -> Expression {
    let start = scanner.pos
    let (parts, end) = try readTemplate(.bare, openStart: start)
    return try buildTemplate(parts, range: src.range(start, end), allowWrap: true)
  }

  /// The smallest leading-whitespace width over the heredoc's non-blank lines.
  private func heredocIndent(from start: Int, delimiter: String) -> Int {
    let bytes = src.bytes
    var i = start
    var minIndent = Int.max
    while i < bytes.count {
      var j = i
      while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
      var lineEnd = j
      while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
      let content = src.text(j, lineEnd).trimmingSuffix("\r")
      if content == delimiter { break }
      if !content.isEmpty { minIndent = min(minIndent, j - i) }
      i = lineEnd + 1
    }
    return minIndent == Int.max ? 0 : minIndent
  }

  private func readTemplate(_ mode: TemplateMode, openStart: Int) throws(ParseAbort) -> ([RawPart], end: Int) {
    var parts: [RawPart] = []
    var buf: [UInt8] = []
    var litStart = scanner.pos
    var atLineStart = true
    let bytes = src.bytes
    func flushLiteral(_ end: Int) {
      if !buf.isEmpty || end > litStart {
        // HCL normalizes literal text to NFC, as cty does for every string.
        let text = String(decoding: buf, as: UTF8.self)
        parts.append(.literal(text.isASCIIOnly ? text : text.precomposedStringWithCanonicalMapping, src.range(litStart, end)))
      }
      buf = []
    }
    while true {
      let p = scanner.pos
      if case .heredoc(let delim, let indent) = mode, atLineStart {
        atLineStart = false
        var j = p
        while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09 { j += 1 }
        let d = Array(delim.utf8)
        if bytes[j..<min(bytes.count, j + d.count)].elementsEqual(d) {
          var k = j + d.count
          if k < bytes.count, bytes[k] == 0x0D { k += 1 }
          if k >= bytes.count || bytes[k] == 0x0A {
            flushLiteral(p)
            scanner.pos = j + d.count
            return (parts, scanner.pos)
          }
        }
        var skipped = 0
        while skipped < indent, scanner.pos < bytes.count, bytes[scanner.pos] == 0x20 || bytes[scanner.pos] == 0x09 {
          scanner.pos += 1
          skipped += 1
        }
        continue
      }
      guard p < bytes.count else {
        switch mode {
        case .bare:
          flushLiteral(p)
          return (parts, p)
        case .quoted:
          throw fail(
            "Unterminated template string", "No closing marker was found for the string.",
            at: src.range(openStart, openStart + 1))
        case .heredoc(let delim, _):
          throw fail(
            "Unterminated template string",
            "No closing marker was found for the heredoc; expected a line containing only \(quoted(delim)).",
            at: src.range(openStart, openStart + 2))
        }
      }
      let b = bytes[p]
      let n1: UInt8? = p + 1 < bytes.count ? bytes[p + 1] : nil
      let n2: UInt8? = p + 2 < bytes.count ? bytes[p + 2] : nil
      if (b == UInt8(ascii: "$") || b == UInt8(ascii: "%")) && n1 == b && n2 == UInt8(ascii: "{") {
        // `$${` and `%%{` are literal `${` and `%{`.
        buf += [b, UInt8(ascii: "{")]
        scanner.pos += 3
        continue
      }
      if (b == UInt8(ascii: "$") || b == UInt8(ascii: "%")) && n1 == UInt8(ascii: "{") {
        flushLiteral(p)
        scanner.pos += 2
        let strip = scanner.peekByte() == UInt8(ascii: "~")
        if strip { scanner.pos += 1 }
        let part = try nested(at: Token(kind: .eof, start: p, end: p + 2)) { () throws(ParseAbort) in
          try withNewlines(skipped: true) { () throws(ParseAbort) in
            b == UInt8(ascii: "$") ? try readInterpolation(start: p, strip: strip) : try readDirective(start: p, strip: strip)
          }
        }
        parts.append(part)
        litStart = scanner.pos
        continue
      }
      switch mode {
      case .quoted where b == UInt8(ascii: "\""):
        flushLiteral(p)
        scanner.pos += 1
        return (parts, scanner.pos)
      case .quoted where b == 0x0A:
        throw fail(
          "Invalid multi-line string",
          "Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax.",
          at: src.range(p, p + 1))
      case .quoted where b == UInt8(ascii: "\\"):
        try readEscape(into: &buf)
      default:
        buf.append(b)
        scanner.pos += 1
        if b == 0x0A, case .heredoc = mode { atLineStart = true }
      }
    }
  }

  private func readEscape(into buf: inout [UInt8]) throws(ParseAbort) {
    let start = scanner.pos
    scanner.pos += 1
    guard let c = scanner.peekByte() else { return }
    scanner.pos += 1
    switch c {
    case UInt8(ascii: "n"): buf.append(0x0A)
    case UInt8(ascii: "r"): buf.append(0x0D)
    case UInt8(ascii: "t"): buf.append(0x09)
    case UInt8(ascii: "\""): buf.append(UInt8(ascii: "\""))
    case UInt8(ascii: "\\"): buf.append(UInt8(ascii: "\\"))
    case UInt8(ascii: "u"), UInt8(ascii: "U"):
      let n = c == UInt8(ascii: "u") ? 4 : 8
      let hex = src.text(scanner.pos, scanner.pos + n)
      guard hex.utf8.count == n, hex.allSatisfy(\.isHexDigit), let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v)
      else {
        throw fail(
          "Invalid escape sequence", "The \\\(Character(Unicode.Scalar(c))) escape must be followed by \(n) hexadecimal digits naming a Unicode character.",
          at: src.range(start, min(src.bytes.count, scanner.pos + n)))
      }
      scanner.pos += n
      buf += Array(String(Character(u)).utf8)
    default:
      throw fail(
        "Invalid escape sequence",
        "The symbol \(quoted(String(decoding: [c], as: UTF8.self))) is not a valid escape sequence selector.",
        at: src.range(start, scanner.pos))
    }
  }

  private func closeSequence(_ what: String) throws(ParseAbort) -> (end: Int, strip: Bool) {
    let t = peek()
    guard t.kind == .rbrace || t.kind == .rbraceStrip else {
      throw unexpected(t, expecting: "\"}\" to close the \(what)")
    }
    advance()
    return (t.end, t.kind == .rbraceStrip)
  }

  private func readInterpolation(start: Int, strip: Bool) throws(ParseAbort) -> RawPart {
    let e = try parseExpression()
    let (_, stripAfter) = try closeSequence("interpolation")
    return .interpolation(e, stripBefore: strip, stripAfter: stripAfter)
  }

  private func readDirective(start: Int, strip: Bool) throws(ParseAbort) -> RawPart {
    let kw = peek()
    guard kw.kind == .ident else {
      throw fail(
        "Invalid template directive", "A template directive keyword (\"if\", \"for\", etc) is expected at the beginning of a %{ sequence.", at: range(kw))
    }
    advance()
    let dir: Directive
    switch text(kw) {
    case "if": dir = .ifDir(try parseExpression())
    case "else": dir = .elseDir
    case "endif": dir = .endIf
    case "endfor": dir = .endFor
    case "for":
      let first = text(try expect(.ident, "an iterator variable name"))
      var key: String?
      var value = first
      if peek().kind == .comma {
        advance()
        key = first
        value = text(try expect(.ident, "a value variable name"))
      }
      let inTok = peek()
      guard inTok.kind == .ident, text(inTok) == "in" else { throw unexpected(inTok, expecting: "the \"in\" keyword") }
      advance()
      dir = .forDir(key: key, value: value, collection: try parseExpression())
    default:
      throw fail(
        "Invalid template control keyword", "\(quoted(text(kw))) is not a valid template control keyword.", at: range(kw))
    }
    let (end, stripAfter) = try closeSequence("template directive")
    return .directive(dir, src.range(start, end), stripBefore: strip, stripAfter: stripAfter)
  }

  // MARK: Building the tree

  private func buildTemplate(_ raw: [RawPart], range: SourceRange, allowWrap: Bool) throws(ParseAbort) -> Expression {
    var parts = raw
    // Apply `~` strip markers to the neighbouring literals.
    for i in parts.indices {
      let (before, after): (Bool, Bool)
      switch parts[i] {
      case .interpolation(_, let b, let a), .directive(_, _, let b, let a): (before, after) = (b, a)
      case .literal: continue
      }
      if before, i > 0, case .literal(let s, let r) = parts[i - 1] {
        parts[i - 1] = .literal(String(s.reversed().drop(while: \.isWhitespace).reversed()), r)
      }
      if after, i + 1 < parts.count, case .literal(let s, let r) = parts[i + 1] {
        parts[i + 1] = .literal(String(s.drop(while: \.isWhitespace)), r)
      }
    }
    if allowWrap, parts.count == 1, case .interpolation(let e, _, _) = parts[0] {
      return Expression(.templateWrap(e), range)
    }
    var index = 0
    let (exprs, stop) = try buildSequence(parts, &index, range: range)
    if let stop { throw fail("Unexpected template directive", "There is no matching opening directive for this one.", at: stop.1) }
    return Expression(.template(exprs), range)
  }

  /// Builds parts until a closing directive (`else`, `endif`, `endfor`), which it returns.
  private func buildSequence(_ parts: [RawPart], _ i: inout Int, range: SourceRange) throws(ParseAbort) -> (
    [Expression], (Directive, SourceRange)?
  ) {
    var out: [Expression] = []
    while i < parts.count {
      let part = parts[i]
      i += 1
      switch part {
      case .literal(let s, let r): out.append(Expression(.literal(.string(s)), r))
      case .interpolation(let e, _, _): out.append(e)
      case .directive(let d, let r, _, _):
        switch d {
        case .elseDir, .endIf, .endFor: return (out, (d, r))
        case .ifDir(let cond):
          let (yes, stop) = try buildSequence(parts, &i, range: range)
          var no: [Expression] = []
          var end = stop
          if case .elseDir? = stop?.0 {
            (no, end) = try buildSequence(parts, &i, range: range)
          }
          guard case .endIf? = end?.0, let endRange = end?.1 else {
            throw fail("Unterminated template directive", "This if directive has no matching %{endif}.", at: r)
          }
          let whole = r.to(endRange)
          out.append(
            Expression(
              .conditional(cond, Expression(.template(yes), whole), Expression(.template(no), whole)), whole))
        case .forDir(let key, let value, let coll):
          let (body, stop) = try buildSequence(parts, &i, range: range)
          guard case .endFor? = stop?.0, let endRange = stop?.1 else {
            throw fail("Unterminated template directive", "This for directive has no matching %{endfor}.", at: r)
          }
          let whole = r.to(endRange)
          let clause = ForClause(
            keyVar: key, valueVar: value, collection: coll, keyExpr: nil,
            valueExpr: Expression(.template(body), whole), condition: nil, grouping: false)
          out.append(Expression(.templateJoin(Expression(.forExpr(clause), whole)), whole))
        }
      }
    }
    return (out, nil)
  }
}

extension String {
  var isASCIIOnly: Bool { utf8.allSatisfy { $0 < 0x80 } }

  func trimmingSuffix(_ s: String) -> String { hasSuffix(s) ? String(dropLast(s.count)) : self }
}

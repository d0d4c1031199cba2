extension Parser {
  /// expression := binary ( "?" expression ":" expression )?
  func parseExpression() throws(ParseAbort) -> Expression {
    try nested(at: peek()) { () throws(ParseAbort) in
      let cond = try parseBinary(minPrecedence: 1)
      guard peek().kind == .question else { return cond }
      advance()
      let yes = try parseExpression()
      _ = try expect(.colon, "\":\" between the two results of the conditional")
      let no = try parseExpression()
      return Expression(.conditional(cond, yes, no), cond.range.to(no.range))
    }
  }

  /// Pratt loop: operators of equal precedence associate to the left.
  func parseBinary(minPrecedence: Int) throws(ParseAbort) -> Expression {
    var lhs = try parseUnary()
    while let op = BinaryOp(peek().kind), op.precedence >= minPrecedence {
      advance()
      let rhs = try parseBinary(minPrecedence: op.precedence + 1)
      lhs = Expression(.binary(op, lhs, rhs), lhs.range.to(rhs.range))
    }
    return lhs
  }

  func parseUnary() throws(ParseAbort) -> Expression {
    let t = peek()
    let op: UnaryOp? = t.kind == .bang ? .not : t.kind == .minus ? .negate : nil
    guard let op else { return try parsePostfix(try parsePrimary()) }
    advance()
    return try nested(at: t) { () throws(ParseAbort) in
      let operand = try parseUnary()
      return Expression(.unary(op, operand), range(t).to(operand.range))
    }
  }

  // MARK: Traversals and splats

  func parsePostfix(_ base: Expression, attrOnly: Bool = false) throws(ParseAbort) -> Expression {
    var expr = base
    while true {
      let t = peek()
      if t.kind == .dot {
        advance()
        if let b = scanner.peekByte(), (0x30...0x39).contains(b), lookahead == nil, let n = scanner.scanInteger() {
          expr = append(.index(.number(Number(parsing: text(n)) ?? .zero)), to: expr, start: t.start, end: n.end)
          continue
        }
        let name = peek()
        if name.kind == .star {
          advance()
          let each = try parsePostfix(Expression(.splatItem, range(name)), attrOnly: true)
          expr = Expression(.splat(source: expr, each: each), expr.range.to(each.range))
          continue
        }
        guard name.kind == .ident else { throw unexpected(name, expecting: "an attribute name after \".\"") }
        advance()
        expr = append(.attribute(text(name)), to: expr, start: t.start, end: name.end)
      } else if t.kind == .lbrack, !attrOnly {
        advance()
        if peek().kind == .star {
          advance()
          let close = try expect(.rbrack, "\"]\" to close the splat operator")
          let each = try parsePostfix(Expression(.splatItem, range(close)))
          expr = Expression(.splat(source: expr, each: each), expr.range.to(each.range))
          continue
        }
        let key = try withNewlines(skipped: true) { () throws(ParseAbort) in try parseExpression() }
        let close = try withNewlines(skipped: true) { () throws(ParseAbort) in
          try expect(.rbrack, "\"]\" to close the index")
        }
        if let k = key.constantValue, case .number = k {
          expr = append(.index(k), to: expr, start: t.start, end: close.end)
        } else if let k = key.constantValue, case .string = k {
          expr = append(.index(k), to: expr, start: t.start, end: close.end)
        } else {
          expr = Expression(.index(expr, key: key), src.range(expr.range.start.byte, close.end))
        }
      } else {
        return expr
      }
    }
  }

  private func append(_ step: TraversalStep, to expr: Expression, start: Int, end: Int) -> Expression {
    let r = src.range(expr.range.start.byte, end)
    let stepRange = src.range(start, end)
    switch expr.node {
    case .variable(var t):
      t.steps.append(step)
      t.stepRanges.append(stepRange)
      t.range = r
      return Expression(.variable(t), r)
    case .relative(let base, let steps, let ranges):
      return Expression(.relative(base, steps + [step], ranges + [stepRange]), r)
    default:
      return Expression(.relative(expr, [step], [stepRange]), r)
    }
  }

  // MARK: Primaries

  func parsePrimary() throws(ParseAbort) -> Expression {
    let t = peek()
    switch t.kind {
    case .number:
      advance()
      guard let n = Number(parsing: text(t)) else {
        throw fail("Invalid number literal", "\(quoted(text(t))) is not a valid number.", at: range(t))
      }
      return Expression(.literal(.number(n)), range(t))
    case .ident:
      advance()
      let name = text(t)
      switch name {
      case "true": return Expression(.literal(.bool(true)), range(t))
      case "false": return Expression(.literal(.bool(false)), range(t))
      case "null": return Expression(.literal(.nullValue), range(t))
      default: break
      }
      if peek().kind == .lparen { return try parseCall(name: t) }
      return Expression(.variable(Traversal(root: name, steps: [], range: range(t))), range(t))
    case .quote:
      advance()
      return try parseQuotedTemplate(open: t)
    case .heredoc(let delimiter, let flush):
      advance()
      return try parseHeredoc(open: t, delimiter: delimiter, flush: flush)
    case .lparen:
      advance()
      return try withNewlines(skipped: true) { () throws(ParseAbort) in
        let inner = try parseExpression()
        let close = try expect(.rparen, "\")\" to close the parentheses")
        return Expression(.parens(inner), src.range(t.start, close.end))
      }
    // Tuples and objects recurse through parseExpression, which counts the depth.
    case .lbrack:
      advance()
      return try parseTuple(open: t)
    case .lbrace:
      advance()
      return try parseObject(open: t)
    default:
      if case .invalid = t.kind { throw unexpected(t, expecting: "an expression") }
      throw fail(
        "Invalid expression", "Expected the start of an expression, but found \(describe(t)).", at: range(t))
    }
  }

  func describe(_ t: Token) -> String {
    switch t.kind {
    case .eof: "end of file"
    case .newline: "a newline"
    default: quoted(text(t))
    }
  }

  func parseCall(name: Token) throws(ParseAbort) -> Expression {
    advance()  // (
    return try withNewlines(skipped: true) { () throws(ParseAbort) in
      var args: [Expression] = []
      var expand = false
      while peek().kind != .rparen {
        args.append(try parseExpression())
        if peek().kind == .ellipsis {
          advance()
          expand = true
          if peek().kind == .comma { advance() }
          guard peek().kind == .rparen else {
            throw fail(
              "Missing closing parenthesis",
              "An expanded function argument (with \"...\") must be immediately followed by the closing parenthesis.",
              at: range(peek()))
          }
          break
        }
        if peek().kind == .comma {
          advance()
          continue
        }
        guard peek().kind == .rparen else {
          throw unexpected(peek(), expecting: "\",\" or \")\" in the function call arguments")
        }
      }
      let close = advance()
      return Expression(
        .call(name: text(name), nameRange: range(name), args: args, expandFinal: expand),
        src.range(name.start, close.end))
    }
  }

  /// Whether the next tokens are `for <ident>`, which starts a for expression.
  func atForKeyword() -> Bool {
    let t = peek()
    guard t.kind == .ident, text(t) == "for" else { return false }
    let saved = (scanner.pos, lookahead)
    advance()
    let next = peek()
    (scanner.pos, lookahead) = saved
    return next.kind == .ident
  }

  func parseTuple(open: Token) throws(ParseAbort) -> Expression {
    try withNewlines(skipped: true) { () throws(ParseAbort) in
      if atForKeyword() { return try parseFor(open: open, object: false) }
      var items: [Expression] = []
      while peek().kind != .rbrack {
        items.append(try parseExpression())
        if peek().kind == .comma {
          advance()
        } else if peek().kind != .rbrack {
          throw unexpected(peek(), expecting: "\",\" or \"]\" in the tuple")
        }
      }
      let close = advance()
      return Expression(.tuple(items), src.range(open.start, close.end))
    }
  }

  func parseObject(open: Token) throws(ParseAbort) -> Expression {
    if try withNewlines(skipped: true, { () throws(ParseAbort) in atForKeyword() }) {
      return try withNewlines(skipped: true) { () throws(ParseAbort) in try parseFor(open: open, object: true) }
    }
    return try withNewlines(skipped: false) { () throws(ParseAbort) in
      var items: [(key: Expression, value: Expression)] = []
      while true {
        while peek().kind == .newline { advance() }
        if peek().kind == .rbrace { break }
        let key = try parseObjectKey()
        let sep = peek()
        guard sep.kind == .equal || sep.kind == .colon else {
          throw unexpected(sep, expecting: "\"=\" after the object key")
        }
        advance()
        let value = try parseExpression()
        items.append((key, value))
        let after = peek()
        if after.kind == .comma || after.kind == .newline {
          advance()
        } else if after.kind != .rbrace {
          throw fail(
            "Missing attribute separator",
            "Expected a newline or comma to mark the beginning of the next attribute.", at: range(after))
        }
      }
      let close = advance()
      return Expression(.object(items), src.range(open.start, close.end))
    }
  }

  /// A bare identifier key is its own name; anything else is an expression evaluated to a string.
  private func parseObjectKey() throws(ParseAbort) -> Expression {
    let t = peek()
    if t.kind == .ident {
      let saved = (scanner.pos, lookahead)
      advance()
      let next = peek().kind
      if next == .equal || next == .colon { return Expression(.literal(.string(text(t))), range(t)) }
      (scanner.pos, lookahead) = saved
    }
    return try parseExpression()
  }

  /// `for k, v in coll : result if cond` inside `[...]`, or `: key => value...` inside `{...}`.
  func parseFor(open: Token, object: Bool) throws(ParseAbort) -> Expression {
    advance()  // for
    let first = try expect(.ident, "an iterator variable name")
    var keyVar: String?
    var valueVar = text(first)
    if peek().kind == .comma {
      advance()
      keyVar = valueVar
      valueVar = text(try expect(.ident, "a value variable name after the key variable"))
    }
    let inTok = peek()
    guard inTok.kind == .ident, text(inTok) == "in" else {
      throw fail("Invalid 'for' expression", "The 'in' keyword is required after the iterator variable(s).", at: range(inTok))
    }
    advance()
    let coll = try parseExpression()
    _ = try expect(.colon, "\":\" after the collection of the 'for' expression")
    var keyExpr: Expression?
    var valueExpr = try parseExpression()
    var grouping = false
    if object {
      keyExpr = valueExpr
      _ = try expect(.fatArrow, "\"=>\" between the key and value of an object 'for' expression")
      valueExpr = try parseExpression()
      if peek().kind == .ellipsis {
        advance()
        grouping = true
      }
    }
    var cond: Expression?
    let ifTok = peek()
    if ifTok.kind == .ident, text(ifTok) == "if" {
      advance()
      cond = try parseExpression()
    }
    let close = try expect(object ? .rbrace : .rbrack, object ? "\"}\" to close the 'for' expression" : "\"]\" to close the 'for' expression")
    let clause = ForClause(
      keyVar: keyVar, valueVar: valueVar, collection: coll, keyExpr: keyExpr, valueExpr: valueExpr,
      condition: cond, grouping: grouping)
    return Expression(.forExpr(clause), src.range(open.start, close.end))
  }
}

extension Expression {
  /// The value of a literal or of a template made only of literal text.
  var constantValue: Value? {
    switch node {
    case .literal(let v): return v
    case .template(let parts):
      if parts.isEmpty { return .string("") }
      if parts.count == 1, case .literal(let v) = parts[0].node { return v }
      return nil
    case .parens(let e): return e.constantValue
    default: return nil
    }
  }
}

/// Token kinds of HCL's expression and structural syntax. Template text is not tokenized here:
/// the parser reads it straight from the bytes, since its meaning depends on the enclosing
/// string or heredoc.
enum TokenKind: Equatable, Sendable {
  case ident
  case number
  case quote  // opens a quoted template; the parser reads the rest
  case heredoc(delimiter: String, flush: Bool)
  case newline
  case eof
  case invalid(String)
  // Punctuation and operators.
  case lbrace, rbrace, rbraceStrip  // `~}` ends an interpolation, stripping what follows
  case lbrack, rbrack, lparen, rparen
  case comma, dot, ellipsis, colon, question, equal, fatArrow
  case plus, minus, star, slash, percent, bang
  case eqEq, notEq, lt, le, gt, ge, andAnd, orOr
}

struct Token: Sendable {
  var kind: TokenKind
  var start: Int
  var end: Int
}

/// A hand-written scanner over UTF-8 bytes. It is a cursor: the parser may also read raw
/// template text from `pos` whenever it holds no lookahead token.
struct Scanner {
  let src: SourceFile
  var pos = 0
  var bytes: [UInt8] { src.bytes }

  init(_ src: SourceFile) {
    self.src = src
    // A UTF-8 byte order mark is not part of the text.
    if src.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
  }

  func peekByte(_ offset: Int = 0) -> UInt8? {
    pos + offset < bytes.count ? bytes[pos + offset] : nil
  }

  /// Skips spaces, tabs, carriage returns and comments; line comments stop before their newline.
  /// Returns the start of a block comment that is unterminated.
  mutating func skipTrivia() -> Int? {
    while let b = peekByte() {
      switch b {
      case 0x20, 0x09, 0x0D: pos += 1
      case UInt8(ascii: "#"): skipLine()
      case UInt8(ascii: "/") where peekByte(1) == UInt8(ascii: "/"): skipLine()
      case UInt8(ascii: "/") where peekByte(1) == UInt8(ascii: "*"):
        let start = pos
        pos += 2
        while pos < bytes.count, !(bytes[pos] == UInt8(ascii: "*") && peekByte(1) == UInt8(ascii: "/")) { pos += 1 }
        if pos >= bytes.count { return start }
        pos += 2
      default: return nil
      }
    }
    return nil
  }

  private mutating func skipLine() {
    while let b = peekByte(), b != 0x0A { pos += 1 }
  }

  mutating func next() -> Token {
    if let commentStart = skipTrivia() {
      return Token(kind: .invalid("Unterminated block comment"), start: commentStart, end: commentStart + 2)
    }
    let start = pos
    guard let b = peekByte() else { return Token(kind: .eof, start: pos, end: pos) }
    func tok(_ k: TokenKind, _ n: Int) -> Token {
      pos += n
      return Token(kind: k, start: start, end: pos)
    }
    let n1 = peekByte(1)
    switch b {
    case 0x0A: return tok(.newline, 1)
    case UInt8(ascii: "\""): return tok(.quote, 1)
    case UInt8(ascii: "{"): return tok(.lbrace, 1)
    case UInt8(ascii: "}"): return tok(.rbrace, 1)
    case UInt8(ascii: "~") where n1 == UInt8(ascii: "}"): return tok(.rbraceStrip, 2)
    case UInt8(ascii: "["): return tok(.lbrack, 1)
    case UInt8(ascii: "]"): return tok(.rbrack, 1)
    case UInt8(ascii: "("): return tok(.lparen, 1)
    case UInt8(ascii: ")"): return tok(.rparen, 1)
    case UInt8(ascii: ","): return tok(.comma, 1)
    case UInt8(ascii: "."):
      if n1 == UInt8(ascii: "."), peekByte(2) == UInt8(ascii: ".") { return tok(.ellipsis, 3) }
      return tok(.dot, 1)
    case UInt8(ascii: ":"): return tok(.colon, 1)
    case UInt8(ascii: "?"): return tok(.question, 1)
    case UInt8(ascii: "="):
      if n1 == UInt8(ascii: "=") { return tok(.eqEq, 2) }
      if n1 == UInt8(ascii: ">") { return tok(.fatArrow, 2) }
      return tok(.equal, 1)
    case UInt8(ascii: "+"): return tok(.plus, 1)
    case UInt8(ascii: "-"): return tok(.minus, 1)
    case UInt8(ascii: "*"): return tok(.star, 1)
    case UInt8(ascii: "/"): return tok(.slash, 1)
    case UInt8(ascii: "%"): return tok(.percent, 1)
    case UInt8(ascii: "!"): return n1 == UInt8(ascii: "=") ? tok(.notEq, 2) : tok(.bang, 1)
    case UInt8(ascii: "<"):
      if n1 == UInt8(ascii: "<"), let h = scanHeredocIntro() { return h }
      return n1 == UInt8(ascii: "=") ? tok(.le, 2) : tok(.lt, 1)
    case UInt8(ascii: ">"): return n1 == UInt8(ascii: "=") ? tok(.ge, 2) : tok(.gt, 1)
    case UInt8(ascii: "&") where n1 == UInt8(ascii: "&"): return tok(.andAnd, 2)
    case UInt8(ascii: "|") where n1 == UInt8(ascii: "|"): return tok(.orOr, 2)
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return scanNumber()
    default:
      if let u = scalar(at: pos), u.scalar.isIDStart {
        pos += u.length
        while let c = scalar(at: pos), c.scalar.isIDContinue || c.scalar == "-" { pos += c.length }
        return Token(kind: .ident, start: start, end: pos)
      }
      let len = scalar(at: pos)?.length ?? 1
      let text = src.text(pos, pos + len)
      return tok(.invalid("Invalid character \(quoted(text))"), len)
    }
  }

  /// Decodes one Unicode scalar starting at byte `i`.
  func scalar(at i: Int) -> (scalar: Unicode.Scalar, length: Int)? {
    guard i < bytes.count else { return nil }
    let b = bytes[i]
    let len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
    guard i + len <= bytes.count else { return nil }
    var it = bytes[i..<i + len].makeIterator()
    var dec = UTF8()
    if case .scalarValue(let s) = dec.decode(&it) { return (s, len) }
    return nil
  }

  /// Digits, an optional fraction, an optional exponent.
  mutating func scanNumber() -> Token {
    let start = pos
    func digits() { while let b = peekByte(), (0x30...0x39).contains(b) { pos += 1 } }
    digits()
    if peekByte() == UInt8(ascii: "."), let n = peekByte(1), (0x30...0x39).contains(n) {
      pos += 1
      digits()
    }
    if let e = peekByte(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
      var k = 1
      if let s = peekByte(1), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { k = 2 }
      if let d = peekByte(k), (0x30...0x39).contains(d) {
        pos += k
        digits()
      }
    }
    return Token(kind: .number, start: start, end: pos)
  }

  /// Scans only decimal digits, for legacy `.0` index steps where `0.1` must not be one number.
  mutating func scanInteger() -> Token? {
    _ = skipTrivia()
    let start = pos
    while let b = peekByte(), (0x30...0x39).contains(b) { pos += 1 }
    return pos > start ? Token(kind: .number, start: start, end: pos) : nil
  }

  /// `<<EOT` or `<<-EOT` followed by a newline; consumes the newline too.
  private mutating func scanHeredocIntro() -> Token? {
    let start = pos
    var i = pos + 2
    var flush = false
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
      flush = true
      i += 1
    }
    let nameStart = i
    guard let first = scalar(at: i), first.scalar.isIDStart else { return nil }
    i += first.length
    while let c = scalar(at: i), c.scalar.isIDContinue || c.scalar == "-" { i += c.length }
    let name = src.text(nameStart, i)
    if i < bytes.count, bytes[i] == 0x0D { i += 1 }
    guard i < bytes.count, bytes[i] == 0x0A else { return nil }
    pos = i + 1
    return Token(kind: .heredoc(delimiter: name, flush: flush), start: start, end: pos)
  }
}

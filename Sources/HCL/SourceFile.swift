/// Source bytes plus a line table, for turning byte offsets into line/column positions.
final class SourceFile: Sendable {
  let filename: String
  let bytes: [UInt8]
  private let lineStarts: [Int]
  /// Where this text sits inside an enclosing file (JSON strings re-parsed as templates).
  private let origin: SourcePos?

  init(filename: String, text: String, origin: SourcePos? = nil) {
    self.filename = filename
    self.origin = origin
    bytes = Array(text.utf8)
    var starts = [0]
    var marks: [Int] = []
    var scalars = 0
    for (i, b) in bytes.enumerated() {
      if i % 64 == 0 { marks.append(scalars) }
      if b & 0xC0 != 0x80 { scalars += 1 }
      if b == UInt8(ascii: "\n") { starts.append(i + 1) }
    }
    marks.append(scalars)
    lineStarts = starts
    scalarMarks = marks
  }

  /// Scalars before every 64th byte, so columns cost O(64) even on megabyte-long lines.
  private let scalarMarks: [Int]

  /// Number of Unicode scalars that start before byte `b`.
  private func scalarsBefore(_ b: Int) -> Int {
    let block = b / 64
    var n = block < scalarMarks.count ? scalarMarks[block] : 0
    var i = block * 64
    while i < b {
      if bytes[i] & 0xC0 != 0x80 { n += 1 }
      i += 1
    }
    return n
  }

  func pos(_ byte: Int) -> SourcePos {
    let b = min(max(0, byte), bytes.count)
    var lo = 0
    var hi = lineStarts.count - 1
    while lo < hi {
      let mid = (lo + hi + 1) / 2
      if lineStarts[mid] <= b { lo = mid } else { hi = mid - 1 }
    }
    var col = 1 + scalarsBefore(b) - scalarsBefore(lineStarts[lo])
    // A position inside a multi-byte character still counts as that character.
    if b < bytes.count, bytes[b] & 0xC0 == 0x80 { col -= 1 }
    guard let origin else { return SourcePos(line: lo + 1, column: col, byte: b) }
    return SourcePos(
      line: origin.line + lo, column: lo == 0 ? origin.column + col - 1 : col, byte: origin.byte + b)
  }

  func range(_ start: Int, _ end: Int) -> SourceRange {
    SourceRange(filename: filename, start: pos(start), end: pos(max(start, end)))
  }

  func text(_ start: Int, _ end: Int) -> String {
    let lo = min(max(0, start), bytes.count)
    return String(decoding: bytes[lo..<max(lo, min(end, bytes.count))], as: UTF8.self)
  }
}

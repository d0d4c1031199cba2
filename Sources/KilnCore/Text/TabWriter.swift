/// Aligns tab-separated cells into columns exactly as Go's `text/tabwriter`
/// does (without flags), which buildx, buildctl and the Docker CLI use for
/// their tables; matching it byte for byte keeps scripts that parse their
/// output working.
///
/// A cell is text terminated by a tab; the last cell of a line is not part
/// of any column. Columns are blocks of adjacent lines that have a cell in
/// that position, so a line with fewer cells ends the block.
public struct TabWriter {
  public let minWidth: Int
  public let tabWidth: Int
  public let padding: Int
  public let padChar: Character

  private var lines: [[String]] = [[]]
  private var partial = ""

  public init(minWidth: Int, tabWidth: Int, padding: Int, padChar: Character) {
    self.minWidth = minWidth
    self.tabWidth = tabWidth
    self.padding = padding
    self.padChar = padChar
  }

  /// The Docker CLI's table writer (`docker buildx ls`, `du`).
  public static var dockerTable: TabWriter { TabWriter(minWidth: 10, tabWidth: 1, padding: 3, padChar: " ") }
  /// The tab-padded writer of buildctl and of buildx's summaries.
  public static var tabbed: TabWriter { TabWriter(minWidth: 1, tabWidth: 8, padding: 1, padChar: "\t") }

  public mutating func write(_ text: String) {
    for ch in text {
      switch ch {
      case "\t":
        lines[lines.count - 1].append(partial)
        partial = ""
      case "\n":
        lines[lines.count - 1].append(partial)
        partial = ""
        lines.append([])
      default:
        partial.append(ch)
      }
    }
  }

  /// Formats everything written so far.
  public func flush() -> String {
    var all = lines
    if !partial.isEmpty { all[all.count - 1].append(partial) }
    if all.last?.isEmpty == true { all.removeLast() }
    var output = ""
    var widths: [Int] = []
    format(all, 0, all.count, &widths, &output)
    return output
  }

  private func format(_ lines: [[String]], _ start: Int, _ end: Int, _ widths: inout [Int], _ out: inout String) {
    var line0 = start
    let column = widths.count
    var this = start
    while this < end {
      if column >= lines[this].count - 1 {
        this += 1
        continue
      }
      emit(lines, line0, this, widths, &out)
      line0 = this
      var width = minWidth
      while this < end, column < lines[this].count - 1 {
        width = max(width, lines[this][column].count + padding)
        this += 1
      }
      widths.append(width)
      format(lines, line0, this, &widths, &out)
      widths.removeLast()
      line0 = this
    }
    emit(lines, line0, end, widths, &out)
  }

  private func emit(_ lines: [[String]], _ start: Int, _ end: Int, _ widths: [Int], _ out: inout String) {
    guard start < end else { return }
    for index in start..<end {
      let cells = lines[index]
      for (j, cell) in cells.enumerated() {
        out += cell
        if j < widths.count, j < cells.count - 1 { pad(cell.count, widths[j], &out) }
      }
      out += "\n"
    }
  }

  private func pad(_ textWidth: Int, _ cellWidth: Int, _ out: inout String) {
    if padChar == "\t" {
      let rounded = (cellWidth + tabWidth - 1) / tabWidth * tabWidth
      let n = rounded - textWidth
      out += String(repeating: "\t", count: (n + tabWidth - 1) / tabWidth)
    } else {
      out += String(repeating: padChar, count: max(0, cellWidth - textWidth))
    }
  }
}

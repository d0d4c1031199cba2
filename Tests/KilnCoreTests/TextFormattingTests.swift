import Testing

@testable import KilnCore

struct TabWriterTests {
  @Test func dockerTableMatchesGoTabwriter() {
    var w = TabWriter.dockerTable
    w.write("ID\tRECLAIMABLE\tSIZE\tLAST ACCESSED\n")
    w.write("abc*\ttrue\t1.2MB\t2 hours ago\n")
    w.write("longer-identifier\tfalse\t0B\t\n")
    // Each column is as wide as its widest cell plus 3, at least 10; the last cell is not padded.
    #expect(w.flush() == """
      ID                  RECLAIMABLE   SIZE      LAST ACCESSED
      abc*                true          1.2MB     2 hours ago
      longer-identifier   false         0B        

      """)
  }

  @Test func tabPaddingRoundsToTabStops() {
    var w = TabWriter.tabbed
    w.write("Reclaimable:\t80B\nTotal:\t80B\n")
    #expect(w.flush() == "Reclaimable:\t80B\nTotal:\t\t80B\n")
  }

  @Test func columnBlocksEndAtShorterLines() {
    var w = TabWriter.tabbed
    w.write("ID:\tmoby\nLabels:\n\tlonger.key.name:\tv\n\tk:\tv\n")
    // `Labels:` has no cell, so the first block ends; the label rows form their own column.
    #expect(w.flush() == "ID:\tmoby\nLabels:\n\tlonger.key.name:\tv\n\tk:\t\t\tv\n")
  }
}

struct HumanUnitsTests {
  @Test(arguments: [
    (0.0, "0B"), (3, "3B"), (999, "999B"), (1000, "1kB"), (1234, "1.234kB"), (12_345, "12.35kB"),
    (1_500_000, "1.5MB"), (999_999_999, "1000MB"), (2_000_000_000_000, "2TB"),
  ] as [(Double, String)])
  func decimalSizes(_ bytes: Double, _ text: String) {
    #expect(HumanUnits.size(bytes) == text)
  }

  @Test(arguments: [(1024.0, "1KiB"), (1536.0, "1.5KiB"), (3.0 * 1024 * 1024 * 1024, "3GiB")] as [(Double, String)])
  func binarySizes(_ bytes: Double, _ text: String) {
    #expect(HumanUnits.binarySize(bytes) == text)
  }

  @Test(arguments: [
    (0.5, "Less than a second"), (1, "1 second"), (42, "42 seconds"), (60, "About a minute"), (150, "2 minutes"),
    (3599, "59 minutes"), (3600, "About an hour"), (5 * 3600, "5 hours"), (47 * 3600, "47 hours"),
    (3 * 86400, "3 days"), (20 * 86400, "2 weeks"), (90 * 86400, "3 months"), (800 * 86400, "2 years"),
  ] as [(Double, String)])
  func durations(_ seconds: Double, _ text: String) {
    #expect(HumanUnits.duration(seconds: seconds) == text)
  }
}

struct GoTimeTests {
  @Test func timeString() {
    #expect(GoTime.string(secondsSince1970: 0, nanoseconds: 0) == "1970-01-01 00:00:00 +0000 UTC")
    #expect(GoTime.string(secondsSince1970: 1_700_000_000, nanoseconds: 674_495_930) == "2023-11-14 22:13:20.67449593 +0000 UTC")
  }

  @Test(arguments: [
    (Int64(0), "0s"), (1_500_000_000, "1.5s"), (172_800_000_000_000, "48h0m0s"), (300_000_000, "300ms"),
    (61_000_000_000, "1m1s"), (1_500, "1.5µs"), (-2_000_000_000, "-2s"),
  ] as [(Int64, String)])
  func durations(_ nanoseconds: Int64, _ text: String) {
    #expect(GoTime.duration(nanoseconds: nanoseconds) == text)
  }
}

struct JSONTextTests {
  @Test func escapesLikeGo() {
    #expect(JSONText.string("a\"b\\c\n<tag>&\u{1}\u{2028}") == "\"a\\\"b\\\\c\\n\\u003ctag\\u003e\\u0026\\u0001\\u2028\"")
    #expect(JSONText.string("<x>", escapeHTML: false) == "\"<x>\"")
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The terminal on standard error, where progress goes.
public enum Terminal {
  /// Whether standard error is a terminal (buildx's `auto` then draws the live view).
  public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

  /// Columns and rows of the terminal on standard error; 80×10 when unknown, as buildx assumes.
  public static func size() -> (width: Int, height: Int) {
    var size = winsize()
    if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
      return (Int(size.ws_col), Int(size.ws_row))
    }
    return (80, 10)
  }

  /// `NO_COLOR` (any value) turns colours off, as in buildx.
  public static func colorsEnabled(environment: [String: String]) -> Bool {
    environment["NO_COLOR"] == nil
  }
}

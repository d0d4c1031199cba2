extension Bool {
  /// Go's `strconv.ParseBool`, which buildx uses for every boolean it reads
  /// (flags' values, driver options, environment variables): 1, t, T, TRUE,
  /// true, True and their false forms; anything else is nil.
  public init?(goBool text: String) {
    switch text {
    case "1", "t", "T", "TRUE", "true", "True": self = true
    case "0", "f", "F", "FALSE", "false", "False": self = false
    default: return nil
    }
  }
}

public import KilnCore

/// Builder and node names, with buildx's rule: a letter, then letters,
/// digits, `.`, `-` or `_`. Names are case-insensitive: the instance file
/// is named in lower case while the file keeps the name as typed.
public enum BuilderName {
  /// Whether `name` is acceptable (`^[a-zA-Z][a-zA-Z0-9._-]*$`).
  public static func isValid(_ name: String) -> Bool {
    var bytes = name.utf8.makeIterator()
    guard let first = bytes.next(), isLetter(first) else { return false }
    while let b = bytes.next() {
      guard
        isLetter(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
          || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
      else { return false }
    }
    return true
  }

  /// The store key for `name` (its lower-case form), or an
  /// `invalidArgument` error explaining the rule; `kind` names what is
  /// being named ("builder", "node") in that error.
  public static func validate(_ name: String, kind: String = "builder") throws(KilnError) -> String {
    guard isValid(name) else {
      throw KilnError(
        .invalidArgument,
        "invalid \(kind) name \"\(name)\": a name must start with a letter and contain only letters, digits, '.', '-' and '_'"
      )
    }
    return name.lowercased()
  }

  private static func isLetter(_ b: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
  }
}

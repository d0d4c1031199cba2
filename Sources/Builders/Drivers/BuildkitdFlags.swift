public import KilnCore

/// `--buildkitd-flags` as buildx stores them: split like a shell would, with
/// `--allow-insecure-entitlement=network.host` added for container drivers
/// (their network is isolated) unless the user chose entitlements already.
public enum BuildkitdFlags {
  public static func resolve(_ text: String?, driver: String, driverOptions: [String: String], configEntitlements: [String]) throws(KilnError) -> [String] {
    var flags = try split(text ?? "")
    let entitlements = allowedEntitlements(flags)
    let networkHost = "--allow-insecure-entitlement=network.host"
    if driverOptions["network"] == "host", !entitlements.contains("network.host"), driver == "docker-container" {
      flags.append(networkHost)
    } else if entitlements.isEmpty, !configEntitlements.contains("network.host"), driver == "docker-container" || driver == "kubernetes" {
      flags.append(networkHost)
    }
    return flags
  }

  /// Values of `--allow-insecure-entitlement` (as `=v` or a separate word).
  static func allowedEntitlements(_ flags: [String]) -> [String] {
    var result: [String] = []
    var index = 0
    while index < flags.count {
      let flag = flags[index]
      if flag.hasPrefix("--allow-insecure-entitlement=") {
        result.append(String(flag.dropFirst("--allow-insecure-entitlement=".count)))
      } else if flag == "--allow-insecure-entitlement", index + 1 < flags.count {
        result.append(flags[index + 1])
        index += 1
      }
      index += 1
    }
    return result
  }

  /// POSIX shell word splitting (quotes and backslashes; no expansion), as `shlex.Split`.
  public static func split(_ text: String) throws(KilnError) -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var iterator = Array(text).makeIterator()
    while let c = iterator.next() {
      switch c {
      case " ", "\t", "\n":
        if inWord { words.append(current) }
        current = ""
        inWord = false
      case "'":
        inWord = true
        var closed = false
        while let d = iterator.next() {
          if d == "'" { closed = true; break }
          current.append(d)
        }
        if !closed { throw KilnError(.invalidArgument, "invalid --buildkitd-flags \(text): unclosed quote") }
      case "\"":
        inWord = true
        var closed = false
        while let d = iterator.next() {
          if d == "\"" { closed = true; break }
          if d == "\\", let e = iterator.next() {
            if e != "\"" && e != "\\" && e != "$" && e != "`" { current.append(d) }
            current.append(e)
          } else {
            current.append(d)
          }
        }
        if !closed { throw KilnError(.invalidArgument, "invalid --buildkitd-flags \(text): unclosed quote") }
      case "\\":
        inWord = true
        if let d = iterator.next() { current.append(d) }
      default:
        inWord = true
        current.append(c)
      }
    }
    if inWord { words.append(current) }
    return words
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A snapshot of the process environment, passed explicitly so that address
/// resolution and configuration lookup are testable without `setenv`.
public struct Environment: Sendable {
  public var values: [String: String]

  public init(_ values: [String: String]) { self.values = values }

  /// The current process environment.
  public static var current: Environment {
    var result: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
      let pair = String(cString: entry)
      if let eq = pair.firstIndex(of: "=") {
        result[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
      }
      pointer += 1
    }
    return Environment(result)
  }

  /// The value of `name`, treating an empty value as unset (as the Docker CLI does).
  public subscript(_ name: String) -> String? {
    guard let value = values[name], !value.isEmpty else { return nil }
    return value
  }

  /// The user's home directory: `$HOME`, else the password database.
  public var homeDirectory: String {
    if let home = self["HOME"] { return home }
    if let pw = getpwuid(getuid()), let dir = pw.pointee.pw_dir { return String(cString: dir) }
    return "/"
  }

  /// The Docker CLI configuration directory: `$DOCKER_CONFIG`, else `~/.docker`.
  public var dockerConfigDirectory: String {
    self["DOCKER_CONFIG"] ?? homeDirectory + "/.docker"
  }
}

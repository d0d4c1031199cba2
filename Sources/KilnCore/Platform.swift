
/// An OCI platform as buildx stores it in a node's `Platforms`, with
/// containerd's parsing and normalisation rules (`linux/arm` is
/// `linux/arm/v7`, `aarch64` is `arm64`, ...), which decide whether two
/// nodes claim the same platform.
public struct Platform: Hashable, Sendable, CustomStringConvertible {
  public var os: String
  public var architecture: String
  public var variant: String
  public var osVersion: String
  public var osFeatures: [String]

  public init(os: String, architecture: String, variant: String = "", osVersion: String = "", osFeatures: [String] = []) {
    self.os = os
    self.architecture = architecture
    self.variant = variant
    self.osVersion = osVersion
    self.osFeatures = osFeatures
  }

  /// `os/arch[/variant]`, the form buildx prints and compares platforms by
  /// (containerd's `Format`): OS version and features are not part of it.
  public var description: String {
    if os.isEmpty { return "unknown" }
    return [os, architecture, variant].filter { !$0.isEmpty }.joined(separator: "/")
  }

  /// The platform this process runs on (what buildx calls `local`).
  public static var host: Platform {
    #if os(Linux)
      let os = "linux"
    #elseif os(macOS)
      let os = "darwin"
    #elseif os(Windows)
      let os = "windows"
    #elseif os(FreeBSD)
      let os = "freebsd"
    #else
      let os = "unknown"
    #endif
    #if arch(x86_64)
      return Platform(os: os, architecture: "amd64")
    #elseif arch(arm64)
      return Platform(os: os, architecture: "arm64")
    #elseif arch(arm)
      return Platform(os: os, architecture: "arm", variant: "v7")
    #elseif arch(i386)
      return Platform(os: os, architecture: "386")
    #elseif arch(powerpc64le)
      return Platform(os: os, architecture: "ppc64le")
    #elseif arch(s390x)
      return Platform(os: os, architecture: "s390x")
    #else
      return Platform(os: os, architecture: "unknown")
    #endif
  }

  /// The canonical spelling: lower case, `x86_64` → `amd64`, `aarch64` →
  /// `arm64`, `arm` → `arm/v7`, `arm64/v8` → `arm64`, features sorted.
  public var normalized: Platform {
    var p = self
    p.os = Self.normalizeOS(os)
    (p.architecture, p.variant) = Self.normalizeArchitecture(architecture, variant)
    p.osFeatures = Array(Set(osFeatures)).sorted()
    return p
  }

  /// Parses `--platform` values as buildx does: each value may hold several
  /// comma-separated platforms, `local` is the host, and every result is
  /// normalised.
  public static func parseList(_ values: [String]) throws(KilnError) -> [Platform] {
    var result: [Platform] = []
    for value in values {
      for item in value.split(separator: ",", omittingEmptySubsequences: false) {
        let specifier = String(item)
        if specifier.lowercased() == "local" {
          result.append(host.normalized)
        } else {
          result.append(try parse(specifier).normalized)
        }
      }
    }
    return result
  }

  /// Parses one `os[(version[+feature]...)][/arch[/variant]]` specifier
  /// with containerd's rules; a lone component may be an OS (host
  /// architecture assumed) or an architecture (host OS assumed).
  public static func parse(_ specifier: String) throws(KilnError) -> Platform {
    func invalid(_ reason: String) -> KilnError {
      KilnError(.invalidArgument, "invalid platform \"\(specifier)\": \(reason)")
    }
    if specifier.contains("*") { throw invalid("wildcards are not supported") }
    let parts = specifier.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
    guard let first = parts.first, let osPart = parseOSComponent(first) else {
      throw invalid("\"\(parts.first ?? "")\" is not a valid OS component")
    }
    for part in parts.dropFirst() where !isSpecifierComponent(part) {
      throw invalid("\"\(part)\" is not a valid component")
    }
    var p = Platform(os: normalizeOS(osPart.os), architecture: "")
    guard let version = percentDecode(osPart.version) else { throw invalid("invalid OS version") }
    p.osVersion = version
    for feature in osPart.features {
      guard let decoded = percentDecode(feature) else { throw invalid("invalid OS feature") }
      if !decoded.isEmpty { p.osFeatures.append(decoded) }
    }
    switch parts.count {
    case 1:
      if knownOSes.contains(p.os) {
        p.architecture = host.architecture
        return p
      }
      (p.architecture, p.variant) = normalizeArchitecture(parts[0], "")
      if p.architecture == "arm" && p.variant == "v7" { p.variant = "" }
      guard knownArchitectures.contains(p.architecture) else { throw invalid("unknown operating system or architecture") }
      p.os = host.os
      return p
    case 2:
      (p.architecture, p.variant) = normalizeArchitecture(parts[1], "")
      if p.architecture == "arm" && p.variant == "v7" { p.variant = "" }
      return p
    case 3:
      (p.architecture, p.variant) = normalizeArchitecture(parts[1], parts[2])
      if p.architecture == "arm64" && p.variant.isEmpty { p.variant = "v8" }
      return p
    default:
      throw invalid("too many components")
    }
  }

  // MARK: - containerd's tables

  static let knownOSes: Set<String> = [
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl",
    "netbsd", "openbsd", "plan9", "solaris", "windows", "zos",
  ]

  static let knownArchitectures: Set<String> = [
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "ppc64", "ppc64le", "loong64", "mips",
    "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "riscv", "riscv64", "s390", "s390x",
    "sparc", "sparc64", "wasm",
  ]

  static func normalizeOS(_ os: String) -> String {
    if os.isEmpty { return host.os }
    let lower = os.lowercased()
    return lower == "macos" ? "darwin" : lower
  }

  static func normalizeArchitecture(_ architecture: String, _ variant: String) -> (String, String) {
    let arch = architecture.lowercased()
    let variant = variant.lowercased()
    switch arch {
    case "i386": return ("386", "")
    case "x86_64", "x86-64", "amd64": return ("amd64", variant == "v1" ? "" : variant)
    case "aarch64", "arm64":
      switch variant {
      case "8", "v8", "v8.0": return ("arm64", "")
      case "9", "9.0", "v9.0": return ("arm64", "v9")
      default: return ("arm64", variant)
      }
    case "armhf": return ("arm", "v7")
    case "armel": return ("arm", "v6")
    case "arm":
      switch variant {
      case "", "7": return ("arm", "v7")
      case "5", "6", "8": return ("arm", "v" + variant)
      default: return ("arm", variant)
      }
    default: return (arch, variant)
    }
  }

  // MARK: - Specifier syntax

  private static func isSpecifierComponent(_ s: String) -> Bool {
    !s.isEmpty && s.utf8.allSatisfy { isWordByte($0) || $0 == UInt8(ascii: ".") }
  }

  private static func isWordByte(_ b: UInt8) -> Bool {
    switch b {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
      true
    default: false
    }
  }

  private static func isOptionByte(_ b: UInt8) -> Bool {
    isWordByte(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "%")
  }

  /// Splits `os(version+feature+...)`; nil when the component is malformed.
  private static func parseOSComponent(_ s: String) -> (os: String, version: String, features: [String])? {
    let bytes = Array(s.utf8)
    guard let open = bytes.firstIndex(of: UInt8(ascii: "(")) else {
      return !bytes.isEmpty && bytes.allSatisfy(isWordByte) ? (s, "", []) : nil
    }
    let os = bytes[..<open]
    guard !os.isEmpty, os.allSatisfy(isWordByte), bytes.last == UInt8(ascii: ")") else { return nil }
    let inner = bytes[(open + 1)..<(bytes.count - 1)]
    let pieces = inner.split(separator: UInt8(ascii: "+"), omittingEmptySubsequences: false)
    let version = pieces.first ?? []
    guard version.allSatisfy(isOptionByte) else { return nil }
    var features: [String] = []
    for piece in pieces.dropFirst() {
      guard !piece.isEmpty, piece.allSatisfy(isOptionByte) else { return nil }
      features.append(String(decoding: piece, as: UTF8.self))
    }
    return (String(decoding: os, as: UTF8.self), String(decoding: version, as: UTF8.self), features)
  }

  /// `%XX` decoding of OS version and feature values; nil on a bad escape.
  private static func percentDecode(_ s: String) -> String? {
    guard s.contains("%") else { return s }
    var out: [UInt8] = []
    var bytes = s.utf8.makeIterator()
    while let b = bytes.next() {
      guard b == UInt8(ascii: "%") else { out.append(b); continue }
      guard let h = bytes.next(), let l = bytes.next(), let hi = hexValue(h), let lo = hexValue(l) else { return nil }
      out.append(hi << 4 | lo)
    }
    return String(validating: out, as: UTF8.self)
  }

  private static func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}

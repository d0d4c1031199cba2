import Foundation
public import KilnCore

/// A BuildKit address as buildctl, buildx and Copa accept them
/// (`--addr`, `BUILDKIT_HOST`, a remote builder's endpoint).
public enum BuildKitAddress: Sendable, Equatable {
  case unix(path: String)
  case tcp(host: String, port: Int)
  /// The Docker Engine's embedded BuildKit; `nil` means the engine from the environment.
  case docker(host: String?)
  /// Any `buildctl dial-stdio` reached through a helper command.
  case helper(scheme: String, executable: String, arguments: [String])
  /// A builder from the buildx store, resolved by the builders layer.
  case builder(name: String?)

  /// The schemes `parse` knows, for error messages.
  public static let schemes = [
    "unix", "tcp", "docker", "docker-container", "podman-container", "nerdctl-container",
    "kube-pod", "kubepod", "ssh", "buildx",
  ]

  public static func parse(_ address: String) throws -> BuildKitAddress {
    guard let range = address.range(of: "://") else {
      throw KilnError(.invalidAddress, "invalid address \(address): expected SCHEME://..., with SCHEME one of \(schemes.joined(separator: ", "))")
    }
    let scheme = address[..<range.lowerBound].lowercased()
    let rest = String(address[range.upperBound...])
    switch scheme {
    case "unix":
      guard !rest.isEmpty else { throw KilnError(.invalidAddress, "invalid address \(address): no socket path") }
      return .unix(path: rest)
    case "tcp":
      let (host, port) = try HostPort.parse(rest, defaultPort: nil, address: address)
      return .tcp(host: host, port: port)
    case "docker":
      if rest.isEmpty { return .docker(host: nil) }
      if rest.hasPrefix("/") { return .docker(host: "unix://" + rest) }
      if rest.contains("://") { return .docker(host: rest) }
      return .docker(host: "tcp://" + rest)
    case "docker-container", "podman-container", "nerdctl-container", "kube-pod", "kubepod":
      return try helper(scheme: scheme, rest: Substring(rest), address: address)
    case "ssh":
      let spec = try SSHSpec.parse(rest, address: address)
      var remote = ["buildctl"]
      if !spec.path.isEmpty { remote += ["--addr", "unix://" + spec.path] }
      return .helper(scheme: "ssh", executable: "ssh", arguments: spec.arguments + remote + ["dial-stdio"])
    case "buildx":
      let name = rest.split(separator: "/").first.map(String.init)
      return .builder(name: name)
    default:
      throw KilnError(.invalidAddress, "unsupported address \(address): scheme \(scheme) is not one of \(schemes.joined(separator: ", "))")
    }
  }

  private static func helper(scheme: String, rest: Substring, address: String) throws -> BuildKitAddress {
    // Parsed by hand: URL parsers reject names a container may legally have.
    let hostPart = rest.prefix { $0 != "?" && $0 != "/" && $0 != "#" }
    let name = String(hostPart)
    guard !name.isEmpty else {
      throw KilnError(.invalidAddress, "invalid address \(address): no \(scheme.hasPrefix("kube") ? "pod" : "container") name")
    }
    var query: [String: String] = [:]
    if let mark = rest.firstIndex(of: "?") {
      for pair in rest[rest.index(after: mark)...].split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
        if query[key] == nil { query[key] = value }
      }
    }
    let dialStdio = ["buildctl", "dial-stdio"]
    switch scheme {
    case "docker-container":
      let context = query["context"].map { ["--context=" + $0] } ?? []
      return .helper(scheme: scheme, executable: "docker", arguments: context + ["exec", "-i", name] + dialStdio)
    case "podman-container":
      return .helper(scheme: scheme, executable: "podman", arguments: ["exec", "-i", name] + dialStdio)
    case "nerdctl-container":
      let namespace = query["namespace"].flatMap { $0.isEmpty ? nil : ["--namespace", $0] } ?? []
      return .helper(scheme: scheme, executable: "nerdctl", arguments: ["exec"] + namespace + ["-i", name] + dialStdio)
    default:
      for (what, value) in [("pod", name), ("namespace", query["namespace"] ?? ""), ("container", query["container"] ?? "")]
      where !value.isEmpty && !isKubeName(value) {
        throw KilnError(.invalidAddress, "invalid address \(address): unsupported \(what) name \"\(value)\"")
      }
      let args = [
        "--context=" + (query["context"] ?? ""), "--namespace=" + (query["namespace"] ?? ""),
        "exec", "--container=" + (query["container"] ?? ""), "-i", name, "--",
      ]
      return .helper(scheme: scheme, executable: "kubectl", arguments: args + dialStdio)
    }
  }

  /// Kubernetes DNS-label names: lowercase alphanumerics and '-', alphanumeric at both ends, at most 63.
  static func isKubeName(_ s: String) -> Bool {
    let bytes = Array(s.utf8)
    guard (1...63).contains(bytes.count) else { return false }
    func alnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
    guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last) else { return false }
    return bytes.allSatisfy { alnum($0) || $0 == 45 }
  }

  /// A dialer for this address; `tls` applies to `tcp://` (buildctl's TLS flags).
  public func dialer(environment: Environment, tls: TLSFiles? = nil, original: String) throws -> any StreamDialer {
    switch self {
    case .unix(let path):
      return SocketDialer(target: .unix(path: path), displayAddress: original)
    case .tcp(let host, let port):
      return SocketDialer(target: .tcp(host: host, port: port), tls: tls, displayAddress: original)
    case .docker(let host):
      var engine = try DockerHost.resolve(environment: environment)
      if let host {
        engine = DockerHost(host: host, tls: tls ?? DockerHost.tlsFromEnvironment(environment, configDir: environment.dockerConfigDirectory))
      }
      return DockerHijackDialer(engine: try engine.apiDialer())
    case .helper(_, let executable, let arguments):
      return ProcessDialer(executable: executable, arguments: arguments, environment: environment.values, displayAddress: original)
    case .builder(let name):
      throw KilnError(.unsupported, "address \(original) names builder \(name ?? "(current)"), which the builders layer resolves")
    }
  }
}

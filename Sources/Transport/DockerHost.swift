import Foundation
public import KilnCore

/// Where a Docker Engine API is, resolved as the Docker CLI resolves it:
/// `DOCKER_HOST` (with `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`), else the
/// context named by `DOCKER_CONTEXT` or the CLI config's `currentContext`,
/// else the default socket.
public struct DockerHost: Sendable, Equatable {
  public static let defaultSocket = "/var/run/docker.sock"

  /// The host string, e.g. `unix:///var/run/docker.sock`, `tcp://1.2.3.4:2376`, `ssh://me@box`.
  public var host: String
  public var tls: TLSFiles?
  /// The context it came from, `default` when none was used.
  public var contextName: String

  public init(host: String, tls: TLSFiles? = nil, contextName: String = "default") {
    self.host = host
    self.tls = tls
    self.contextName = contextName
  }

  /// Resolves the engine the Docker CLI would talk to in `environment`.
  public static func resolve(environment: Environment, context explicitContext: String? = nil) throws -> DockerHost {
    let configDir = environment.dockerConfigDirectory
    if explicitContext == nil, let host = environment["DOCKER_HOST"] {
      return DockerHost(host: host, tls: tlsFromEnvironment(environment, configDir: configDir))
    }
    let name = explicitContext ?? environment["DOCKER_CONTEXT"] ?? currentContext(configDir: configDir) ?? "default"
    if name == "default" {
      return DockerHost(host: environment["DOCKER_HOST"] ?? "unix://" + defaultSocket, tls: tlsFromEnvironment(environment, configDir: configDir))
    }
    return try DockerContextStore(configDirectory: configDir).host(named: name)
  }

  static func tlsFromEnvironment(_ environment: Environment, configDir: String) -> TLSFiles? {
    guard environment["DOCKER_TLS_VERIFY"] != nil || environment["DOCKER_TLS"] != nil else { return nil }
    return .dockerCertPath(environment["DOCKER_CERT_PATH"] ?? configDir)
  }

  static func currentContext(configDir: String) -> String? {
    guard let data = FileManager.default.contents(atPath: configDir + "/config.json"),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return (object["currentContext"] as? String).flatMap { $0.isEmpty ? nil : $0 }
  }

  /// A dialer for the engine API itself (not yet upgraded to gRPC).
  public func apiDialer() throws -> any StreamDialer {
    let (scheme, rest) = try Self.split(host)
    switch scheme {
    case "unix":
      guard !rest.isEmpty else { throw KilnError(.invalidAddress, "invalid Docker host \(host): no socket path") }
      return SocketDialer(target: .unix(path: rest), displayAddress: host)
    case "tcp", "http", "https":
      let (hostname, port) = try HostPort.parse(rest, defaultPort: tls == nil ? 2375 : 2376, address: host)
      return SocketDialer(target: .tcp(host: hostname, port: port), tls: tls, displayAddress: host)
    case "ssh":
      let spec = try SSHSpec.parse(rest, address: host)
      return ProcessDialer(executable: "ssh", arguments: spec.arguments + ["docker", "system", "dial-stdio"], displayAddress: host)
    default:
      throw KilnError(.invalidAddress, "unsupported Docker host \(host): scheme \(scheme) is not one of unix, tcp, ssh")
    }
  }

  static func split(_ address: String) throws -> (scheme: String, rest: String) {
    guard let range = address.range(of: "://") else {
      throw KilnError(.invalidAddress, "invalid address \(address): expected SCHEME://...")
    }
    return (String(address[..<range.lowerBound]).lowercased(), String(address[range.upperBound...]))
  }
}

/// The Docker CLI's context store (`~/.docker/contexts`): metadata in
/// `meta/<digest>/meta.json`, TLS files in `tls/<digest>/docker/`.
struct DockerContextStore {
  let configDirectory: String

  func host(named name: String) throws -> DockerHost {
    let metaRoot = configDirectory + "/contexts/meta"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: metaRoot)) ?? []
    for digest in entries {
      let path = "\(metaRoot)/\(digest)/meta.json"
      guard let data = FileManager.default.contents(atPath: path),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        object["Name"] as? String == name
      else { continue }
      let endpoints = object["Endpoints"] as? [String: Any]
      let docker = endpoints?["docker"] as? [String: Any]
      guard let host = docker?["Host"] as? String, !host.isEmpty else {
        throw KilnError(.invalidArgument, "Docker context \(name) has no Docker endpoint (\(path))")
      }
      let tlsDir = "\(configDirectory)/contexts/tls/\(digest)/docker"
      var tls: TLSFiles?
      if FileManager.default.fileExists(atPath: tlsDir) {
        var files = TLSFiles()
        for (file, keyPath) in [("ca.pem", \TLSFiles.caCertificate), ("cert.pem", \.certificate), ("key.pem", \.key)] {
          let full = "\(tlsDir)/\(file)"
          if FileManager.default.fileExists(atPath: full) { files[keyPath: keyPath] = full }
        }
        tls = files
      }
      return DockerHost(host: host, tls: tls, contextName: name)
    }
    throw KilnError(.notFound, "Docker context \(name) not found (looked in \(metaRoot))")
  }
}

/// `host[:port]`, with IPv6 literals in brackets.
enum HostPort {
  static func parse(_ text: String, defaultPort: Int?, address: String) throws -> (String, Int) {
    var rest = Substring(text)
    if let slash = rest.firstIndex(of: "/") {
      guard rest[slash...].allSatisfy({ $0 == "/" }) else {
        throw KilnError(.invalidAddress, "invalid address \(address): unexpected path \(rest[slash...])")
      }
      rest = rest[..<slash]
    }
    var host: Substring
    var portText: Substring?
    if rest.hasPrefix("[") {
      guard let close = rest.firstIndex(of: "]") else { throw KilnError(.invalidAddress, "invalid address \(address): unclosed [") }
      host = rest[rest.index(after: rest.startIndex)..<close]
      let after = rest[rest.index(after: close)...]
      if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty {
        throw KilnError(.invalidAddress, "invalid address \(address)")
      }
    } else if let colon = rest.lastIndex(of: ":") {
      host = rest[..<colon]
      portText = rest[rest.index(after: colon)...]
    } else {
      host = rest
    }
    guard !host.isEmpty else { throw KilnError(.invalidAddress, "invalid address \(address): no host") }
    if let portText {
      guard let port = Int(portText), (1...65535).contains(port) else {
        throw KilnError(.invalidAddress, "invalid address \(address): bad port \"\(portText)\"")
      }
      return (String(host), port)
    }
    guard let defaultPort else { throw KilnError(.invalidAddress, "invalid address \(address): no port") }
    return (String(host), defaultPort)
  }
}

/// `[user@]host[:port][/path]` for `ssh://` addresses, as BuildKit's helper reads them.
struct SSHSpec: Equatable {
  var user: String?
  var host: String
  var port: Int?
  var path: String

  static func parse(_ text: String, address: String) throws -> SSHSpec {
    var rest = Substring(text)
    if rest.contains("?") || rest.contains("#") {
      throw KilnError(.invalidAddress, "invalid address \(address): extra query or fragment after the host")
    }
    var path = ""
    if let slash = rest.firstIndex(of: "/") {
      path = String(rest[slash...])
      rest = rest[..<slash]
    }
    var user: String?
    if let at = rest.lastIndex(of: "@") {
      let userInfo = rest[..<at]
      if userInfo.contains(":") {
        throw KilnError(.invalidAddress, "invalid address \(address): plain-text password is not supported")
      }
      user = String(userInfo)
      rest = rest[rest.index(after: at)...]
    }
    var port: Int?
    var host = String(rest)
    if rest.contains(":") {
      let (h, p) = try HostPort.parse(String(rest), defaultPort: nil, address: address)
      host = h
      port = p
    }
    guard !host.isEmpty else { throw KilnError(.invalidAddress, "invalid address \(address): no host specified") }
    return SSHSpec(user: user, host: host, port: port, path: path)
  }

  /// `ssh` arguments up to and including the host and the `--` before the remote command.
  var arguments: [String] {
    var args: [String] = []
    if let user, !user.isEmpty { args += ["-l", user] }
    if let port { args += ["-p", String(port)] }
    return args + ["--", host]
  }
}

import Foundation
import KilnCore

/// Registry credentials as the Docker CLI keeps them: `$DOCKER_CONFIG/config.json`
/// (else `~/.docker/config.json`) with `auths` (base64 `user:password` in
/// `auth`, or `identitytoken`), `credsStore` and per-host `credHelpers`
/// (`docker-credential-NAME get`, the host on stdin, JSON on stdout).
public struct RegistryCredentials: Sendable {
  /// What the Docker CLI calls an `AuthConfig`.
  public struct Entry: Sendable, Equatable {
    public var username = ""
    public var password = ""
    public var identityToken = ""
    public var serverAddress = ""
    public init(username: String = "", password: String = "", identityToken: String = "", serverAddress: String = "") {
      self.username = username
      self.password = password
      self.identityToken = identityToken
      self.serverAddress = serverAddress
    }
    public var isEmpty: Bool { username.isEmpty && password.isEmpty && identityToken.isEmpty }
  }

  struct FileEntry: Sendable {
    var auth: String?
    var username: String?
    var password: String?
    var identityToken: String?
  }

  var auths: [String: FileEntry] = [:]
  var credsStore: String?
  var credHelpers: [String: String] = [:]
  /// Where `docker-credential-*` helpers are looked up.
  var path: String

  /// The configuration the Docker CLI would read in `environment`; a missing
  /// file means no credentials, an unreadable one is an error.
  public static func load(environment: [String: String]) throws -> RegistryCredentials {
    let directory = environment["DOCKER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
      ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.docker"
    let file = directory + "/config.json"
    var credentials = RegistryCredentials(path: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
    guard let data = FileManager.default.contents(atPath: file) else { return credentials }
    let object: Any
    do { object = try JSONSerialization.jsonObject(with: data) } catch {
      throw KilnError(.invalidArgument, "cannot parse the Docker configuration \(file)", underlying: error)
    }
    guard let root = object as? [String: Any] else { return credentials }
    for (host, value) in root["auths"] as? [String: Any] ?? [:] {
      guard let fields = value as? [String: Any] else { continue }
      credentials.auths[host] = FileEntry(
        auth: fields["auth"] as? String, username: fields["username"] as? String,
        password: fields["password"] as? String, identityToken: fields["identitytoken"] as? String)
    }
    credentials.credsStore = (root["credsStore"] as? String).flatMap { $0.isEmpty ? nil : $0 }
    credentials.credHelpers = root["credHelpers"] as? [String: String] ?? [:]
    return credentials
  }

  /// The credentials for a registry host (`127.0.0.1:5000`, or Docker Hub's
  /// `https://index.docker.io/v1/`), as `docker login` stored them; empty when none.
  public func lookup(_ host: String) async throws -> Entry {
    if let helper = credHelpers[host] ?? credsStore {
      return try await Self.runHelper(helper, host: host, path: path)
    }
    let entry = auths[host] ?? auths.first { Self.hostname($0.key) == host }?.value
    guard let entry else { return Entry(serverAddress: host) }
    var out = Entry(username: entry.username ?? "", password: entry.password ?? "", identityToken: entry.identityToken ?? "", serverAddress: host)
    if let auth = entry.auth, !auth.isEmpty {
      guard let decoded = Data(base64Encoded: auth).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":") else {
        throw KilnError(.invalidArgument, "invalid auth configuration for \(host) in the Docker configuration")
      }
      out.username = String(decoded[..<colon])
      out.password = String(decoded[decoded.index(after: colon)...])
    }
    return out
  }

  /// `https://host/v1/` → `host`, as the Docker CLI matches `auths` keys.
  static func hostname(_ key: String) -> String {
    var text = key
    for scheme in ["http://", "https://"] where text.hasPrefix(scheme) { text.removeFirst(scheme.count) }
    return String(text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
  }

  /// The host BuildKit and buildx ask about for an image reference's registry.
  public static func authHost(forRegistry registry: String) -> String {
    registry == "docker.io" || registry == "registry-1.docker.io" ? "https://index.docker.io/v1/" : registry
  }

  /// Runs `docker-credential-NAME get`; "credentials not found" means none.
  static func runHelper(_ name: String, host: String, path: String) async throws -> Entry {
    let program = "docker-credential-" + name
    guard let executable = path.split(separator: ":").map({ $0 + "/" + program })
      .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw KilnError(.process, "error getting credentials - err: exec: \"\(program)\": executable file not found in $PATH")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["get"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
      process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
      do {
        try process.run()
      } catch {
        process.terminationHandler = nil
        continuation.resume(throwing: KilnError(.process, "cannot run \(program)", underlying: error))
        return
      }
      input.fileHandleForWriting.write(Data(host.utf8))
      try? input.fileHandleForWriting.close()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    if status != 0 {
      if text.contains("credentials not found") { return Entry(serverAddress: host) }
      throw KilnError(.process, "error getting credentials - err: exit status \(status), out: `\(text)`")
    }
    struct Answer: Decodable { var Username: String?; var Secret: String? }
    guard let answer = try? JSONDecoder().decode(Answer.self, from: data) else {
      throw KilnError(.process, "\(program) answered with something other than credentials JSON")
    }
    // A helper marks an identity token with the user name `<token>`.
    if answer.Username == "<token>" { return Entry(identityToken: answer.Secret ?? "", serverAddress: host) }
    return Entry(username: answer.Username ?? "", password: answer.Secret ?? "", serverAddress: host)
  }

  /// The engine API's `X-Registry-Auth` header value: base64url JSON of the entry.
  public static func registryAuthHeader(_ entry: Entry) -> String {
    var fields: [String: String] = [:]
    if !entry.username.isEmpty { fields["username"] = entry.username }
    if !entry.password.isEmpty { fields["password"] = entry.password }
    if !entry.identityToken.isEmpty { fields["identitytoken"] = entry.identityToken }
    if !entry.serverAddress.isEmpty, !entry.isEmpty { fields["serveraddress"] = entry.serverAddress }
    let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
    return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
  }
}

import KilnCore
import NIOSSL

/// PEM files for a TLS client: the CA to trust, an optional client
/// certificate and key for mutual TLS, and the name to verify.
///
/// Mirrors buildctl's `--tlscacert`, `--tlscert`, `--tlskey` and
/// `--tlsservername`, and the Docker CLI's `DOCKER_CERT_PATH` layout.
public struct TLSFiles: Sendable, Equatable {
  public var caCertificate: String?
  public var certificate: String?
  public var key: String?
  public var serverName: String?

  public init(caCertificate: String? = nil, certificate: String? = nil, key: String? = nil, serverName: String? = nil) {
    self.caCertificate = caCertificate
    self.certificate = certificate
    self.key = key
    self.serverName = serverName
  }

  /// The files of a Docker CLI certificate directory (`ca.pem`, `cert.pem`, `key.pem`).
  public static func dockerCertPath(_ directory: String) -> TLSFiles {
    TLSFiles(caCertificate: directory + "/ca.pem", certificate: directory + "/cert.pem", key: directory + "/key.pem")
  }

  /// Builds a client context, loading and checking every file up front so that
  /// a missing or malformed file is reported by name, not as a handshake failure.
  func makeContext() throws -> NIOSSLContext {
    var config = TLSConfiguration.makeClientConfiguration()
    if let ca = caCertificate {
      let roots = try load("CA certificate", ca) { try NIOSSLCertificate.fromPEMFile($0) }
      config.trustRoots = .certificates(roots)
    }
    switch (certificate, key) {
    case (let cert?, let key?):
      let chain = try load("client certificate", cert) { try NIOSSLCertificate.fromPEMFile($0) }
      let privateKey = try load("client key", key) { try NIOSSLPrivateKey(file: $0, format: .pem) }
      config.certificateChain = chain.map { .certificate($0) }
      config.privateKey = .privateKey(privateKey)
    case (nil, nil):
      break
    case (.some, nil):
      throw KilnError(.tls, "a TLS client certificate was given without its key")
    case (nil, .some):
      throw KilnError(.tls, "a TLS client key was given without its certificate")
    }
    do {
      return try NIOSSLContext(configuration: config)
    } catch {
      throw KilnError(.tls, "cannot set up TLS", underlying: error)
    }
  }

  private func load<T>(_ what: String, _ path: String, _ body: (String) throws -> T) throws -> T {
    do {
      let value = try body(path)
      if let list = value as? [NIOSSLCertificate], list.isEmpty {
        throw KilnError(.tls, "no PEM certificate found")
      }
      return value
    } catch {
      throw KilnError(.tls, "cannot load \(what) \(path)", underlying: TLSErrorText(error))
    }
  }
}

/// Short, human wording for NIOSSL's errors, which print as nested enums.
struct TLSErrorText: Error, CustomStringConvertible {
  let error: any Error
  init(_ error: any Error) { self.error = error }

  var description: String {
    if let kiln = error as? KilnError { return kiln.description }
    if let ssl = error as? NIOSSLError {
      switch ssl {
      case .handshakeFailed(let inner): return "TLS handshake failed: \(Self.openSSL(inner))"
      case .failedToLoadCertificate: return "not a readable PEM certificate"
      case .failedToLoadPrivateKey: return "not a readable PEM private key"
      case .uncleanShutdown: return "the server closed the TLS connection"
      default: return "TLS error: \(ssl)"
      }
    }
    if let boring = error as? BoringSSLError {
      return Self.openSSL(boring)
    }
    return String(describing: error)
  }

  /// Extracts the readable reason strings from BoringSSL's error stack.
  static func openSSL(_ error: BoringSSLError) -> String {
    let text = String(describing: error)
    // BoringSSL reasons look like "...:CERTIFICATE_VERIFY_FAILED" or "...:TLSV1_ALERT_CERTIFICATE_REQUIRED".
    var reasons: [String] = []
    for word in text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }) where word.count > 8 && word == word.uppercased() && word.contains("_") {
      let reason = String(word.lowercased().map { $0 == "_" ? " " : $0 })
      if !reasons.contains(reason) { reasons.append(reason) }
    }
    return reasons.isEmpty ? text : reasons.joined(separator: "; ")
  }
}

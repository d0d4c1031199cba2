/// The one error type Kiln's libraries throw: a stable code for callers and
/// tests, a message for people, and the underlying cause when there is one.
///
/// New failure kinds are added as new `Code` values, so callers that switch
/// on the code keep compiling.
public struct KilnError: Error, CustomStringConvertible, Sendable {
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    /// An address (BuildKit host, Docker host) that cannot be parsed or is unsupported.
    public static let invalidAddress = Code("invalidAddress")
    /// Connecting, handshaking or talking to a daemon failed.
    public static let connection = Code("connection")
    /// An operation did not finish within its deadline.
    public static let timeout = Code("timeout")
    /// TLS material could not be loaded or the TLS handshake failed.
    public static let tls = Code("tls")
    /// The daemon answered with an error.
    public static let daemon = Code("daemon")
    /// A user-supplied value (flag, file, environment variable) is invalid.
    public static let invalidArgument = Code("invalidArgument")
    /// A file could not be read, written or parsed.
    public static let io = Code("io")
    /// Something that should exist was not found (builder, node, file).
    public static let notFound = Code("notFound")
    /// The operation is not supported by this daemon, driver or platform.
    public static let unsupported = Code("unsupported")
    /// A child process could not be started or failed.
    public static let process = Code("process")
  }

  public var code: Code
  public var message: String
  public var underlying: (any Error)?
  /// Text shown above the error line, each piece as it is (buildx prints the
  /// Dockerfile lines around a failing instruction there).
  public var details: [String] = []
  /// The process's exit status when this error ends it: 1, or buildx's
  /// special values (130 for a cancelled build, 100 for a daemon's internal error).
  public var exitStatus: Int32 = 1

  public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
    self.code = code
    self.message = message
    self.underlying = underlying
  }

  public var description: String {
    guard let underlying else { return message }
    let cause = (underlying as? KilnError)?.description ?? String(describing: underlying)
    if cause.isEmpty || message.hasSuffix(cause) { return message }
    return "\(message): \(cause)"
  }
}

import KilnCore
public import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Dials a unix socket or a TCP port, optionally wrapping the stream in TLS.
public struct SocketDialer: StreamDialer {
  public enum Target: Sendable, Equatable {
    case unix(path: String)
    case tcp(host: String, port: Int)
  }

  public let target: Target
  public let tls: TLSFiles?
  public let displayAddress: String

  public init(target: Target, tls: TLSFiles? = nil, displayAddress: String? = nil) {
    self.target = target
    self.tls = tls
    switch target {
    case .unix(let path): self.displayAddress = displayAddress ?? "unix://\(path)"
    case .tcp(let host, let port): self.displayAddress = displayAddress ?? "tcp://\(host):\(port)"
    }
  }

  public func dial(timeout: Duration) async throws -> DialedStream {
    // The handshake watcher stays in the pipeline as a pass-through: removing it races a
    // peer that rejects us right after the handshake (a TLS alert for a missing client
    // certificate), and the alert must reach the next handshake's handler to be reported.
    try await connect(timeout: timeout)
  }

  private func connect(timeout: Duration) async throws -> DialedStream {
    let sslContext = try tls.map { try $0.makeContext() }
    let serverName = tls?.serverName ?? {
      if case .tcp(let host, _) = target, !host.isIPAddress { return host }
      return nil
    }()
    let group = MultiThreadedEventLoopGroup.singleton
    let handshake = group.any().makePromise(of: Void.self)
    let firstError = FirstError()
    let bootstrap = ClientBootstrap(group: group)
      .connectTimeout(timeout.timeAmount)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          let sync = channel.pipeline.syncOperations
          if let sslContext {
            let handler = try NIOSSLClientHandler(context: sslContext, serverHostname: serverName)
            try sync.addHandler(handler)
          }
          try sync.addHandler(HandshakeWatcher(wait: sslContext == nil ? .active : .tlsHandshake, promise: handshake, firstError: firstError), name: HandshakeWatcher.name)
          try sync.addHandler(PendingBytesHandler(), name: PendingBytesHandler.name)
        }
      }
    let channel: any Channel
    do {
      switch target {
      case .unix(let path):
        channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
      case .tcp(let host, let port):
        channel = try await bootstrap.connect(host: host, port: port).get()
      }
    } catch {
      handshake.fail(error)
      throw KilnError(.connection, "cannot connect to \(displayAddress)", underlying: ConnectErrorText(error, timeout: timeout))
    }
    do {
      try await withDeadline(
        timeout, on: channel, what: sslContext == nil ? "connection" : "TLS handshake", waitingFor: handshake.futureResult)
    } catch {
      try? await channel.close()
      let code: KilnError.Code = sslContext == nil ? .connection : .tls
      throw KilnError(code, "cannot connect to \(displayAddress)", underlying: TLSErrorText(error))
    }
    return DialedStream(channel: channel, displayAddress: displayAddress) {
      firstError.value.map { TLSErrorText($0).description }
    }
  }
}

extension String {
  /// Whether this is a literal IPv4 or IPv6 address (SNI must not carry one).
  var isIPAddress: Bool {
    (try? SocketAddress(ipAddress: self, port: 0)) != nil
  }
}

/// Waits for `future`, closing `channel` and failing with a timeout error when
/// the deadline passes first, so a silent peer cannot hang the caller.
///
/// It races on the event loop rather than in a task group: awaiting a future
/// is not cancellable, so a group would wait for a promise nobody completes.
public func withDeadline<T: Sendable>(
  _ timeout: Duration, on channel: any Channel, what: String, waitingFor future: EventLoopFuture<T>
) async throws -> T {
  let loop = future.eventLoop
  let outcome = loop.makePromise(of: T.self)
  let settled = Settled()
  let timer = loop.scheduleTask(in: timeout.timeAmount) {
    guard settled.claim() else { return }
    outcome.fail(KilnError(.timeout, "\(what) timed out after \(timeout.shortDescription)"))
    channel.close(promise: nil)
  }
  future.whenComplete { result in
    timer.cancel()
    guard settled.claim() else { return }
    outcome.completeWith(result)
  }
  return try await outcome.futureResult.get()
}

/// Lets exactly one of two racing completions through.
private final class Settled: Sendable {
  private let done = Mutex(false)

  func claim() -> Bool {
    done.withLock { done in
      defer { done = true }
      return !done
    }
  }
}

extension Duration {
  /// "5s", "1.5s", "250ms": how buildctl prints its timeouts.
  public var shortDescription: String {
    let ms = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    if ms % 1000 == 0 { return "\(ms / 1000)s" }
    if ms < 1000 { return "\(ms)ms" }
    return "\(Double(ms) / 1000)s"
  }
}

/// Readable wording for socket errors (`connection refused`, `no such file`).
struct ConnectErrorText: Error, CustomStringConvertible {
  let error: any Error
  let timeout: Duration
  init(_ error: any Error, timeout: Duration) {
    self.error = error
    self.timeout = timeout
  }

  var description: String {
    if let io = error as? IOError {
      return String(cString: strerror(io.errnoCode))
    }
    if let channelError = error as? ChannelError, case .connectTimeout = channelError {
      return "timed out after \(timeout.shortDescription)"
    }
    if let connect = error as? NIOConnectionError {
      if let dns = connect.dnsAAAAError ?? connect.dnsAError { return "cannot resolve host: \(dns)" }
      if let first = connect.connectionErrors.first { return ConnectErrorText(first.error, timeout: timeout).description }
      return "cannot resolve host"
    }
    return String(describing: error)
  }
}

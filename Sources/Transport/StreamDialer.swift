import KilnCore
public import NIOCore

/// Something that can open a bidirectional byte stream to a daemon.
///
/// Every way of reaching BuildKit (a unix socket, TCP with or without TLS, the
/// Docker Engine's hijacked `/grpc` endpoint, a child process's stdio) is a
/// dialer; protocols such as gRPC are layered on the returned channel by
/// their owners, so this module knows nothing of them.
public protocol StreamDialer: Sendable {
  /// The address as the user would recognise it, for error messages.
  var displayAddress: String { get }

  /// Opens the stream and completes any handshake (TLS, HTTP upgrade).
  ///
  /// The returned channel is active and its pipeline ends with a
  /// ``PendingBytesHandler``: bytes that arrived during the handshake, and
  /// any that arrive later, are held there until the caller has installed its
  /// own handlers and calls ``DialedStream/release()``.
  func dial(timeout: Duration) async throws -> DialedStream
}

/// A connected, handshaken stream whose inbound bytes are held until released.
public struct DialedStream: Sendable {
  public let channel: any Channel
  /// Where the stream goes, for error messages.
  public let displayAddress: String

  /// What the far side said when it failed (a helper process's stderr), if known.
  public let failureDetail: @Sendable () -> String?

  public init(channel: any Channel, displayAddress: String, failureDetail: @escaping @Sendable () -> String? = { nil }) {
    self.channel = channel
    self.displayAddress = displayAddress
    self.failureDetail = failureDetail
  }

  /// Removes the buffering handler so that held and future bytes flow to the
  /// handlers installed after it.
  ///
  /// Fails with a connection error naming the address when the peer has
  /// already closed the stream (the handler is gone with the pipeline).
  public func release() -> EventLoopFuture<Void> {
    let address = displayAddress
    let detail = failureDetail
    return channel.pipeline.removeHandler(name: PendingBytesHandler.name).flatMapErrorThrowing { error in
      let reason = detail().map { ": \($0)" } ?? ""
      throw KilnError(.connection, "\(address) closed the connection\(reason)", underlying: reason.isEmpty ? error : nil)
    }
  }
}

extension Duration {
  /// The duration as NIO's `TimeAmount`, clamped to a representable range.
  var timeAmount: TimeAmount {
    let (seconds, attoseconds) = components
    let clamped = min(max(seconds, 0), Int64(Int64.max / 1_000_000_000) - 1)
    return .nanoseconds(clamped * 1_000_000_000 + attoseconds / 1_000_000_000)
  }
}

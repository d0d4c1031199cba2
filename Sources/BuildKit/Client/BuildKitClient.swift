import GRPCCore
import GRPCNIOTransportCore
import GRPCNIOTransportHTTP2TransportServices
import KilnCore
import NIOCore
public import Transport

/// A connection to one BuildKit daemon's Control API.
///
/// Obtained only inside ``BuildKitClient/withConnection(to:timeout:_:)``,
/// which owns the connection's lifetime: the stream is closed when the body
/// returns or throws.
public struct BuildKitClient: Sendable {
  let control: Moby_Buildkit_V1_Control.Client<HTTP2ClientTransport.WrappedChannel>
  /// The address as the user gave it, for error messages.
  public let displayAddress: String
  let failureDetail: @Sendable () -> String?

  /// BuildKit's messages (a solve's status stream, a docker tarball) can be large.
  static let maxMessageBytes = 16 * 1024 * 1024

  /// Dials `dialer`, speaks gRPC over the stream and runs `body` with the client.
  ///
  /// `timeout` bounds the dial, every handshake and the daemon's first
  /// HTTP/2 frame; it does not bound the calls `body` makes.
  public static func withConnection<Result: Sendable>(
    to dialer: any StreamDialer,
    timeout: Duration = .seconds(20),
    _ body: (BuildKitClient) async throws -> Result
  ) async throws -> Result {
    let stream = try await dialer.dial(timeout: timeout)
    let ready = stream.channel.eventLoop.makePromise(of: Void.self)
    let transport: HTTP2ClientTransport.WrappedChannel
    do {
      transport = try await HTTP2ClientTransport.WrappedChannel.wrapping(
        config: .defaults { config in
          config.http2.maxFrameSize = 1 << 20
          config.connection.maxIdleTime = nil
        }
      ) { configure in
        let channel = stream.channel
        try await channel.eventLoop.submit {
          let sync = channel.pipeline.syncOperations
          try sync.addHandler(ReadyWatcher(promise: ready))
          // In front of gRPC's HTTP/2 handler: the daemon's PINGs are answered before NIOHTTP2 counts them.
          try sync.addHandler(HTTP2PingResponder(role: .client), name: HTTP2PingResponder.name)
        }.get()
        let configured = try await configure(channel).get()
        try await stream.release().get()
        return configured
      }
    } catch {
      ready.fail(error)
      try? await stream.channel.close()
      if let detail = stream.failureDetail() {
        throw KilnError(.connection, "cannot connect to \(stream.displayAddress): \(detail)")
      }
      throw KilnError(.connection, "cannot speak gRPC to \(stream.displayAddress)", underlying: error)
    }
    // Not grpc-swift's withGRPCClient: its discarding group rethrows the
    // client's "clientIsStopped" when a short body (a probe) ends before the
    // connection task got to run, failing work that succeeded. Here an error
    // of that task, never awaited, is dropped; the body's own calls report
    // any real connection failure.
    let grpc = GRPCClient(transport: transport)
    defer { stream.channel.close(promise: nil) }
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { try await grpc.runConnections() }
      defer { grpc.beginGracefulShutdown() }
      try await awaitReady(ready.futureResult, stream: stream, timeout: timeout)
      let client = BuildKitClient(
        control: Moby_Buildkit_V1_Control.Client(wrapping: grpc),
        displayAddress: stream.displayAddress,
        failureDetail: stream.failureDetail
      )
      return try await body(client)
    }
  }

  private static func awaitReady(_ ready: EventLoopFuture<Void>, stream: DialedStream, timeout: Duration) async throws {
    enum Outcome: Sendable { case ready, failed(any Error), timedOut }
    let deadline = ContinuousClock.now + timeout
    let outcome = await withTaskGroup(of: Outcome.self) { group in
      group.addTask {
        do {
          try await ready.get()
          return .ready
        } catch {
          return ContinuousClock.now >= deadline ? .timedOut : .failed(error)
        }
      }
      group.addTask {
        try? await Task.sleep(until: deadline)
        // Closing fails the ready future, so the group can finish.
        if !Task.isCancelled { stream.channel.close(promise: nil) }
        return .timedOut
      }
      defer { group.cancelAll() }
      return await group.next() ?? .timedOut
    }
    switch outcome {
    case .ready: return
    case .failed(let error):
      try? await stream.channel.close()
      let detail = stream.failureDetail().map { ": \($0)" } ?? ""
      throw KilnError(.connection, "cannot connect to \(stream.displayAddress): the connection closed before BuildKit answered\(detail)", underlying: detail.isEmpty ? error : nil)
    case .timedOut:
      try? await stream.channel.close()
      throw KilnError(.timeout, "cannot connect to \(stream.displayAddress): no answer from BuildKit within \(timeout.shortDescription)")
    }
  }

  /// Wraps a failed call with what the user needs: the address, the call, and the daemon's words.
  func failure(_ call: String, _ error: any Error) -> KilnError {
    if let kiln = error as? KilnError { return kiln }
    if let rpc = error as? RPCError {
      var message = rpc.message
      if rpc.code == .unavailable, let detail = failureDetail() { message += ": " + detail }
      let code: KilnError.Code = rpc.code == .unimplemented ? .unsupported : (rpc.code == .unavailable ? .connection : .daemon)
      return KilnError(code, "\(call) on \(displayAddress) failed: \(message)")
    }
    return KilnError(.daemon, "\(call) on \(displayAddress) failed", underlying: error)
  }

  /// Per-call options: BuildKit replies can exceed gRPC's 4 MiB default.
  var options: CallOptions {
    var options = CallOptions.defaults
    options.maxResponseMessageBytes = Self.maxMessageBytes
    options.maxRequestMessageBytes = Self.maxMessageBytes
    return options
  }
}

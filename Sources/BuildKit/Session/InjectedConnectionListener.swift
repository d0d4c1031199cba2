#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GRPCNIOTransportCore
import KilnCore
import NIOCore
import NIOPosix
import Transport

/// A gRPC "listener" that accepts exactly one connection: a stream Kiln
/// dialed itself (the engine's hijacked `/session` socket), on which the
/// daemon is the HTTP/2 client and Kiln the server.
///
/// grpc-swift's custom server transport wants a server channel whose reads
/// are accepted connections. A socketpair end that never carries data stands
/// in for it; the dialed stream is pushed through its pipeline as if
/// accepted, and closing the stream closes the stand-in, ending `listen`.
struct InjectedConnectionListener: HTTP2ServerTransport.ListenerFactory {
  let stream: DialedStream

  var eventLoopGroup: any EventLoopGroup { stream.channel.eventLoop }

  func makeListeningChannel(
    listenerConfigurator: HTTP2ServerTransport.ListenerConfigurator,
    connectionConfigurator: HTTP2ServerTransport.ConnectionConfigurator
  ) async throws -> NIOAsyncChannel<HTTP2ServerTransport.ConnectionConfigurator.ConnectionChannel, Never> {
    var fds: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
      throw KilnError(.io, "cannot create the session's placeholder socket: \(String(cString: strerror(errno)))")
    }
    let peer = fds[1]
    let connection = stream.channel
    let placeholder: any Channel
    do {
      placeholder = try await ClientBootstrap(group: connection.eventLoop).withConnectedSocket(fds[0]).get()
    } catch {
      close(fds[0])
      close(peer)
      throw KilnError(.io, "cannot set up the session listener", underlying: error)
    }
    placeholder.closeFuture.whenComplete { _ in close(peer) }
    connection.closeFuture.whenComplete { _ in placeholder.close(promise: nil) }

    // Pipelines are configured on their event loop.
    let listener = try await connection.eventLoop.flatSubmit {
      listenerConfigurator.configure(channel: placeholder).flatMapThrowing {
        try placeholder.pipeline.syncOperations.addHandler(AcceptInjectedHandler(configurator: connectionConfigurator))
        return try NIOAsyncChannel<HTTP2ServerTransport.ConnectionConfigurator.ConnectionChannel, Never>(
          wrappingChannelSynchronously: placeholder
        )
      }
    }.get()

    // gRPC's handlers go in first; only then may the held bytes (the daemon's preface) flow.
    try await connection.eventLoop.submit {
      placeholder.pipeline.fireChannelRead(NIOAny(connection))
      placeholder.pipeline.fireChannelReadComplete()
    }.get()
    try await stream.release().get()
    return listener
  }
}

/// Turns an "accepted" channel into gRPC's configured connection on the listener's pipeline.
final class AcceptInjectedHandler: ChannelInboundHandler {
  typealias InboundIn = any Channel
  typealias InboundOut = HTTP2ServerTransport.ConnectionConfigurator.ConnectionChannel

  let configurator: HTTP2ServerTransport.ConnectionConfigurator

  init(configurator: HTTP2ServerTransport.ConnectionConfigurator) {
    self.configurator = configurator
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let child = unwrapInboundIn(data)
    // In front of gRPC's HTTP/2 handler (behind the bytes held since the
    // handshake): the daemon's PINGs are answered before NIOHTTP2 counts them.
    do {
      let sync = child.pipeline.syncOperations
      let held = try? sync.context(name: PendingBytesHandler.name)
      try sync.addHandler(HTTP2PingResponder(), name: HTTP2PingResponder.name, position: held.map { .after($0.handler) } ?? .first)
      // A watermark above the daemon's HTTP/2 flow-control window (Go's grows
      // to 16 MiB) keeps the channel writable: NIOHTTP2 then never buffers
      // control frames, whose interplay with writability flips (the PING acks
      // written in front of it add to them) trips its "flush data frames while
      // buffering control frames" assertion. Memory stays bounded all the
      // same: the file sync waits while this socket has more than a few MiB
      // queued (OutboundPacing).
      try child.syncOptions?.setOption(ChannelOptions.writeBufferWaterMark, value: ChannelOptions.Types.WriteBufferWaterMark(low: 16 << 20, high: 32 << 20))
    } catch {
      context.fireErrorCaught(error)
      child.close(promise: nil)
      return
    }
    // Both channels share one event loop, so the configured future is already complete.
    let configured = configurator.configure(channel: child, tls: .none)
    let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
    configured.whenComplete { result in
      switch result {
      case .success(let connection):
        bound.value.fireChannelRead(NIOAny(connection))
      case .failure(let error):
        bound.value.fireErrorCaught(error)
        child.close(promise: nil)
      }
    }
  }
}

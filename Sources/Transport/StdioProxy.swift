import KilnCore
import NIOCore
import NIOPosix

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Joins a dialed stream to this process's stdin and stdout, as
/// `buildctl dial-stdio` does: bytes flow both ways until either side ends.
public enum StdioProxy {
  public static func run(_ stream: DialedStream) async throws {
    let remote = stream.channel
    let input = dup(STDIN_FILENO), output = dup(STDOUT_FILENO)
    guard input >= 0, output >= 0 else { throw KilnError(.io, "cannot duplicate stdin/stdout") }
    let (toRemote, toLocal) = GlueHandler.pair()
    // Known now, so stdin's first bytes can be written before `toLocal` joins the remote pipeline.
    toLocal.channel = remote
    let local: any Channel
    do {
      // The handler goes in before the first read: stdin's first bytes (the
      // HTTP/2 preface) would otherwise reach the pipeline's end and be dropped.
      local = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelOption(.allowRemoteHalfClosure, value: true)
        // Stdin is read only once the remote side is wired up (below), so an
        // early end of input cannot close the stream before its held bytes are out.
        .channelOption(.autoRead, value: false)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(toRemote) }
        }
        .takingOwnershipOfDescriptors(input: input, output: output)
        .get()
    } catch {
      close(input)
      close(output)
      throw KilnError(.io, "cannot attach stdin/stdout", underlying: error)
    }
    do {
      try await remote.pipeline.addHandler(toLocal).get()
      try await stream.release().get()
    } catch {
      try? await local.close()
      throw KilnError(.connection, "\(stream.displayAddress) closed before the proxy started", underlying: error)
    }
    // The daemon may already have said all it had and closed; that is not an error here.
    try? await local.setOption(.autoRead, value: true).get()
    // Done when the daemon's side closes; stdin's end only half-closes the stream.
    try? await remote.closeFuture.get()
    try? await local.close()
  }
}

/// Forwards everything read on one channel to its partner.
final class GlueHandler: ChannelInboundHandler, @unchecked Sendable {
  typealias InboundIn = ByteBuffer

  private var partner: GlueHandler?
  /// Kept so the partner, on another event loop, writes through the
  /// thread-safe `Channel` API rather than this handler's context.
  var channel: (any Channel)?

  static func pair() -> (GlueHandler, GlueHandler) {
    let a = GlueHandler(), b = GlueHandler()
    a.partner = b
    b.partner = a
    return (a, b)
  }

  func handlerAdded(context: ChannelHandlerContext) { channel = context.channel }

  private func write(_ buffer: ByteBuffer) {
    channel?.writeAndFlush(buffer, promise: nil)
  }

  private func closeOutput() {
    channel?.close(mode: .output, promise: nil)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    partner?.write(unwrapInboundIn(data))
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case ChannelEvent.inputClosed = event { partner?.closeOutput() }
    context.fireUserInboundEventTriggered(event)
  }

  func channelInactive(context: ChannelHandlerContext) {
    partner?.closeOutput()
    context.fireChannelInactive()
  }
}

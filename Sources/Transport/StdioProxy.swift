import KilnCore
import NIOCore
import NIOPosix
import Synchronization

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
    // The daemon's side is wired and released first: stdin may already hold all
    // its input and its end (a caller that wrote and closed before we started),
    // and that end must not half-close the stream before the held bytes are out.
    // What the daemon says before stdout is attached waits in `toRemote`.
    do {
      try await remote.pipeline.addHandler(toLocal).get()
      try await stream.release().get()
    } catch {
      close(input)
      close(output)
      throw KilnError(.connection, "\(stream.displayAddress) closed before the proxy started", underlying: error)
    }
    let local: any Channel
    do {
      local = try await NIOPipeBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelOption(.allowRemoteHalfClosure, value: true)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(toRemote) }
        }
        .takingOwnershipOfDescriptors(input: input, output: output)
        .get()
    } catch {
      close(input)
      close(output)
      try? await remote.close()
      throw KilnError(.io, "cannot attach stdin/stdout", underlying: error)
    }
    // Done when the daemon's side closes; stdin's end only half-closes the stream.
    try? await remote.closeFuture.get()
    try? await local.close()
  }
}

/// Forwards everything read on one channel to its partner's channel; what
/// arrives before the partner's channel exists is kept and written then.
final class GlueHandler: ChannelInboundHandler, Sendable {
  typealias InboundIn = ByteBuffer

  private struct State {
    var channel: (any Channel)?
    var pending: [ByteBuffer] = []
    var closeOutputPending = false
  }

  private let state = Mutex(State())
  private let partner = Mutex<GlueHandler?>(nil)

  static func pair() -> (GlueHandler, GlueHandler) {
    let a = GlueHandler(), b = GlueHandler()
    a.partner.withLock { $0 = b }
    b.partner.withLock { $0 = a }
    return (a, b)
  }

  func handlerAdded(context: ChannelHandlerContext) {
    let channel = context.channel
    let (pending, closeOutput) = state.withLock { state in
      state.channel = channel
      defer { state.pending = [] }
      return (state.pending, state.closeOutputPending)
    }
    for buffer in pending { channel.write(buffer, promise: nil) }
    if !pending.isEmpty { channel.flush() }
    if closeOutput { channel.close(mode: .output, promise: nil) }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    // Breaks the pair's reference cycle once a side is done.
    partner.withLock { $0 = nil }
  }

  /// Written through the thread-safe `Channel` API: the partner runs on another event loop.
  private func write(_ buffer: ByteBuffer) {
    let channel = state.withLock { state -> (any Channel)? in
      if state.channel == nil { state.pending.append(buffer) }
      return state.channel
    }
    channel?.writeAndFlush(buffer, promise: nil)
  }

  private func closeOutput() {
    let channel = state.withLock { state -> (any Channel)? in
      if state.channel == nil { state.closeOutputPending = true }
      return state.channel
    }
    channel?.close(mode: .output, promise: nil)
  }

  private var other: GlueHandler? { partner.withLock { $0 } }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    other?.write(unwrapInboundIn(data))
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case ChannelEvent.inputClosed = event { other?.closeOutput() }
    context.fireUserInboundEventTriggered(event)
  }

  func channelInactive(context: ChannelHandlerContext) {
    other?.closeOutput()
    context.fireChannelInactive()
  }
}

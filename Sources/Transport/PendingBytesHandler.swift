public import NIOCore

/// Holds inbound bytes until it is removed from the pipeline, then passes
/// them on in order.
///
/// Handshakes (an HTTP upgrade, a TLS session) often read the first bytes of
/// the next protocol in the same read as their own end; the engine's HTTP/2
/// SETTINGS frame arrives with its `101 Switching Protocols`. Holding them
/// here means nothing is lost while the next protocol's handlers are added.
public final class PendingBytesHandler: ChannelInboundHandler, RemovableChannelHandler {
  public typealias InboundIn = ByteBuffer
  public typealias InboundOut = ByteBuffer

  public static let name = "kiln.pending-bytes"

  private var held: [ByteBuffer] = []
  private var closedWhileHolding = false

  public init(initial: ByteBuffer? = nil) {
    if let initial, initial.readableBytes > 0 { held.append(initial) }
  }

  /// Hands over what is held so far, for a handshake handler inserted in
  /// front of this one after the peer already spoke.
  func takeHeld() -> [ByteBuffer] {
    defer { held = [] }
    return held
  }

  public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    held.append(unwrapInboundIn(data))
  }

  public func channelInactive(context: ChannelHandlerContext) {
    // Delivered after the held bytes, when the handler leaves the pipeline.
    closedWhileHolding = true
  }

  public func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
    let pending = held
    held = []
    for buffer in pending {
      context.fireChannelRead(wrapInboundOut(buffer))
    }
    if !pending.isEmpty { context.fireChannelReadComplete() }
    if closedWhileHolding { context.fireChannelInactive() }
    context.leavePipeline(removalToken: removalToken)
  }
}


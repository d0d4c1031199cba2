import NIOCore

/// Completes a promise when the daemon first speaks (its HTTP/2 SETTINGS),
/// so a peer that accepts and then says nothing fails within the dial
/// timeout instead of hanging the first call. It then removes itself.
final class ReadyWatcher: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  private let promise: EventLoopPromise<Void>
  private var done = false

  init(promise: EventLoopPromise<Void>) { self.promise = promise }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.fireChannelRead(data)
    if !done {
      done = true
      promise.succeed(())
      // Only after forwarding: a removed context no longer reaches the next handler.
      context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if !done {
      done = true
      promise.fail(error)
    }
    context.fireErrorCaught(error)
  }

  func channelInactive(context: ChannelHandlerContext) {
    if !done {
      done = true
      promise.fail(ChannelError.eof)
    }
    context.fireChannelInactive()
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    if !done {
      done = true
      promise.fail(ChannelError.ioOnClosedChannel)
    }
  }
}

import NIOCore
import NIOTLS
import Synchronization

/// Completes a promise once the handshake below it in the pipeline is done.
///
/// Sits just before ``PendingBytesHandler`` while dialing: for TLS it waits
/// for the handshake-completed event; errors and early closes become a
/// failed promise rather than a silently dead channel. It is removed when
/// dialing ends.
final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  static let name = "kiln.handshake-watcher"

  enum Wait { case active, tlsHandshake }

  private let wait: Wait
  private let promise: EventLoopPromise<Void>
  private let firstError: FirstError
  private var done = false

  /// `firstError` keeps the first error seen, even after the handshake: a TLS
  /// peer that refuses our certificate says so just after the handshake ends.
  init(wait: Wait, promise: EventLoopPromise<Void>, firstError: FirstError) {
    self.wait = wait
    self.promise = promise
    self.firstError = firstError
  }

  private func finish(_ result: Result<Void, any Error>) {
    guard !done else { return }
    done = true
    promise.completeWith(result)
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if wait == .active, context.channel.isActive { finish(.success(())) }
  }

  func channelActive(context: ChannelHandlerContext) {
    if wait == .active { finish(.success(())) }
    context.fireChannelActive()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if wait == .tlsHandshake, case TLSUserEvent.handshakeCompleted = event {
      finish(.success(()))
    }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    firstError.record(error)
    finish(.failure(error))
    context.fireErrorCaught(error)
  }

  func channelInactive(context: ChannelHandlerContext) {
    finish(.failure(ChannelError.eof))
    context.fireChannelInactive()
  }
}

/// The first error a connection saw, readable after its pipeline is gone.
final class FirstError: Sendable {
  private let error = Mutex<(any Error)?>(nil)

  func record(_ new: any Error) {
    error.withLock { if $0 == nil { $0 = new } }
  }

  var value: (any Error)? { error.withLock { $0 } }
}

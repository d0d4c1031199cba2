import Foundation
import NIOCore

/// With `KILN_DEBUG_SESSION` set, prints errors seen on the session connection (diagnostics only).
final class SessionErrorLogger: ChannelInboundHandler, Sendable {
  typealias InboundIn = Any
  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    FileHandle.standardError.write(Data("session connection error: \(error)\n".utf8))
    context.fireErrorCaught(error)
  }
}

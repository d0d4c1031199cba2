import NIOCore

/// Answers the daemon's HTTP/2 PINGs in front of NIOHTTP2, on the raw bytes
/// of the session connection and of the Control client connection.
///
/// Why: Go's gRPC client estimates bandwidth by sending a PING with every
/// burst of DATA it receives, hundreds a second while a context streams.
/// NIOHTTP2 counts inbound PING and SETTINGS frames as a denial-of-service
/// risk and, past 200 in 30 s, ends the connection with GOAWAY
/// (ENHANCE_YOUR_CALM); Go then fails the DiffCopy with "the connection is
/// draining". The Control connection gets them too when the session rides
/// `Control.Session`: each small message Kiln sends through the tunnel (a
/// WINDOW_UPDATE of the session's own HTTP/2) draws a PING from the daemon.
/// grpc-swift's transports offer no way to raise that limit, so PINGs are
/// acknowledged here and never reach it. Everything else
/// (PING ACKs included) passes through unchanged, without copying.
///
/// It reads frame boundaries in both directions: inbound to find PINGs, and
/// outbound so an ACK is only ever written between two frames.
final class HTTP2PingResponder: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  typealias OutboundIn = IOData
  typealias OutboundOut = IOData

  static let name = "kiln.h2-ping-responder"
  private static let frameHeaderLength = 9
  private static let pingType: UInt8 = 6
  private static let ackFlag: UInt8 = 1

  /// Which end of the connection Kiln is: the client's 24-byte connection
  /// preface comes before the first frame, inbound on a server, outbound on a client.
  enum Role { case server, client }

  /// Inbound bytes still to pass before the next frame header.
  private var inboundSkip: Int
  /// An inbound frame header (or a whole PING) split across reads.
  private var carry: ByteBuffer?

  /// Outbound bytes left in the frame being written, and a header split across writes.
  private var outboundSkip: Int
  private var outboundHeader: [UInt8] = []
  /// PING payloads received but not yet acknowledged.
  private var pendingAcks: [UInt64] = []
  /// Whether a task to write the acks is queued on the event loop.
  private var ackTaskQueued = false
  private var removed = false

  init(role: Role = .server) {
    inboundSkip = role == .server ? 24 : 0
    outboundSkip = role == .client ? 24 : 0
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var work = unwrapInboundIn(data)
    if var held = carry {
      carry = nil
      held.writeBuffer(&work)
      work = held
    }
    var segmentStart = work.readerIndex
    var index = work.readerIndex
    let end = work.writerIndex
    var acks: [UInt64] = []
    while index < end {
      if inboundSkip > 0 {
        let n = min(inboundSkip, end - index)
        inboundSkip -= n
        index += n
        continue
      }
      guard end - index >= Self.frameHeaderLength,
        let l0 = work.getInteger(at: index, as: UInt8.self),
        let l12 = work.getInteger(at: index + 1, as: UInt16.self),
        let type = work.getInteger(at: index + 3, as: UInt8.self),
        let flags = work.getInteger(at: index + 4, as: UInt8.self),
        let stream = work.getInteger(at: index + 5, as: UInt32.self)
      else { break }
      let length = Int(l0) << 16 | Int(l12)
      // Only a well-formed PING is answered here; a malformed one is NIOHTTP2's to refuse.
      if type == Self.pingType, flags & Self.ackFlag == 0, stream == 0, length == 8 {
        guard end - index >= Self.frameHeaderLength + 8 else { break }
        acks.append(work.getInteger(at: index + Self.frameHeaderLength, as: UInt64.self) ?? 0)
        if index > segmentStart, let slice = work.getSlice(at: segmentStart, length: index - segmentStart) {
          context.fireChannelRead(wrapInboundOut(slice))
        }
        index += Self.frameHeaderLength + 8
        segmentStart = index
        continue
      }
      index += Self.frameHeaderLength
      inboundSkip = length
    }
    if index > segmentStart, let slice = work.getSlice(at: segmentStart, length: index - segmentStart) {
      context.fireChannelRead(wrapInboundOut(slice))
    }
    if index < end { carry = work.getSlice(at: index, length: end - index) }
    if !acks.isEmpty {
      pendingAcks += acks
      scheduleAcks(context: context)
    }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    removed = true
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    let io = unwrapOutboundIn(data)
    switch io {
    case .byteBuffer(let buffer): trackOutbound(buffer)
    case .fileRegion(let region): outboundSkip = max(0, outboundSkip - region.readableBytes)
    }
    context.write(data, promise: promise)
    if !pendingAcks.isEmpty { scheduleAcks(context: context) }
  }

  /// Follows outbound frame boundaries: NIOHTTP2 may write a frame's header and payload separately.
  private func trackOutbound(_ buffer: ByteBuffer) {
    var index = buffer.readerIndex
    let end = buffer.writerIndex
    while index < end {
      if outboundSkip > 0 {
        let n = min(outboundSkip, end - index)
        outboundSkip -= n
        index += n
        continue
      }
      outboundHeader.append(buffer.getInteger(at: index, as: UInt8.self) ?? 0)
      index += 1
      if outboundHeader.count == Self.frameHeaderLength {
        outboundSkip = Int(outboundHeader[0]) << 16 | Int(outboundHeader[1]) << 8 | Int(outboundHeader[2])
        outboundHeader.removeAll(keepingCapacity: true)
      }
    }
  }

  /// Acks are written from a task of their own on the event loop, never from
  /// inside a read or a write that NIOHTTP2 is part of: writing (and the
  /// writability change it may cause) in the middle of NIOHTTP2's own write
  /// breaks its invariants ("flush data frames while buffering control frames").
  private func scheduleAcks(context: ChannelHandlerContext) {
    guard !ackTaskQueued else { return }
    ackTaskQueued = true
    let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
    context.eventLoop.execute {
      let (handler, context) = loopBound.value
      handler.ackTaskQueued = false
      guard !handler.removed, !handler.pendingAcks.isEmpty else { return }
      handler.writePendingAcks(context: context)
    }
  }

  /// Writes the acks when the outbound stream is between frames; otherwise
  /// the next write that ends a frame queues them again.
  private func writePendingAcks(context: ChannelHandlerContext) {
    guard outboundSkip == 0, outboundHeader.isEmpty else { return }
    var frames = context.channel.allocator.buffer(capacity: pendingAcks.count * (Self.frameHeaderLength + 8))
    for payload in pendingAcks {
      frames.writeInteger(UInt8(0))
      frames.writeInteger(UInt16(8))
      frames.writeInteger(Self.pingType)
      frames.writeInteger(Self.ackFlag)
      frames.writeInteger(UInt32(0))
      frames.writeInteger(payload)
    }
    pendingAcks.removeAll()
    context.writeAndFlush(wrapOutboundOut(.byteBuffer(frames)), promise: nil)
  }
}

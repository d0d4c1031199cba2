import Foundation
import NIOCore

/// With `KILN_DEBUG_SESSION=frames`, prints the HTTP/2 frames of the session
/// connection in both directions as they cross the socket (diagnostics only):
/// type, flags, stream, length, and for control frames their payload.
/// DATA frames are summarised per stream to keep the log readable.
final class HTTP2FrameTracer: ChannelDuplexHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private struct Direction {
    let label: String
    var buffer = ByteBuffer()
    var skipPreface: Int
    var data: [UInt32: (frames: Int, bytes: Int)] = [:]
  }

  private var inbound = Direction(label: "<-", skipPreface: 24)
  private var outbound = Direction(label: "->", skipPreface: 0)
  private let start = ContinuousClock.now

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var bytes = unwrapInboundIn(data)
    inbound.buffer.writeBuffer(&bytes)
    parse(&inbound)
    context.fireChannelRead(data)
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    var bytes = unwrapOutboundIn(data)
    outbound.buffer.writeBuffer(&bytes)
    parse(&outbound)
    context.write(data, promise: promise)
  }

  func channelInactive(context: ChannelHandlerContext) {
    flushData(&inbound)
    flushData(&outbound)
    log("connection closed")
    context.fireChannelInactive()
  }

  private func parse(_ d: inout Direction) {
    if d.skipPreface > 0 {
      let n = min(d.skipPreface, d.buffer.readableBytes)
      d.buffer.moveReaderIndex(forwardBy: n)
      d.skipPreface -= n
    }
    while d.buffer.readableBytes >= 9 {
      let start = d.buffer.readerIndex
      guard let l0 = d.buffer.getInteger(at: start, as: UInt8.self),
        let l12 = d.buffer.getInteger(at: start + 1, as: UInt16.self),
        let type = d.buffer.getInteger(at: start + 3, as: UInt8.self),
        let flags = d.buffer.getInteger(at: start + 4, as: UInt8.self),
        let stream = d.buffer.getInteger(at: start + 5, as: UInt32.self)
      else { return }
      let length = Int(l0) << 16 | Int(l12)
      guard d.buffer.readableBytes >= 9 + length else { return }
      let payload = d.buffer.getSlice(at: start + 9, length: length) ?? ByteBuffer()
      d.buffer.moveReaderIndex(forwardBy: 9 + length)
      let id = stream & 0x7fff_ffff
      if type == 0 {
        var sum = d.data[id] ?? (0, 0)
        sum.frames += 1
        sum.bytes += length
        d.data[id] = sum
        if flags & 1 != 0 { flushData(&d, stream: id, note: " END_STREAM") }
        continue
      }
      flushData(&d)
      log("\(d.label) \(Self.describe(type: type, flags: flags, stream: id, payload: payload))")
    }
    if d.buffer.readerIndex > 1 << 20 { d.buffer.discardReadBytes() }
  }

  private func flushData(_ d: inout Direction, stream: UInt32? = nil, note: String = "") {
    for (id, sum) in d.data.sorted(by: { $0.key < $1.key }) where stream == nil || stream == id {
      log("\(d.label) DATA stream=\(id) frames=\(sum.frames) bytes=\(sum.bytes)\(note)")
      d.data[id] = nil
    }
  }

  private func log(_ line: String) {
    let elapsed = ContinuousClock.now - start
    let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    FileHandle.standardError.write(Data("h2 \(ms)ms \(line)\n".utf8))
  }

  static func describe(type: UInt8, flags: UInt8, stream: UInt32, payload: ByteBuffer) -> String {
    var p = payload
    func u32() -> UInt32 { p.readInteger(as: UInt32.self) ?? 0 }
    switch type {
    case 1: return "HEADERS stream=\(stream) flags=\(flags) len=\(payload.readableBytes)"
    case 3: return "RST_STREAM stream=\(stream) code=\(u32())"
    case 4:
      if flags & 1 != 0 { return "SETTINGS ACK" }
      var items: [String] = []
      while p.readableBytes >= 6 {
        let key = p.readInteger(as: UInt16.self) ?? 0
        items.append("\(key)=\(u32())")
      }
      return "SETTINGS \(items.joined(separator: " "))"
    case 6:
      let data = p.readInteger(as: UInt64.self) ?? 0
      return "PING\(flags & 1 != 0 ? " ACK" : "") data=\(data)"
    case 7:
      let last = u32() & 0x7fff_ffff
      let code = u32()
      let debug = p.readString(length: p.readableBytes) ?? ""
      return "GOAWAY last=\(last) code=\(code) debug=\(debug)"
    case 8: return "WINDOW_UPDATE stream=\(stream) increment=\(u32() & 0x7fff_ffff)"
    default: return "frame type=\(type) stream=\(stream) flags=\(flags) len=\(payload.readableBytes)"
    }
  }
}

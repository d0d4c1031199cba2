import NIOCore
import NIOEmbedded
import Testing

@testable import BuildKit

/// PINGs answered in front of NIOHTTP2, on raw HTTP/2 bytes, for both ends
/// of a connection: never forwarded, acknowledged with their payload, and
/// written only between whole frames (after the client preface on a client).
struct HTTP2PingResponderTests {
  static func frame(type: UInt8, flags: UInt8 = 0, stream: UInt32 = 0, payload: [UInt8] = []) -> [UInt8] {
    let n = payload.count
    return [UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff), type, flags]
      + [UInt8(stream >> 24 & 0xff), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)] + payload
  }
  static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
  static let pingPayload: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]

  static func outbound(_ channel: EmbeddedChannel) throws -> [UInt8] {
    var bytes: [UInt8] = []
    while let data = try channel.readOutbound(as: IOData.self) {
      if case .byteBuffer(let buffer) = data { bytes += buffer.readableBytesView }
    }
    return bytes
  }

  static func inbound(_ channel: EmbeddedChannel) throws -> [UInt8] {
    var bytes: [UInt8] = []
    while let buffer = try channel.readInbound(as: ByteBuffer.self) { bytes += buffer.readableBytesView }
    return bytes
  }

  @Test func clientAnswersAfterItsPrefaceAndForwardsTheRest() throws {
    let channel = EmbeddedChannel(handler: HTTP2PingResponder(role: .client))
    let settings = Self.frame(type: 4)
    let ping = Self.frame(type: 6, payload: Self.pingPayload)
    let data = Self.frame(type: 0, stream: 1, payload: [9, 9, 9])
    // The daemon's SETTINGS and a PING, the PING split across reads, before the client wrote anything.
    let incoming = settings + ping + data
    try channel.writeInbound(ByteBuffer(bytes: incoming[..<(settings.count + 5)]))
    try channel.writeInbound(ByteBuffer(bytes: incoming[(settings.count + 5)...]))
    channel.embeddedEventLoop.run()
    #expect(try Self.inbound(channel) == settings + data)
    #expect(try Self.outbound(channel).isEmpty, "an ack before the client preface would corrupt the stream")
    // The preface, then a frame written in two pieces: the ack follows the whole frame.
    let ours = Self.frame(type: 4, payload: [0, 3, 0, 0, 0, 100])
    try channel.writeOutbound(IOData.byteBuffer(ByteBuffer(bytes: Self.preface + ours[..<4])))
    try channel.writeOutbound(IOData.byteBuffer(ByteBuffer(bytes: ours[4...])))
    channel.embeddedEventLoop.run()
    #expect(try Self.outbound(channel) == Self.preface + ours + Self.frame(type: 6, flags: 1, payload: Self.pingPayload))
  }

  @Test func serverSkipsTheClientPrefaceInbound() throws {
    let channel = EmbeddedChannel(handler: HTTP2PingResponder(role: .server))
    let ping = Self.frame(type: 6, payload: Self.pingPayload)
    let ack = Self.frame(type: 6, flags: 1, payload: Self.pingPayload)
    try channel.writeInbound(ByteBuffer(bytes: Self.preface + ping + ack))
    channel.embeddedEventLoop.run()
    // The preface and the (already acknowledged) ACK pass; the PING does not.
    #expect(try Self.inbound(channel) == Self.preface + ack)
    #expect(try Self.outbound(channel) == ack)
  }
}

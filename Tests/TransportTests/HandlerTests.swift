import KilnCore
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

@testable import Transport

struct HTTPUpgradeHandlerTests {
  @Test func keepsBytesThatArriveWithTheSwitch() throws {
    let channel = EmbeddedChannel()
    let promise = channel.eventLoop.makePromise(of: Void.self)
    try channel.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
    try channel.pipeline.syncOperations.addHandler(HTTPUpgradeHandler(path: "/grpc", headers: [HTTPHeader("X-A", "b")], promise: promise))
    try channel.pipeline.syncOperations.addHandler(PendingBytesHandler(), name: PendingBytesHandler.name)

    let request = try #require(try channel.readOutbound(as: ByteBuffer.self))
    let text = String(buffer: request)
    #expect(text.hasPrefix("POST /grpc HTTP/1.1\r\n"))
    #expect(text.contains("Upgrade: h2c\r\n"))
    #expect(text.contains("X-A: b\r\n"))
    #expect(text.hasSuffix("\r\n\r\n"))

    // The head and the first HTTP/2 bytes in one read, then more.
    try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\nSETTINGS"))
    try channel.writeInbound(ByteBuffer(string: "-MORE"))
    try promise.futureResult.wait()
    #expect(try channel.readInbound(as: ByteBuffer.self) == nil, "held until released")
    try channel.pipeline.removeHandler(name: PendingBytesHandler.name).wait()
    var received = ""
    while let buffer = try channel.readInbound(as: ByteBuffer.self) { received += String(buffer: buffer) }
    #expect(received == "SETTINGS-MORE")
  }

  @Test func reportsTheEngineMessageOnRefusal() throws {
    let channel = EmbeddedChannel()
    let promise = channel.eventLoop.makePromise(of: Void.self)
    try channel.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
    try channel.pipeline.syncOperations.addHandler(HTTPUpgradeHandler(path: "/grpc", headers: [], promise: promise))
    let body = #"{"message":"page not found"}"#
    try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 404 Not Found\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"))
    #expect {
      try promise.futureResult.wait()
    } throws: { error in
      (error as? KilnError)?.message == "the engine refused the BuildKit upgrade (404 Not Found): page not found"
    }
  }
}

struct DeadlineTests {
  /// The race behind a hang seen in CI: the peer (a TLS server refusing our
  /// certificate) hangs up before the upgrade handler is installed.
  @Test func upgradeOnAClosedChannelFailsAtOnce() throws {
    let channel = EmbeddedChannel()
    let promise = channel.eventLoop.makePromise(of: Void.self)
    try channel.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
    try channel.close().wait()
    try channel.pipeline.syncOperations.addHandler(HTTPUpgradeHandler(path: "/grpc", headers: [], promise: promise))
    #expect {
      try promise.futureResult.wait()
    } throws: { error in
      (error as? KilnError)?.message == "the engine closed the connection before answering the upgrade"
    }
  }

  /// A promise that nobody completes still ends in a timeout error.
  @Test func deadlineEndsAWaitNobodyAnswers() async throws {
    let channel = NIOAsyncTestingChannel()
    // A real loop: the testing loop's clock only moves when told to.
    let never = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Int.self)
    await #expect {
      try await withDeadline(.milliseconds(50), on: channel, what: "the answer", waitingFor: never.futureResult)
    } throws: { error in
      (error as? KilnError)?.message == "the answer timed out after 50ms"
    }
    never.succeed(1)
  }
}

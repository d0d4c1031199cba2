import KilnCore
import NIOCore

/// Reaches the BuildKit embedded in a Docker Engine: `POST /grpc` with
/// `Upgrade: h2c` on the engine's API stream, after which the stream speaks
/// HTTP/2 gRPC to the engine's BuildKit.
public struct DockerHijackDialer: StreamDialer {
  /// How to reach the engine API itself (unix socket, TCP/TLS, `ssh` process).
  public let engine: any StreamDialer
  /// The upgrade path; the engine also accepts a versioned `/v1.41/grpc`.
  public let path: String
  public let headers: [HTTPHeader]

  public init(engine: any StreamDialer, path: String = "/grpc", headers: [HTTPHeader] = []) {
    self.engine = engine
    self.path = path
    self.headers = headers
  }

  public var displayAddress: String { "docker engine at \(engine.displayAddress)" }

  public func dial(timeout: Duration) async throws -> DialedStream {
    let stream = try await engine.dial(timeout: timeout)
    let channel = stream.channel
    let upgraded = channel.eventLoop.makePromise(of: Void.self)
    do {
      let (path, headers) = (self.path, self.headers)
      try await channel.eventLoop.submit {
        let sync = channel.pipeline.syncOperations
        let pending = try sync.handler(type: PendingBytesHandler.self)
        let early = pending.takeHeld()
        try sync.addHandler(HTTPUpgradeHandler(path: path, headers: headers, promise: upgraded, early: early), position: .before(pending))
      }.get()
      try await withDeadline(timeout, on: channel, what: "the engine's HTTP upgrade", waitingFor: upgraded.futureResult)
    } catch {
      upgraded.fail(error)
      try? await channel.close()
      // A helper process (ssh) explains its own failures better than a closed stream does.
      if let detail = stream.failureDetail() {
        throw KilnError(.connection, "cannot reach BuildKit through \(displayAddress): \(detail)")
      }
      throw KilnError(.connection, "cannot reach BuildKit through \(displayAddress)", underlying: TLSErrorText(error))
    }
    return DialedStream(channel: channel, displayAddress: displayAddress, failureDetail: stream.failureDetail)
  }
}

/// One extra request header for an HTTP upgrade (the session endpoint needs several).
public struct HTTPHeader: Sendable, Equatable {
  public var name: String
  public var value: String
  public init(_ name: String, _ value: String) {
    self.name = name
    self.value = value
  }
}

/// Sends an HTTP/1.1 upgrade request and waits for `101 Switching Protocols`.
///
/// After the switch it passes every byte on unchanged, the first of which may
/// have arrived in the same read as the response head.
final class HTTPUpgradeHandler: ChannelDuplexHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private enum State { case waitingForHead, readingErrorBody(status: String, expected: Int?), upgraded, failed }

  private let path: String
  private let headers: [HTTPHeader]
  private let promise: EventLoopPromise<Void>
  private var state = State.waitingForHead
  private var received = ByteBuffer()
  private static let maxHeadBytes = 64 * 1024

  private var early: [ByteBuffer]

  /// `early` holds bytes the peer sent before this handler was installed.
  init(path: String, headers: [HTTPHeader], promise: EventLoopPromise<Void>, early: [ByteBuffer] = []) {
    self.path = path
    self.headers = headers
    self.promise = promise
    self.early = early
  }

  func handlerAdded(context: ChannelHandlerContext) {
    var head = "POST \(path) HTTP/1.1\r\nHost: docker\r\nUser-Agent: kiln\r\n"
    head += "Connection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 0\r\n"
    for header in headers { head += "\(header.name): \(header.value)\r\n" }
    head += "\r\n"
    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: head)), promise: nil)
    let pending = early
    early = []
    for buffer in pending { channelRead(context: context, data: wrapInboundOut(buffer)) }
    // A peer that hung up before this handler arrived sends no further event.
    if !context.channel.isActive { peerClosed() }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var buffer = unwrapInboundIn(data)
    switch state {
    case .upgraded:
      context.fireChannelRead(data)
    case .failed:
      break
    case .waitingForHead:
      received.writeBuffer(&buffer)
      parseHead(context: context)
    case .readingErrorBody(let status, let expected):
      received.writeBuffer(&buffer)
      if let expected, received.readableBytes >= expected { fail(status: status) }
    }
  }

  private func parseHead(context: ChannelHandlerContext) {
    let view = received.readableBytesView
    let prefix = Array("HTTP/".utf8)
    if !view.starts(with: prefix.prefix(view.count)) {
      failWith(KilnError(.connection, "the peer does not speak HTTP (is this a Docker Engine socket?)"))
      return
    }
    guard let end = view.firstRange(of: [13, 10, 13, 10]) else {
      if received.readableBytes > Self.maxHeadBytes {
        failWith(KilnError(.connection, "the engine sent an oversized HTTP response head"))
      }
      return
    }
    let headLength = end.upperBound - view.startIndex
    let head = received.readString(length: headLength) ?? ""
    let lines = head.split(separator: "\r\n", omittingEmptySubsequences: true)
    let statusLine = lines.first.map(String.init) ?? ""
    let parts = statusLine.split(separator: " ", maxSplits: 2)
    guard parts.count >= 2, parts[0].hasPrefix("HTTP/1.") else {
      failWith(KilnError(.connection, "the peer does not speak HTTP (is this a Docker Engine socket?)"))
      return
    }
    if parts[1] == "101" {
      state = .upgraded
      let rest = received
      received = ByteBuffer()
      promise.succeed(())
      if rest.readableBytes > 0 {
        context.fireChannelRead(wrapInboundOut(rest))
        context.fireChannelReadComplete()
      }
      return
    }
    var length: Int?
    for line in lines.dropFirst() {
      let pair = line.split(separator: ":", maxSplits: 1)
      if pair.count == 2, pair[0].lowercased() == "content-length" {
        length = Int(pair[1].trimmingSpaces)
      }
    }
    let status = String(statusLine.dropFirst(parts[0].count + 1))
    state = .readingErrorBody(status: status, expected: length)
    if length == nil || received.readableBytes >= (length ?? 0) { fail(status: status) }
  }

  private func fail(status: String) {
    let body = received.readString(length: received.readableBytes) ?? ""
    failWith(KilnError(.daemon, "the engine refused the BuildKit upgrade (\(status))\(EngineMessage.suffix(body))"))
  }

  private func failWith(_ error: any Error) {
    if case .failed = state { return }
    state = .failed
    promise.fail(error)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if case .upgraded = state { context.fireErrorCaught(error) } else { failWith(error) }
  }

  func channelInactive(context: ChannelHandlerContext) {
    peerClosed()
    context.fireChannelInactive()
  }

  private func peerClosed() {
    switch state {
    case .upgraded: break
    case .readingErrorBody(let status, _): fail(status: status)
    default: failWith(KilnError(.connection, "the engine closed the connection before answering the upgrade"))
    }
  }
}

extension Substring {
  var trimmingSpaces: Substring {
    var s = self
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" || l == "\r" { s.removeLast() }
    return s
  }
}

/// The engine's JSON error body, `{"message":"..."}`, reduced to its text.
enum EngineMessage {
  static func suffix(_ body: String) -> String {
    let trimmed = Substring(body).trimmingSpaces
    guard !trimmed.isEmpty else { return "" }
    if let range = trimmed.firstRange(of: "\"message\":\"") {
      let rest = trimmed[range.upperBound...]
      if let end = rest.firstIndex(of: "\"") { return ": " + rest[..<end] }
    }
    return ": " + trimmed.prefix(200)
  }
}

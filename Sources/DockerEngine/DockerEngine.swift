import Foundation
import KilnCore
import NIOCore
public import Transport

/// A small client for the Docker Engine API: one HTTP/1.1 request per
/// connection over any ``StreamDialer`` (unix socket, TCP/TLS, `ssh`), with
/// JSON bodies and the engine's own error messages.
///
/// Only the calls the builder drivers need are here; each facet lives in its
/// own file (`DockerEngine+Containers.swift`, `+Volumes`, `+System`).
public struct DockerEngine: Sendable {
  public let dialer: any StreamDialer
  /// How long one request may take, from dial to the last byte.
  public var requestTimeout: Duration

  public init(dialer: any StreamDialer, requestTimeout: Duration = .seconds(60)) {
    self.dialer = dialer
    self.requestTimeout = requestTimeout
  }

  /// The engine the Docker CLI would use in `environment`, or the given host.
  public init(host: DockerHost, requestTimeout: Duration = .seconds(60)) throws {
    self.init(dialer: try host.apiDialer(), requestTimeout: requestTimeout)
  }

  public var displayAddress: String { dialer.displayAddress }

  /// Sends one request; the connection closes after the response.
  public func send(
    _ method: String, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil, contentType: String = "application/json",
    headers: [(String, String)] = [], bodyFile: String? = nil
  ) async throws -> HTTPResponse {
    let target = path + Self.queryString(query)
    let stream: DialedStream
    do {
      stream = try await dialer.dial(timeout: min(requestTimeout, .seconds(20)))
    } catch {
      throw KilnError(.connection, "cannot connect to the Docker daemon at \(displayAddress)", underlying: error)
    }
    let channel = stream.channel
    let done = channel.eventLoop.makePromise(of: HTTPResponse.self)
    var head = "\(method) \(target) HTTP/1.1\r\nHost: docker\r\nUser-Agent: kiln\r\nConnection: close\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    var fileSize: Int64?
    if let bodyFile {
      // A file body is streamed in chunks, never held in memory.
      guard let size = (try? FileManager.default.attributesOfItem(atPath: bodyFile))?[.size] as? NSNumber else {
        try? await channel.close()
        throw KilnError(.io, "cannot read \(bodyFile)")
      }
      fileSize = size.int64Value
      head += "Content-Type: \(contentType)\r\nContent-Length: \(size.int64Value)\r\n"
    } else if let body {
      head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
    } else if method == "POST" || method == "PUT" {
      head += "Content-Length: 0\r\n"
    }
    var request = Array((head + "\r\n").utf8)
    if let body { request += body }
    do {
      let bytes = request
      try await channel.eventLoop.submit {
        try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: done))
      }.get()
      try await stream.release().get()
      // Written only now: an answer to an earlier write could arrive, and the
      // engine close, before the buffering handler is gone.
      var buffer = channel.allocator.buffer(capacity: bytes.count)
      buffer.writeBytes(bytes)
      try await channel.writeAndFlush(buffer)
      if let bodyFile, let fileSize { try await Self.stream(file: bodyFile, size: fileSize, to: channel) }
      let response = try await withDeadline(
        requestTimeout, on: channel, what: "\(method) \(path) on the Docker daemon", waitingFor: done.futureResult)
      try? await channel.close()
      return response
    } catch {
      done.fail(error)
      try? await channel.close()
      if let kiln = error as? KilnError { throw kiln }
      throw KilnError(.connection, "\(method) \(path) on the Docker daemon at \(displayAddress) failed", underlying: error)
    }
  }

  /// Writes a file to the connection in 1 MiB chunks, each write awaited so
  /// at most one chunk is buffered.
  static func stream(file path: String, size: Int64, to channel: any Channel) async throws {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw KilnError(.io, "cannot open \(path)") }
    defer { try? handle.close() }
    var sent: Int64 = 0
    while sent < size {
      guard let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty else { break }
      var buffer = channel.allocator.buffer(capacity: chunk.count)
      buffer.writeBytes(chunk)
      try await channel.writeAndFlush(buffer)
      sent += Int64(chunk.count)
    }
    guard sent == size else { throw KilnError(.io, "\(path) changed while it was being sent") }
  }

  /// Sends a request and requires a 2xx answer; other statuses become a
  /// `KilnError` carrying the engine's message (404 becomes `.notFound`).
  @discardableResult
  public func call(
    _ method: String, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil, contentType: String = "application/json",
    headers: [(String, String)] = [], bodyFile: String? = nil
  ) async throws -> HTTPResponse {
    let response = try await send(method, path, query: query, body: body, contentType: contentType, headers: headers, bodyFile: bodyFile)
    guard (200..<300).contains(response.status) else { throw Self.failure(response, method: method, path: path) }
    return response
  }

  /// Like `call`, with an `Encodable` body and a `Decodable` answer.
  public func call<In: Encodable, Out: Decodable>(
    _ method: String, _ path: String, query: [(String, String)] = [], json: In, as type: Out.Type
  ) async throws -> Out {
    let body: [UInt8]
    do {
      body = Array(try JSONEncoder().encode(json))
    } catch {
      throw KilnError(.invalidArgument, "cannot encode the body of \(method) \(path)", underlying: error)
    }
    return try Self.decode(try await call(method, path, query: query, body: body), as: type, method: method, path: path)
  }

  /// Like `call`, with a `Decodable` answer.
  public func call<Out: Decodable>(_ method: String, _ path: String, query: [(String, String)] = [], as type: Out.Type) async throws -> Out {
    try Self.decode(try await call(method, path, query: query), as: type, method: method, path: path)
  }

  static func decode<Out: Decodable>(_ response: HTTPResponse, as type: Out.Type, method: String, path: String) throws -> Out {
    do {
      return try JSONDecoder().decode(Out.self, from: Data(response.body))
    } catch {
      throw KilnError(.daemon, "unexpected answer to \(method) \(path) from the Docker daemon", underlying: error)
    }
  }

  /// No body.
  public struct Empty: Codable, Sendable {}

  static func failure(_ response: HTTPResponse, method: String, path: String) -> KilnError {
    let message = engineMessage(response.body) ?? "\(response.status) \(response.reason)"
    let code: KilnError.Code
    switch response.status {
    case 404: code = .notFound
    case 400: code = .invalidArgument
    case 409: code = .invalidArgument
    default: code = .daemon
    }
    var error = KilnError(code, message)
    error.underlying = nil
    return error
  }

  /// The engine's `{"message":"..."}` error body, or its plain text.
  static func engineMessage(_ body: [UInt8]) -> String? {
    struct Message: Decodable { var message: String }
    if let decoded = try? JSONDecoder().decode(Message.self, from: Data(body)) { return decoded.message }
    let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? nil : text
  }

  static func queryString(_ query: [(String, String)]) -> String {
    guard !query.isEmpty else { return "" }
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return "?" + query.map { key, value in
      (key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key) + "="
        + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
    }.joined(separator: "&")
  }
}

/// Gathers the response, and completes the
/// promise once the parser has a whole one (or the peer closed).
final class ResponseCollector: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer

  private let promise: EventLoopPromise<HTTPResponse>
  private var received: [UInt8] = []
  private var finished = false

  init(promise: EventLoopPromise<HTTPResponse>) {
    self.promise = promise
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var buffer = unwrapInboundIn(data)
    if let bytes = buffer.readBytes(length: buffer.readableBytes) { received += bytes }
    attempt(atEOF: false)
  }

  func channelInactive(context: ChannelHandlerContext) {
    attempt(atEOF: true)
    if !finished {
      finished = true
      promise.fail(KilnError(.connection, "the Docker daemon closed the connection before answering"))
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    guard !finished else { return }
    finished = true
    promise.fail(error)
    context.close(promise: nil)
  }

  private func attempt(atEOF: Bool) {
    guard !finished else { return }
    do {
      if let response = try HTTPResponseParser.parse(received, atEOF: atEOF) {
        finished = true
        promise.succeed(response)
      }
    } catch {
      finished = true
      promise.fail(KilnError(.connection, "the peer does not speak HTTP (is this a Docker Engine socket?)"))
    }
  }
}


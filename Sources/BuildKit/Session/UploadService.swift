public import Foundation
import GRPCCore
import Synchronization

/// A byte stream the daemon pulls once through the session
/// (`moby.upload.v1.Upload/Pull`): how a build context read from stdin
/// reaches BuildKit. The frontend is given ``url`` as its context, and the
/// daemon's HTTP source fetches it from the session.
///
/// The stream is read while it is sent, a chunk at a time, so a context of
/// any size passes through in bounded memory.
public final class SessionUpload: Sendable {
  public let id: String
  /// Bytes already read from the stream (to recognise what it holds), sent first.
  let head: Data
  /// Where the rest comes from; not closed here (it is the process's stdin).
  let descriptor: Int32
  private let pulled = Mutex(false)

  public init(id: String = BuildSession.randomID(), head: Data, descriptor: Int32) {
    self.id = id
    self.head = head
    self.descriptor = descriptor
  }

  /// What the frontend gets as its `context` attribute.
  public var url: String { "http://buildkit-session/" + id }

  /// Marks the upload as taken; false when it was pulled already (the stream
  /// cannot be read twice).
  func take() -> Bool {
    pulled.withLock { taken in
      defer { taken = true }
      return !taken
    }
  }

  /// The next chunk of the stream after ``head``; empty at its end.
  func readChunk(size: Int) async throws -> Data {
    let descriptor = self.descriptor
    return try await withCheckedThrowingContinuation { continuation in
      // A blocking read, kept off Swift's small cooperative pool.
      DispatchQueue.global().async {
        var buffer = [UInt8](repeating: 0, count: size)
        while true {
          let count = read(descriptor, &buffer, size)
          if count >= 0 {
            continuation.resume(returning: Data(buffer[..<count]))
            return
          }
          if errno != EINTR {
            continuation.resume(throwing: RPCError(code: .internalError, message: "reading the upload stream failed: \(String(cString: strerror(errno)))"))
            return
          }
        }
      }
    }
  }
}

/// `moby.upload.v1.Upload`: serves ``SessionUpload``s by the last component
/// of the URL path the daemon asks for (its `urlpath` metadata).
struct UploadService: Moby_Upload_V1_Upload.ServiceProtocol {
  static let methods = ["/moby.upload.v1.Upload/Pull"]
  let uploads: [String: SessionUpload]

  /// BuildKit sends at most 3 MiB a message; smaller chunks keep memory low.
  static let chunkSize = 1 << 20

  func pull(
    request: StreamingServerRequest<Moby_Upload_V1_BytesMessage>,
    context: ServerContext
  ) async throws -> StreamingServerResponse<Moby_Upload_V1_BytesMessage> {
    let path = request.metadata[stringValues: "urlpath"].first { _ in true } ?? ""
    let id = path.split(separator: "/").last.map(String.init) ?? ""
    guard let upload = uploads[id], upload.take() else {
      throw RPCError(code: .notFound, message: "no http response from session for \(id)")
    }
    return StreamingServerResponse { writer in
      if !upload.head.isEmpty { try await writer.write(Self.message(upload.head)) }
      while true {
        let chunk = try await upload.readChunk(size: Self.chunkSize)
        if chunk.isEmpty { break }
        try await writer.write(Self.message(chunk))
      }
      return [:]
    }
  }

  static func message(_ data: Data) -> Moby_Upload_V1_BytesMessage {
    var message = Moby_Upload_V1_BytesMessage()
    message.data = data
    return message
  }
}

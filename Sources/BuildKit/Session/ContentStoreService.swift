import Foundation
import GRPCCore
import SwiftProtobuf

/// `containerd.services.content.v1.Content` over the session: the OCI layout
/// directories the client offers the daemon, by the names BuildKit's client
/// gives them (`local:DIR` for `type=local` cache, `oci:ID` for an
/// `oci-layout://` context, `export` for an `oci`/`docker` output with
/// `tar=false`). Each call names its store in the
/// `buildkit-attachable-store-id` metadata (BuildKit's `session/content`).
struct ContentStoreService: Containerd_Services_Content_V1_Content.ServiceProtocol {
  static let storeHeader = "buildkit-attachable-store-id"
  static let methods = ["Info", "Update", "List", "Delete", "Read", "Status", "ListStatuses", "Write", "Abort"]
    .map { "/containerd.services.content.v1.Content/" + $0 }
  /// BuildKit's client accepts messages of up to 16 MiB; reads go out in 1 MiB pieces.
  static let readChunk = 1 << 20

  let stores: [String: OCILayoutStore]

  func store(_ metadata: Metadata) throws -> OCILayoutStore {
    guard let id = metadata[stringValues: Self.storeHeader].first(where: { _ in true }) else {
      throw RPCError(code: .invalidArgument, message: "request lacks metadata \"\(Self.storeHeader)\"")
    }
    guard let store = stores[id] else { throw RPCError(code: .notFound, message: "unknown store \(id)") }
    return store
  }

  /// Store errors as the gRPC codes containerd's content server answers with.
  static func rpc<T>(_ body: () throws(ContentStoreError) -> T) throws -> T {
    do {
      return try body()
    } catch {
      throw rpcError(error)
    }
  }

  static func rpcError(_ error: ContentStoreError) -> RPCError {
    let code: RPCError.Code =
      switch error {
      case .notFound: .notFound
      case .alreadyExists: .alreadyExists
      case .unavailable: .unavailable
      case .failedPrecondition: .failedPrecondition
      case .invalidArgument: .invalidArgument
      case .io: .unknown
      }
    return RPCError(code: code, message: error.description)
  }

  static func digest(_ text: String) throws -> BlobDigest {
    do {
      return try BlobDigest(text)
    } catch {
      throw RPCError(code: .invalidArgument, message: "\"\(text)\" failed validation")
    }
  }

  static func info(_ info: BlobInfo) -> Containerd_Services_Content_V1_Info {
    var out = Containerd_Services_Content_V1_Info()
    out.digest = info.digest.description
    out.size = info.size
    out.createdAt = Google_Protobuf_Timestamp(date: info.modified)
    out.updatedAt = Google_Protobuf_Timestamp(date: info.modified)
    return out
  }

  static func status(_ status: IngestStatus) -> Containerd_Services_Content_V1_Status {
    var out = Containerd_Services_Content_V1_Status()
    out.ref = status.ref
    out.offset = status.offset
    out.total = status.total
    out.expected = status.expected
    out.startedAt = Google_Protobuf_Timestamp(date: status.startedAt)
    out.updatedAt = Google_Protobuf_Timestamp(date: status.updatedAt)
    return out
  }

  func info(
    request: ServerRequest<Containerd_Services_Content_V1_InfoRequest>, context: ServerContext
  ) async throws -> ServerResponse<Containerd_Services_Content_V1_InfoResponse> {
    let store = try store(request.metadata)
    let digest = try Self.digest(request.message.digest)
    var response = Containerd_Services_Content_V1_InfoResponse()
    response.info = Self.info(try Self.rpc { () throws(ContentStoreError) in try store.info(digest) })
    return ServerResponse(message: response)
  }

  /// Labels are not kept (as containerd's local store without a label store).
  func update(
    request: ServerRequest<Containerd_Services_Content_V1_UpdateRequest>, context: ServerContext
  ) async throws -> ServerResponse<Containerd_Services_Content_V1_UpdateResponse> {
    _ = try store(request.metadata)
    throw RPCError(code: .failedPrecondition, message: "update not supported on immutable content store")
  }

  func list(
    request: ServerRequest<Containerd_Services_Content_V1_ListContentRequest>, context: ServerContext
  ) async throws -> StreamingServerResponse<Containerd_Services_Content_V1_ListContentResponse> {
    let store = try store(request.metadata)
    let infos = try Self.rpc { () throws(ContentStoreError) in try store.list() }
    return StreamingServerResponse { writer in
      for start in stride(from: 0, to: infos.count, by: 100) {
        var response = Containerd_Services_Content_V1_ListContentResponse()
        response.info = infos[start..<min(start + 100, infos.count)].map(Self.info)
        try await writer.write(response)
      }
      return [:]
    }
  }

  func delete(
    request: ServerRequest<Containerd_Services_Content_V1_DeleteContentRequest>, context: ServerContext
  ) async throws -> ServerResponse<Google_Protobuf_Empty> {
    let store = try store(request.metadata)
    let digest = try Self.digest(request.message.digest)
    try Self.rpc { () throws(ContentStoreError) in try store.delete(digest) }
    return ServerResponse(message: Google_Protobuf_Empty())
  }

  func read(
    request: ServerRequest<Containerd_Services_Content_V1_ReadContentRequest>, context: ServerContext
  ) async throws -> StreamingServerResponse<Containerd_Services_Content_V1_ReadContentResponse> {
    let store = try store(request.metadata)
    let message = request.message
    let digest = try Self.digest(message.digest)
    let size = try Self.rpc { () throws(ContentStoreError) in try store.info(digest).size }
    if message.offset > size { throw RPCError(code: .outOfRange, message: "read past object length \(size) bytes") }
    return StreamingServerResponse { writer in
      do {
        try await store.read(digest, offset: message.offset, count: message.size, chunkSize: Self.readChunk) { chunk, offset in
          var response = Containerd_Services_Content_V1_ReadContentResponse()
          response.offset = offset
          response.data = Data(chunk)
          try await writer.write(response)
        }
      } catch let error as ContentStoreError {
        throw Self.rpcError(error)
      }
      return [:]
    }
  }

  func status(
    request: ServerRequest<Containerd_Services_Content_V1_StatusRequest>, context: ServerContext
  ) async throws -> ServerResponse<Containerd_Services_Content_V1_StatusResponse> {
    let store = try store(request.metadata)
    let ref = request.message.ref
    var response = Containerd_Services_Content_V1_StatusResponse()
    response.status = Self.status(try Self.rpc { () throws(ContentStoreError) in try store.status(ref: ref) })
    return ServerResponse(message: response)
  }

  /// Every unfinished write this session opened; filters are not applied.
  func listStatuses(
    request: ServerRequest<Containerd_Services_Content_V1_ListStatusesRequest>, context: ServerContext
  ) async throws -> ServerResponse<Containerd_Services_Content_V1_ListStatusesResponse> {
    let store = try store(request.metadata)
    var response = Containerd_Services_Content_V1_ListStatusesResponse()
    response.statuses = store.statuses().map(Self.status)
    return ServerResponse(message: response)
  }

  func abort(
    request: ServerRequest<Containerd_Services_Content_V1_AbortRequest>, context: ServerContext
  ) async throws -> ServerResponse<Google_Protobuf_Empty> {
    let store = try store(request.metadata)
    let ref = request.message.ref
    try Self.rpc { () throws(ContentStoreError) in try store.abort(ref: ref) }
    return ServerResponse(message: Google_Protobuf_Empty())
  }

  /// containerd's write protocol: the first message names the ref (and may
  /// carry the expected size and digest); STAT reports progress, WRITE
  /// appends at the current offset (offset 0 restarts), COMMIT verifies and
  /// publishes the blob and ends the stream.
  func write(
    request: StreamingServerRequest<Containerd_Services_Content_V1_WriteContentRequest>, context: ServerContext
  ) async throws -> StreamingServerResponse<Containerd_Services_Content_V1_WriteContentResponse> {
    let store = try store(request.metadata)
    return StreamingServerResponse { writer in
      var messages = request.messages.makeAsyncIterator()
      guard var message = try await messages.next() else { return [:] }
      guard !message.ref.isEmpty else { throw RPCError(code: .invalidArgument, message: "first message must have a reference") }
      let first = message
      let ingest = try Self.rpc { () throws(ContentStoreError) in
        try store.writer(ref: first.ref, total: first.total, expected: first.expected)
      }
      defer { ingest.close() }
      while true {
        var response = Containerd_Services_Content_V1_WriteContentResponse()
        response.action = message.action
        response.offset = ingest.offset
        if !message.expected.isEmpty {
          let expected = message.expected
          if (try? store.info(BlobDigest(expected))) != nil {
            ingest.close()
            try? store.abort(ref: first.ref)
            throw RPCError(code: .alreadyExists, message: "blob with expected digest \(expected) exists")
          }
        }
        ingest.update(total: message.total, expected: message.expected)
        switch message.action {
        case .stat:
          response.digest = ingest.digest
          response.startedAt = Google_Protobuf_Timestamp(date: ingest.startedAt)
          response.updatedAt = Google_Protobuf_Timestamp(date: ingest.updatedAt)
          response.total = ingest.total
        case .write, .commit:
          if message.offset > 0, message.offset != ingest.offset {
            throw RPCError(code: .outOfRange, message: "write @\(message.offset) must occur at current offset \(ingest.offset)")
          }
          let current = message
          try Self.rpc { () throws(ContentStoreError) in
            if current.offset == 0, ingest.offset > 0 { try ingest.truncate(to: 0) }
            if !current.data.isEmpty { try ingest.write(Array(current.data)) }
            if current.action == .commit { try ingest.commit(size: ingest.total, expected: ingest.expected) }
          }
          response.offset = ingest.offset
          response.digest = ingest.digest
        case .UNRECOGNIZED(let value):
          throw RPCError(code: .invalidArgument, message: "unknown write action \(value)")
        }
        try await writer.write(response)
        if message.action == .commit { return [:] }
        guard let next = try await messages.next() else { return [:] }
        message = next
      }
    }
  }
}

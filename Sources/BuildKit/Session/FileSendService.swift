#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BuildContext
import Foundation
import GRPCCore
import KilnCore
import SwiftProtobuf

/// Where an exporter's output goes on the client.
public enum OutputTarget: Sendable, Equatable {
  /// The `local` exporter: a directory tree, sent as fsutil packets.
  case directory(String)
  /// `tar` and similar exporters: one byte stream, to a file or (nil) stdout.
  case file(String?)
}

/// `moby.filesync.v1.FileSend/DiffCopy`: the daemon pushes an export to the
/// client. The declared message is `BytesMessage`, but for a directory the
/// daemon sends fsutil packets on the same method, so messages are taken
/// raw and decoded by target.
///
/// With several exporters the daemon names the one exporting (its index in
/// the solve request) in the `buildkit-attachable-exporter-id` metadata;
/// without it, it is exporter 0.
struct FileSendService: RegistrableRPCService {
  let targets: [Int: OutputTarget]

  static let descriptor = MethodDescriptor(fullyQualifiedService: "moby.filesync.v1.FileSend", method: "DiffCopy")

  static func exporterID(_ metadata: Metadata) -> Int {
    metadata[stringValues: "buildkit-attachable-exporter-id"].first { _ in true }.flatMap { Int($0) } ?? 0
  }

  func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
    let targets = self.targets
    router.registerHandler(forMethod: Self.descriptor, deserializer: RawMessage(), serializer: RawMessage()) { request, _ in
      let id = Self.exporterID(request.metadata)
      guard let target = targets[id] else { throw RPCError(code: .notFound, message: "exporter \(id) not found") }
      return StreamingServerResponse { writer in
        switch target {
        case .directory(let path):
          try await DiffCopyReceiver(destination: OutputPath(root: path)).run(inbound: request.messages, outbound: writer)
        case .file(let path):
          try await Self.receiveFile(path, request.messages)
        }
        return [:]
      }
    }
  }

  static func receiveFile(_ path: String?, _ inbound: RPCAsyncSequence<[UInt8], any Error>) async throws {
    let fd: Int32
    if let path {
      fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      guard fd >= 0 else { throw KilnError(.io, "cannot create \(path): \(String(cString: strerror(errno)))") }
    } else {
      fd = STDOUT_FILENO
    }
    defer { if path != nil { close(fd) } }
    for try await raw in inbound {
      let message = try Moby_Filesync_V1_BytesMessage(serializedBytes: raw)
      try writeAll(fd, message.data, path: path ?? "stdout")
    }
  }

  static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
    try data.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          throw KilnError(.io, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        offset += n
      }
    }
  }
}

/// Messages kept as their serialized bytes.
struct RawMessage: MessageSerializer, MessageDeserializer {
  func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
  func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
    serializedMessageBytes.withUnsafeBytes { Array($0) }
  }
}

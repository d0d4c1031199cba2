#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRPCCore
import KilnCore
import NIOCore
import NIOPosix
import Transport

extension BuildSession {
  /// Serves the session over `Control.Session` on the client's own
  /// connection, as a standalone BuildKit requires (the engine accepts it too).
  ///
  /// The bidirectional stream of `BytesMessage`s carries a reverse HTTP/2
  /// connection. One end of a socketpair is served by the gRPC server like
  /// any accepted connection; the other end is pumped to and from the stream.
  public func serve<Result: Sendable>(through client: BuildKitClient, _ body: () async throws -> Result) async throws -> Result {
    var fds: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
      throw KilnError(.io, "cannot create the session socketpair: \(String(cString: strerror(errno)))")
    }
    let group = MultiThreadedEventLoopGroup.singleton
    let serverSide: any Channel
    let pumpSide: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    do {
      serverSide = try await ClientBootstrap(group: group)
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(PendingBytesHandler(), name: PendingBytesHandler.name)
          }
        }
        .withConnectedSocket(fds[0]).get()
    } catch {
      close(fds[0])
      close(fds[1])
      throw KilnError(.io, "cannot set up the session stream", underlying: error)
    }
    do {
      pumpSide = try await ClientBootstrap(group: group).withConnectedSocket(fds[1]) { channel in
        channel.eventLoop.makeCompletedFuture {
          try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
      }
    } catch {
      serverSide.close(promise: nil)
      close(fds[1])
      throw KilnError(.io, "cannot set up the session stream", underlying: error)
    }
    let metadata: Metadata = {
      var metadata: Metadata = [:]
      for header in headers { metadata.addString(header.value, forKey: header.name.lowercased()) }
      return metadata
    }()
    let stream = DialedStream(channel: serverSide, displayAddress: client.displayAddress)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
      tasks.addTask {
        try? await pumpSide.executeThenClose { inbound, outbound in
          try await client.openSession(metadata: metadata, inbound: inbound, outbound: outbound)
        }
      }
      defer { tasks.cancelAll() }
      return try await serve(over: stream, body)
    }
  }
}

extension BuildKitClient {
  /// Pumps the local end of the session's HTTP/2 connection through `Control.Session`.
  func openSession(
    metadata: Metadata,
    inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
    outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
  ) async throws {
    try await control.session(
      metadata: metadata,
      options: options,
      requestProducer: { writer in
        for try await buffer in inbound {
          var message = Moby_Buildkit_V1_BytesMessage()
          message.data = Data(buffer.readableBytesView)
          try await writer.write(message)
        }
      },
      onResponse: { response in
        for try await message in response.messages {
          try await outbound.write(ByteBuffer(bytes: message.data))
        }
        outbound.finish()
      }
    )
  }
}

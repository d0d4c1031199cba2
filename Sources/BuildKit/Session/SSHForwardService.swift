import Foundation
import GRPCCore
import KilnCore
import NIOCore
import NIOPosix

/// An SSH agent offered to the build (`--ssh default`, `--ssh id=/path/to/agent.sock`).
public struct SSHAgentSource: Sendable, Equatable {
  public var id: String
  /// The agent's unix socket.
  public var socket: String
  public init(id: String, socket: String) {
    self.id = id
    self.socket = socket
  }

  /// buildx's `--ssh` value: `default` or `ID` (the `SSH_AUTH_SOCK` agent), or `ID=PATH[,PATH]`.
  /// Only agent sockets are supported; key files would need an in-process agent.
  public static func parse(_ text: String, environment: [String: String]) throws -> SSHAgentSource {
    let pair = text.split(separator: "=", maxSplits: 1).map(String.init)
    let id = pair.first ?? ""
    guard !id.isEmpty else { throw KilnError(.invalidArgument, "invalid --ssh \(text): use default or id=/path/to/agent.sock") }
    let path: String
    if pair.count == 2 {
      guard !pair[1].contains(",") else {
        throw KilnError(.unsupported, "--ssh \(text): several paths are not supported; give one agent socket")
      }
      path = pair[1]
    } else {
      guard let sock = environment["SSH_AUTH_SOCK"], !sock.isEmpty else {
        throw KilnError(.invalidArgument, "--ssh \(text) needs an SSH agent: SSH_AUTH_SOCK is not set")
      }
      path = sock
    }
    var st = stat()
    guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK else {
      throw KilnError(.unsupported, "--ssh \(text): \(path) is not an SSH agent socket (key files are not supported yet)")
    }
    return SSHAgentSource(id: id, socket: path)
  }
}

/// `moby.sshforward.v1.SSH`: each `ForwardAgent` stream is one connection to
/// the chosen agent, bytes pumped both ways until either side closes.
struct SSHForwardService: Moby_Sshforward_V1_SSH.ServiceProtocol {
  let agents: [String: String]

  func checkAgent(
    request: ServerRequest<Moby_Sshforward_V1_CheckAgentRequest>,
    context: ServerContext
  ) async throws -> ServerResponse<Moby_Sshforward_V1_CheckAgentResponse> {
    let id = request.message.id.isEmpty ? "default" : request.message.id
    guard agents[id] != nil else { throw RPCError(code: .notFound, message: "unset ssh forward key \(id)") }
    return ServerResponse(message: Moby_Sshforward_V1_CheckAgentResponse())
  }

  func forwardAgent(
    request: StreamingServerRequest<Moby_Sshforward_V1_BytesMessage>,
    context: ServerContext
  ) async throws -> StreamingServerResponse<Moby_Sshforward_V1_BytesMessage> {
    let id = request.metadata[stringValues: "buildkit.ssh.id"].first(where: { _ in true }) ?? "default"
    guard let socket = agents[id] else { throw RPCError(code: .notFound, message: "unset ssh forward key \(id)") }
    let connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    do {
      // Half-closure lets the agent's last answer arrive after the daemon's side ends.
      connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
        .connect(unixDomainSocketPath: socket) { channel in
          channel.eventLoop.makeCompletedFuture {
            try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
              wrappingChannelSynchronously: channel,
              configuration: .init(isOutboundHalfClosureEnabled: true)
            )
          }
        }
    } catch {
      throw RPCError(code: .unavailable, message: "cannot connect to the SSH agent at \(socket): \(error)")
    }
    let messages = request.messages
    return StreamingServerResponse { writer in
      try await connection.executeThenClose { inbound, outbound in
        try await withThrowingTaskGroup(of: Void.self) { group in
          group.addTask {
            for try await message in messages { try await outbound.write(ByteBuffer(bytes: message.data)) }
            outbound.finish()
          }
          group.addTask {
            for try await buffer in inbound {
              var message = Moby_Sshforward_V1_BytesMessage()
              message.data = Data(buffer.readableBytesView)
              try await writer.write(message)
            }
          }
          try await group.waitForAll()
        }
      }
      return [:]
    }
  }
}

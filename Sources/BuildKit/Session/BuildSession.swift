import BuildContext
import Foundation
import GRPCCore
import GRPCNIOTransportCore
import KilnCore
import NIOCore
public import Transport

/// A BuildKit session: the client-side services the daemon calls back during
/// a build (health, local directories, later auth, secrets and SSH).
///
/// The daemon is the gRPC *client* on the session stream, Kiln the server.
public struct BuildSession: Sendable {
  public let id: String
  public let name: String
  /// Stable per context directory, so BuildKit reuses its copy of the
  /// context and requests only files that changed.
  public let sharedKey: String
  /// Local directories by the names the frontend uses (`context`, `dockerfile`).
  public var directories: [String: String]
  /// Where exporters that send their result to the client (`local`, `tar`)
  /// write, by their index in the solve request.
  public var outputs: [Int: OutputTarget]
  /// `--secret` values by id, and the environment `env=` secrets come from.
  public var secrets: [SecretSource] = []
  /// `--ssh` agents by id.
  public var sshAgents: [SSHAgentSource] = []
  public var environment: [String: String] = [:]
  /// Registry credentials served through `Auth` (the Docker configuration).
  public var registryCredentials: RegistryCredentials?
  /// Streams the daemon pulls by URL (a context read from stdin).
  public var uploads: [SessionUpload] = []
  /// OCI layout directories served as containerd content stores, by the
  /// names BuildKit asks for (`local:DIR`, `oci:ID`, `export`).
  public var contentStores: [String: OCILayoutStore] = [:]
  public let counters = FileSyncCounters()

  public init(id: String = BuildSession.randomID(), name: String, sharedKey: String, directories: [String: String], outputs: [Int: OutputTarget] = [:]) {
    self.id = id
    self.name = name
    self.sharedKey = sharedKey
    self.directories = directories
    self.outputs = outputs
  }

  /// 25 lowercase alphanumerics, like BuildKit's identity.NewID.
  public static func randomID() -> String {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    var generator = SystemRandomNumberGenerator()
    return String((0..<25).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
  }

  /// The gRPC methods served, announced to the daemon: it calls only these.
  var methods: [String] {
    var methods = ["/grpc.health.v1.Health/Check", "/moby.filesync.v1.FileSync/DiffCopy"]
    if !outputs.isEmpty { methods.append("/moby.filesync.v1.FileSend/DiffCopy") }
    if !secrets.isEmpty { methods.append("/moby.buildkit.secrets.v1.Secrets/GetSecret") }
    if !sshAgents.isEmpty {
      methods += ["/moby.sshforward.v1.SSH/CheckAgent", "/moby.sshforward.v1.SSH/ForwardAgent"]
    }
    if registryCredentials != nil { methods += AuthService.methods }
    if !uploads.isEmpty { methods += UploadService.methods }
    if !contentStores.isEmpty { methods += ContentStoreService.methods }
    return methods
  }

  var headers: [HTTPHeader] {
    [
      HTTPHeader("X-Docker-Expose-Session-Uuid", id),
      HTTPHeader("X-Docker-Expose-Session-Name", name),
      HTTPHeader("X-Docker-Expose-Session-Sharedkey", sharedKey),
    ] + methods.map { HTTPHeader("X-Docker-Expose-Session-Grpc-Method", $0) }
  }

  /// Serves the session over the Docker Engine's `/session` endpoint while
  /// `body` runs; the session ends when `body` returns or throws.
  ///
  /// `engine` is how to reach the engine's API (the same one `/grpc` goes through).
  public func serve<Result: Sendable>(
    throughEngine engine: any StreamDialer,
    timeout: Duration = .seconds(20),
    _ body: () async throws -> Result
  ) async throws -> Result {
    let dialer = DockerHijackDialer(engine: engine, path: "/session", headers: headers)
    let stream: DialedStream
    do {
      stream = try await dialer.dial(timeout: timeout)
    } catch {
      throw KilnError(.connection, "cannot open a BuildKit session through \(engine.displayAddress)", underlying: error)
    }
    return try await serve(over: stream, body)
  }

  /// Serves the session on a stream whose far end is the daemon, acting as
  /// the gRPC server (the daemon sends the HTTP/2 client preface).
  func serve<Result: Sendable>(over stream: DialedStream, _ body: () async throws -> Result) async throws -> Result {
    var config = HTTP2ServerTransport.Custom<InjectedConnectionListener>.Config.defaults
    config.rpc.maxRequestPayloadSize = 16 * 1024 * 1024
    config.http2.maxFrameSize = 1 << 20
    // The daemon's gRPC client pings to estimate bandwidth while a large context
    // streams. HTTP2PingResponder answers those before gRPC sees them; should
    // one reach it, any ping rate is fine on this private connection.
    config.connection.keepalive.clientBehavior.allowWithoutCalls = true
    config.connection.keepalive.clientBehavior.minPingIntervalWithoutCalls = .zero
    if let debug = ProcessInfo.processInfo.environment["KILN_DEBUG_SESSION"] {
      config.channelDebuggingCallbacks.onAcceptTCPConnection = { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(SessionErrorLogger(), position: .last)
          if debug == "frames" {
            // Behind the handler holding the daemon's first bytes, so the tracer sees them all.
            let sync = channel.pipeline.syncOperations
            let held = try? sync.context(name: PendingBytesHandler.name)
            try sync.addHandler(HTTP2FrameTracer(), position: held.map { .after($0.handler) } ?? .first)
          }
        }
      }
      config.channelDebuggingCallbacks.onAcceptHTTP2Stream = { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(SessionErrorLogger()) }
      }
    }
    let transport = HTTP2ServerTransport.Custom(listenerFactory: InjectedConnectionListener(stream: stream), config: config)
    var services: [any RegistrableRPCService] = [
      HealthService(),
      FileSyncService(directories: directories, counters: counters, pacing: OutboundPacing(channel: stream.channel)),
    ]
    if !outputs.isEmpty { services.append(FileSendService(targets: outputs)) }
    if !secrets.isEmpty {
      let byID = Dictionary(secrets.map { ($0.id, $0.origin) }) { _, last in last }
      services.append(SecretsService(secrets: byID, environment: environment))
    }
    if !sshAgents.isEmpty {
      services.append(SSHForwardService(agents: Dictionary(sshAgents.map { ($0.id, $0.socket) }) { _, last in last }))
    }
    if let registryCredentials { services.append(AuthService(credentials: registryCredentials)) }
    if !uploads.isEmpty { services.append(UploadService(uploads: Dictionary(uploads.map { ($0.id, $0) }) { first, _ in first })) }
    if !contentStores.isEmpty { services.append(ContentStoreService(stores: contentStores)) }
    let server = GRPCServer(transport: transport, services: services)
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        // The daemon hanging up ends the server; the solve then reports why.
        try? await server.serve()
      }
      defer {
        server.beginGracefulShutdown()
        stream.channel.close(promise: nil)
      }
      return try await body()
    }
  }
}

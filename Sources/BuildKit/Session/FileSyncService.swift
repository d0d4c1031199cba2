import BuildContext
import Foundation
import GRPCCore
import Synchronization

/// What a session's file sync sent, for progress and for tests that check an
/// unchanged rebuild transfers no content.
public final class FileSyncCounters: Sendable {
  private let state = Mutex((stats: 0, files: 0, bytes: Int64(0)))
  public init() {}
  public var statsSent: Int { state.withLock { $0.stats } }
  public var filesSent: Int { state.withLock { $0.files } }
  public var bytesSent: Int64 { state.withLock { $0.bytes } }
  func addStat() { state.withLock { $0.stats += 1 } }
  func addFile(bytes: Int64) { state.withLock { $0.files += 1; $0.bytes += bytes } }
}

/// `moby.filesync.v1.FileSync`: BuildKit pulls the local directories of a
/// build (`context`, `dockerfile`, named contexts) through `DiffCopy`.
struct FileSyncService: Moby_Filesync_V1_FileSync.ServiceProtocol {
  /// Directory names as the frontend knows them → absolute paths.
  let directories: [String: String]
  let counters: FileSyncCounters
  var pacing: OutboundPacing? = nil

  func diffCopy(
    request: StreamingServerRequest<Fsutil_Types_Packet>,
    context: ServerContext
  ) async throws -> StreamingServerResponse<Fsutil_Types_Packet> {
    let options = Self.decode(request.metadata)
    let name = options["dir-name"]?.first ?? ""
    guard let root = directories[name] else {
      throw RPCError(code: .notFound, message: "no access allowed to dir \"\(name)\"")
    }
    let filter = ContextFilter(
      includePatterns: options["include-patterns"] ?? [],
      excludePatterns: options["exclude-patterns"] ?? [],
      followPaths: Self.withLinkTargets(options["followpaths"] ?? [], root: root)
    )
    let sender = DiffCopySender(walker: ContextWalker(root: root, filter: filter), counters: counters, pacing: pacing)
    return StreamingServerResponse { writer in
      try await sender.run(inbound: request.messages, outbound: writer)
      return [:]
    }
  }

  func tarStream(
    request: StreamingServerRequest<Fsutil_Types_Packet>,
    context: ServerContext
  ) async throws -> StreamingServerResponse<Fsutil_Types_Packet> {
    throw RPCError(code: .unimplemented, message: "tar streams are not served")
  }

  /// Follow paths plus, for those that are symlinks inside the context, the
  /// paths they point to, so a linked Dockerfile arrives with its target.
  static func withLinkTargets(_ paths: [String], root: String) -> [String] {
    var out = paths
    for path in paths {
      guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + path) else { continue }
      let base = (path as NSString).deletingLastPathComponent
      let joined = target.hasPrefix("/") ? nil : PathText.clean(base.isEmpty ? target : base + "/" + target)
      if let joined, !joined.hasPrefix("..") { out.append(joined) }
    }
    return out
  }

  /// Metadata values, URL-unescaped where the daemon marked a key `<key>-encoded`.
  static func decode(_ metadata: Metadata) -> [String: [String]] {
    var out: [String: [String]] = [:]
    for (key, value) in metadata {
      guard case .string(let text) = value else { continue }
      out[key.lowercased(), default: []].append(text)
    }
    for (key, values) in out where out[key + "-encoded"]?.first.flatMap(Self.parseBool) == true {
      out[key] = values.map { $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? $0 }
    }
    return out
  }

  private static func parseBool(_ s: String) -> Bool? {
    switch s.lowercased() {
    case "1", "t", "true": return true
    case "0", "f", "false": return false
    default: return nil
    }
  }
}

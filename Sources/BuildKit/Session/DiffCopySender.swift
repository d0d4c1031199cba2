import BuildContext
import Foundation
import GRPCCore
import KilnCore
import Synchronization

/// The sending side of fsutil's DiffCopy: one STAT per entry (its index is
/// its ID), an empty STAT to end the list, then the content of each file the
/// receiver requests as DATA chunks closed by an empty DATA, and FIN in
/// answer to FIN.
///
/// One task writes (so a file's packets never interleave with another's)
/// while another reads the receiver's requests. The receiver asks for files
/// while it is still reading the listing, so requests are served between
/// STATs: the daemon writes files while the rest of the listing streams,
/// as it does with fsutil's own sender. Packets go out in batches of about
/// `batchBytes`, each batch one write, so a small file or a STAT costs no
/// round trip through gRPC's writer of its own.
struct DiffCopySender: Sendable {
  let walker: ContextWalker
  let counters: FileSyncCounters
  /// Waits for the connection to drain before each batch (nil: not paced).
  var pacing: OutboundPacing? = nil

  /// The most content read ahead of the network; also bounds memory.
  static let batchBytes = 256 * 1024
  /// The largest DATA packet: fewer, larger messages for large files.
  static let chunkBytes = 128 * 1024

  func run(inbound: RPCAsyncSequence<Fsutil_Types_Packet, any Error>, outbound: RPCWriter<Fsutil_Types_Packet>) async throws {
    let requests = RequestQueue()
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        do {
          for try await packet in inbound {
            switch packet.type {
            case .packetReq: requests.push(.file(packet.id))
            case .packetFin:
              requests.push(.finish)
              return
            case .packetErr:
              throw KilnError(.daemon, "file sync failed on the daemon: \(String(decoding: packet.data, as: UTF8.self))")
            default: continue
            }
          }
          requests.push(.closed)
        } catch {
          requests.push(.failed(error))
          throw error
        }
      }
      group.addTask {
        var writer = BatchWriter(outbound: outbound, counters: counters, pacing: pacing)
        // Content-bearing entries by ID: only paths, never content.
        var files: [UInt32: String] = [:]
        var id: UInt32 = 0
        let root = walker.root
        /// Serves one request; true once FIN is answered.
        func serve(_ request: Request) async throws -> Bool {
          switch request {
          case .file(let fileID):
            guard let path = files.removeValue(forKey: fileID) else {
              throw KilnError(.daemon, "the daemon requested unknown file id \(fileID)")
            }
            try await writer.sendFile(id: fileID, path: root + "/" + path)
            return false
          case .finish:
            var fin = Fsutil_Types_Packet()
            fin.type = .packetFin
            try await writer.append(fin)
            try await writer.flush()
            return true
          case .closed:
            throw KilnError(.daemon, "the daemon closed the file sync stream before it finished")
          case .failed(let error):
            throw error
          }
        }
        // Anything but a file request waits for the end of the listing.
        var deferred: [Request] = []
        do {
          try await walker.walk { entry in
            if entry.hasContent { files[id] = entry.path }
            id += 1
            var packet = Fsutil_Types_Packet()
            packet.type = .packetStat
            packet.stat = Self.stat(entry)
            try await writer.append(packet)
            counters.addStat()
            for request in requests.drain() {
              if case .file = request, deferred.isEmpty {
                _ = try await serve(request)
              } else {
                deferred.append(request)
              }
            }
          }
        } catch {
          var packet = Fsutil_Types_Packet()
          packet.type = .packetErr
          packet.data = Data(String(describing: error).utf8)
          try? await writer.append(packet)
          try? await writer.flush()
          throw error
        }
        var end = Fsutil_Types_Packet()
        end.type = .packetStat
        try await writer.append(end)
        var pending = deferred
        while true {
          if pending.isEmpty {
            try await writer.flush()
            await requests.wait()
            try Task.checkCancellation()
          }
          for request in pending {
            if try await serve(request) { return }
          }
          pending = requests.drain()
        }
      }
      try await group.waitForAll()
    }
  }

  static func stat(_ entry: FileEntry) -> Fsutil_Types_Stat {
    var stat = Fsutil_Types_Stat()
    stat.path = entry.path
    stat.mode = entry.mode
    stat.uid = entry.uid
    stat.gid = entry.gid
    stat.size = entry.size
    stat.modTime = entry.modTime
    stat.linkname = entry.linkname
    stat.devmajor = entry.devMajor
    stat.devminor = entry.devMinor
    if !entry.xattrs.isEmpty { stat.xattrs = entry.xattrs.mapValues { Data($0) } }
    return stat
  }
}

/// What the receiver asked for, in order.
enum Request: Sendable {
  case file(UInt32)
  case finish
  /// The receiver's stream ended without FIN.
  case closed
  case failed(any Error)
}

/// Requests from the reading task to the writing task: pushed as they
/// arrive, drained without waiting between STATs, awaited once the listing is out.
final class RequestQueue: Sendable {
  private let state = Mutex((items: [Request](), waiter: CheckedContinuation<Void, Never>?.none))

  func push(_ request: Request) {
    let waiter = state.withLock { state in
      state.items.append(request)
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume()
  }

  func drain() -> [Request] {
    state.withLock { state in
      defer { state.items.removeAll(keepingCapacity: true) }
      return state.items
    }
  }

  /// Returns once something was pushed (at once if something is waiting),
  /// or once the task is cancelled.
  func wait() async {
    await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        let ready = state.withLock { state in
          if state.items.isEmpty, !Task.isCancelled {
            state.waiter = continuation
            return false
          }
          return true
        }
        if ready { continuation.resume() }
      }
    } onCancel: {
      let waiter = state.withLock { state in
        defer { state.waiter = nil }
        return state.waiter
      }
      waiter?.resume()
    }
  }
}

/// Collects packets and writes them in batches.
struct BatchWriter {
  let outbound: RPCWriter<Fsutil_Types_Packet>
  let counters: FileSyncCounters
  let pacing: OutboundPacing?
  private var batch: [Fsutil_Types_Packet] = []
  private var bytes = 0

  init(outbound: RPCWriter<Fsutil_Types_Packet>, counters: FileSyncCounters, pacing: OutboundPacing? = nil) {
    self.outbound = outbound
    self.counters = counters
    self.pacing = pacing
  }

  mutating func append(_ packet: Fsutil_Types_Packet) async throws {
    batch.append(packet)
    bytes += packet.data.count + 64
    if bytes >= DiffCopySender.batchBytes { try await flush() }
  }

  mutating func flush() async throws {
    guard !batch.isEmpty else { return }
    let packets = batch
    batch.removeAll(keepingCapacity: true)
    bytes = 0
    await pacing?.wait()
    try await outbound.write(contentsOf: packets)
  }

  mutating func sendFile(id: UInt32, path: String) async throws {
    var total: Int64 = 0
    // A file removed since the listing is sent empty, as fsutil does.
    if let chunks = try? FileChunks(path: path, chunkSize: DiffCopySender.chunkBytes) {
      while let chunk = try chunks.next() {
        var packet = Fsutil_Types_Packet()
        packet.type = .packetData
        packet.id = id
        packet.data = Data(chunk)
        total += Int64(chunk.count)
        try await append(packet)
      }
    }
    var done = Fsutil_Types_Packet()
    done.type = .packetData
    done.id = id
    try await append(done)
    counters.addFile(bytes: total)
  }
}

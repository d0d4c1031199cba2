import BuildContext
import Foundation
import GRPCCore
import KilnCore

/// The sending side of fsutil's DiffCopy: one STAT per entry (its index is
/// its ID), an empty STAT to end the list, then the content of each file the
/// receiver requests as DATA chunks closed by an empty DATA, and FIN in
/// answer to FIN.
///
/// One task writes (so packets never interleave) while another reads the
/// receiver's requests, which may arrive before the listing ends.
struct DiffCopySender: Sendable {
  let walker: ContextWalker
  let counters: FileSyncCounters

  enum Request: Sendable { case file(UInt32), finish }

  func run(inbound: RPCAsyncSequence<Fsutil_Types_Packet, any Error>, outbound: RPCWriter<Fsutil_Types_Packet>) async throws {
    let (requests, continuation) = AsyncThrowingStream.makeStream(of: Request.self)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        do {
          for try await packet in inbound {
            switch packet.type {
            case .packetReq: continuation.yield(.file(packet.id))
            case .packetFin:
              continuation.yield(.finish)
              continuation.finish()
              return
            case .packetErr:
              throw KilnError(.daemon, "file sync failed on the daemon: \(String(decoding: packet.data, as: UTF8.self))")
            default: continue
            }
          }
          continuation.finish()
        } catch {
          continuation.finish(throwing: error)
          throw error
        }
      }
      group.addTask {
        // Content-bearing entries by ID: only paths, never content.
        var files: [UInt32: String] = [:]
        var id: UInt32 = 0
        let root = walker.root
        do {
          try await walker.walk { entry in
            if entry.hasContent { files[id] = entry.path }
            id += 1
            var packet = Fsutil_Types_Packet()
            packet.type = .packetStat
            packet.stat = Self.stat(entry)
            try await outbound.write(packet)
            counters.addStat()
          }
        } catch {
          var packet = Fsutil_Types_Packet()
          packet.type = .packetErr
          packet.data = Data(String(describing: error).utf8)
          try? await outbound.write(packet)
          throw error
        }
        var end = Fsutil_Types_Packet()
        end.type = .packetStat
        try await outbound.write(end)
        for try await request in requests {
          switch request {
          case .file(let fileID):
            guard let path = files.removeValue(forKey: fileID) else {
              throw KilnError(.daemon, "the daemon requested unknown file id \(fileID)")
            }
            try await sendFile(id: fileID, path: root + "/" + path, outbound: outbound)
          case .finish:
            var fin = Fsutil_Types_Packet()
            fin.type = .packetFin
            try await outbound.write(fin)
            return
          }
        }
      }
      try await group.waitForAll()
    }
  }

  private func sendFile(id: UInt32, path: String, outbound: RPCWriter<Fsutil_Types_Packet>) async throws {
    var total: Int64 = 0
    // A file removed since the listing is sent empty, as fsutil does.
    if let chunks = try? FileChunks(path: path) {
      while let chunk = try chunks.next() {
        var packet = Fsutil_Types_Packet()
        packet.type = .packetData
        packet.id = id
        packet.data = Data(chunk)
        total += Int64(chunk.count)
        try await outbound.write(packet)
      }
    }
    var done = Fsutil_Types_Packet()
    done.type = .packetData
    done.id = id
    try await outbound.write(done)
    counters.addFile(bytes: total)
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
    return stat
  }
}

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

/// The receiving side of fsutil's DiffCopy, for the `local` exporter: the
/// daemon lists entries (STAT …, empty STAT), Kiln requests every regular
/// file (REQ id), writes the DATA chunks as they arrive (several files may
/// interleave), then sends FIN and waits for the daemon's FIN.
///
/// Every path goes through ``OutputPath`` first, so nothing is written
/// outside the destination.
struct DiffCopyReceiver: Sendable {
  let destination: OutputPath

  struct PendingFile {
    var path: String
    var mode: UInt32
    var modTime: Int64
    var fd: Int32 = -1
  }

  func run(inbound: RPCAsyncSequence<[UInt8], any Error>, outbound: RPCWriter<[UInt8]>) async throws {
    try FileManager.default.createDirectory(atPath: destination.root, withIntermediateDirectories: true)
    var files: [UInt32: PendingFile] = [:]
    var hardLinks: [(String, String)] = []
    // Extended attributes are set once every entry is written (files are created as their data arrives).
    var attributed: [(String, [String: [UInt8]])] = []
    var iterator = inbound.makeAsyncIterator()
    var index: UInt32 = 0
    // The listing.
    while let raw = try await iterator.next() {
      let packet = try Fsutil_Types_Packet(serializedBytes: raw)
      if packet.type == .packetErr { throw Self.daemonError(packet) }
      guard packet.type == .packetStat else { continue }
      guard packet.hasStat, !packet.stat.path.isEmpty else { break }
      defer { index += 1 }
      let stat = packet.stat
      let path = try destination.resolve(stat.path)
      if !stat.xattrs.isEmpty { attributed.append((path, stat.xattrs.mapValues { [UInt8]($0) })) }
      let mode = stat.mode
      if mode & GoFileMode.dir != 0 {
        if mkdir(path, mode_t(mode & 0o777 | 0o700)) != 0, errno != EEXIST { throw Self.ioError("cannot create directory", path) }
      } else if mode & GoFileMode.symlink != 0 {
        unlink(path)
        if symlink(stat.linkname, path) != 0 { throw Self.ioError("cannot create symlink", path) }
      } else if mode & GoFileMode.typeMask == 0 {
        if !stat.linkname.isEmpty {
          hardLinks.append((try destination.resolve(stat.linkname), path))
        } else {
          files[index] = PendingFile(path: path, mode: mode & 0o777, modTime: stat.modTime)
        }
      }
      // Devices, pipes and sockets are not recreated in a local output.
    }
    let requested = files.keys.sorted()
    var remaining = Set(requested)
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for id in requested {
          var request = Fsutil_Types_Packet()
          request.type = .packetReq
          request.id = id
          try await outbound.write(try request.serializedBytes())
        }
      }
      defer { for file in files.values where file.fd >= 0 { close(file.fd) } }
      while !remaining.isEmpty, let raw = try await iterator.next() {
        let packet = try Fsutil_Types_Packet(serializedBytes: raw)
        if packet.type == .packetErr { throw Self.daemonError(packet) }
        guard packet.type == .packetData, var file = files[packet.id], remaining.contains(packet.id) else { continue }
        if file.fd < 0 {
          unlink(file.path)
          file.fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode_t(file.mode))
          guard file.fd >= 0 else { throw Self.ioError("cannot create", file.path) }
        }
        if packet.data.isEmpty {
          fchmod(file.fd, mode_t(file.mode))
          close(file.fd)
          file.fd = -1
          Self.setModTime(file.path, file.modTime)
          remaining.remove(packet.id)
        } else {
          try FileSendService.writeAll(file.fd, packet.data, path: file.path)
        }
        files[packet.id] = file
      }
      guard remaining.isEmpty else {
        throw KilnError(.daemon, "the daemon ended the export before sending \(remaining.count) file(s)")
      }
      try await group.next()
    }
    for (existing, newPath) in hardLinks {
      unlink(newPath)
      if link(existing, newPath) != 0 { throw Self.ioError("cannot create hard link", newPath) }
    }
    for (path, attributes) in attributed { ExtendedAttributes.write(attributes, to: path) }
    var fin = Fsutil_Types_Packet()
    fin.type = .packetFin
    try await outbound.write(try fin.serializedBytes())
    // Wait for the daemon's FIN (or the end of its stream).
    while let raw = try await iterator.next() {
      if (try? Fsutil_Types_Packet(serializedBytes: raw))?.type == .packetFin { break }
    }
  }

  static func setModTime(_ path: String, _ nanos: Int64) {
    let spec = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
    var times = [spec, spec]
    utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
  }

  static func daemonError(_ packet: Fsutil_Types_Packet) -> KilnError {
    KilnError(.daemon, "the export failed on the daemon: \(String(decoding: packet.data, as: UTF8.self))")
  }

  static func ioError(_ what: String, _ path: String) -> KilnError {
    KilnError(.io, "\(what) \(path): \(String(cString: strerror(errno)))")
  }
}

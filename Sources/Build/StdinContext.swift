public import BuildKit
public import Foundation
import KilnCore

/// `kiln build -`: what stdin holds, told apart as buildx does from its first
/// kilobyte. An archive (tar, or tar compressed with gzip, bzip2 or xz) is
/// the build context, streamed to the daemon through the session; anything
/// else is a Dockerfile, built with an empty context.
public enum StdinContext: Sendable {
  case archive(SessionUpload)
  case dockerfile(String)

  /// buildx peeks at two tar blocks.
  static let peekSize = 1024

  /// Reads from `descriptor` (stdin): just the head when it is an archive, all
  /// of it when it is a Dockerfile.
  public static func read(descriptor: Int32 = STDIN_FILENO, dockerfileFlag: String?) throws -> StdinContext {
    if dockerfileFlag == "-" {
      throw KilnError(.invalidArgument, "invalid argument: can't use stdin for both build context and dockerfile")
    }
    let head = try readUpTo(peekSize, from: descriptor)
    if head.isEmpty {
      throw KilnError(.invalidArgument, "unable to prepare context: stdin is empty (give a Dockerfile or a tar archive of the context)")
    }
    if isArchive(head) { return .archive(SessionUpload(head: head, descriptor: descriptor)) }
    if dockerfileFlag != nil {
      throw KilnError(.invalidArgument, "ambiguous Dockerfile source: both stdin and flag correspond to Dockerfiles")
    }
    var text = head
    text.append(try readUpTo(.max, from: descriptor))
    return .dockerfile(String(decoding: text, as: UTF8.self))
  }

  /// Whether `header` starts a compressed stream buildx recognises, or a tar
  /// header whose checksum holds.
  static func isArchive(_ header: Data) -> Bool {
    let bytes = [UInt8](header)
    let magics: [[UInt8]] = [[0x42, 0x5A, 0x68], [0x1F, 0x8B, 0x08], [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]]
    if magics.contains(where: { bytes.starts(with: $0) }) { return true }
    return isTarHeader(bytes)
  }

  /// A 512-byte tar header block: not all zeros (that is the end marker) and
  /// with a valid checksum (the octal sum of its bytes, the checksum field
  /// counted as spaces; old tars summed signed bytes).
  static func isTarHeader(_ bytes: [UInt8]) -> Bool {
    guard bytes.count >= 512 else { return false }
    let block = bytes[0..<512]
    if block.allSatisfy({ $0 == 0 }) { return false }
    // Octal digits, padded with spaces or NULs on either side.
    let padding: Set<UInt8> = [0, 0x20]
    let digits = block[148..<156].drop { padding.contains($0) }.reversed().drop { padding.contains($0) }.reversed()
    guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x37).contains($0) }),
      let stored = Int(String(decoding: digits, as: UTF8.self), radix: 8)
    else { return false }
    var unsigned = 0
    var signed = 0
    for (index, byte) in block.enumerated() {
      let value = (148..<156).contains(index) ? 0x20 : byte
      unsigned += Int(value)
      signed += Int(Int8(bitPattern: value))
    }
    return stored == unsigned || stored == signed
  }

  /// Reads until `limit` bytes or the end of the stream.
  static func readUpTo(_ limit: Int, from descriptor: Int32) throws -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while data.count < limit {
      let count = Foundation.read(descriptor, &buffer, min(buffer.count, limit - data.count))
      if count == 0 { break }
      if count < 0 {
        if errno == EINTR { continue }
        throw KilnError(.io, "cannot read the build context from stdin: \(String(cString: strerror(errno)))")
      }
      data.append(contentsOf: buffer[..<count])
    }
    return data
  }
}

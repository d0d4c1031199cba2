import Foundation
import KilnCore
import Testing

@testable import Build
@testable import BuildKit

/// Telling a context archive from a Dockerfile on stdin, as buildx does.
struct StdinContextTests {
  /// A pipe holding `data` (written before reading, so keep it under the pipe's 64 KiB).
  static func pipe(_ data: Data) throws -> Int32 {
    var fds: [Int32] = [0, 0]
    try #require(Glibc.pipe(&fds) == 0)
    data.withUnsafeBytes { _ = write(fds[1], $0.baseAddress, $0.count) }
    close(fds[1])
    return fds[0]
  }

  static func tarball(gzip: Bool = false) throws -> Data {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-stdin-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Data(String(repeating: "x", count: 3000).utf8).write(to: URL(fileURLWithPath: dir + "/file"))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/tar")
    process.arguments = [gzip ? "-czf" : "-cf", dir + "/out", "-C", dir, "file"]
    try process.run()
    process.waitUntilExit()
    return try Data(contentsOf: URL(fileURLWithPath: dir + "/out"))
  }

  @Test func archivesAreRecognised() throws {
    #expect(StdinContext.isArchive(try Self.tarball()))
    #expect(StdinContext.isArchive(try Self.tarball(gzip: true)))
    #expect(StdinContext.isArchive(Data([0x42, 0x5A, 0x68, 0x39])))  // bzip2
    #expect(StdinContext.isArchive(Data([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00])))  // xz
  }

  @Test func otherInputIsNotAnArchive() throws {
    #expect(!StdinContext.isArchive(Data("FROM scratch\nCOPY . /\n".utf8)))
    #expect(!StdinContext.isArchive(Data(count: 1024)))  // the end-of-archive marker
    var corrupt = try Self.tarball()
    corrupt[0] ^= 0x01  // the checksum no longer holds
    #expect(!StdinContext.isArchive(corrupt))
    let text = Data(String(repeating: "RUN echo hello world\n", count: 60).utf8)
    #expect(!StdinContext.isArchive(text))
  }

  @Test func archiveKeepsTheRestUnread() throws {
    let tar = try Self.tarball()
    let fd = try Self.pipe(tar)
    defer { close(fd) }
    guard case .archive(let upload) = try StdinContext.read(descriptor: fd, dockerfileFlag: "sub/Dockerfile") else {
      Issue.record("not taken as an archive")
      return
    }
    #expect(upload.head == tar.prefix(1024))
    #expect(upload.url == "http://buildkit-session/" + upload.id)
    #expect(try StdinContext.readUpTo(.max, from: fd) == tar.dropFirst(1024))
  }

  @Test func dockerfileIsReadWhole() throws {
    let text = "FROM scratch\n" + String(repeating: "# comment\n", count: 500)
    let fd = try Self.pipe(Data(text.utf8))
    defer { close(fd) }
    guard case .dockerfile(let read) = try StdinContext.read(descriptor: fd, dockerfileFlag: nil) else {
      Issue.record("not taken as a Dockerfile")
      return
    }
    #expect(read == text)
  }

  @Test func refusals() throws {
    #expect(throws: KilnError.self) { try StdinContext.read(descriptor: try Self.pipe(Data("x".utf8)), dockerfileFlag: "-") }
    #expect(throws: KilnError.self) { try StdinContext.read(descriptor: try Self.pipe(Data("FROM scratch\n".utf8)), dockerfileFlag: "Dockerfile") }
    #expect(throws: KilnError.self) { try StdinContext.read(descriptor: try Self.pipe(Data()), dockerfileFlag: nil) }
  }
}

import Foundation
import KilnCore
import Testing

@testable import BuildKit

/// The session content store on disk: streamed writes verified by digest,
/// atomic commits, resumable and abortable ingests, reads by range, and
/// digests that can never name a path outside `blobs/`.
struct OCILayoutStoreTests {
  static func root() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-store-" + UUID().uuidString).path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  static func sha256(_ bytes: [UInt8]) -> String {
    var hasher = SHA256Hasher()
    hasher.update(bytes)
    return "sha256:" + hasher.finalizeHex()
  }

  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
  ])
  func hasherMatchesKnownVectors(input: String, hex: String) {
    var whole = SHA256Hasher()
    whole.update(Array(input.utf8))
    #expect(whole.finalizeHex() == hex)
    // Fed a byte at a time, across block boundaries.
    var pieces = SHA256Hasher()
    for byte in input.utf8 { pieces.update([byte]) }
    #expect(pieces.finalizeHex() == hex)
  }

  @Test func hasherAgreesAcrossChunkings() {
    let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    var whole = SHA256Hasher()
    whole.update(data)
    var chunked = SHA256Hasher()
    var index = 0
    for size in [1, 63, 64, 65, 127, 1000, 4096] + Array(repeating: 10_000, count: 20) where index < data.count {
      let end = min(index + size, data.count)
      chunked.update(Array(data[index..<end]))
      index = end
    }
    #expect(chunked.finalizeHex() == whole.finalizeHex())
  }

  @Test func writeCommitReadBack() async throws {
    let root = try Self.root()
    let store = OCILayoutStore(root: root)
    let data = (0..<300_000).map { UInt8(truncatingIfNeeded: $0) }
    let digest = Self.sha256(data)
    let writer = try store.writer(ref: "layer-1", total: Int64(data.count), expected: digest)
    try writer.write(Array(data[..<100_000]))
    try writer.write(Array(data[100_000...]))
    #expect(try store.status(ref: "layer-1").offset == 300_000)
    #expect(try writer.commit(size: Int64(data.count), expected: digest).description == digest)

    let hex = String(digest.dropFirst("sha256:".count))
    let path = root + "/blobs/sha256/" + hex
    #expect(FileManager.default.contents(atPath: path) == Data(data))
    #expect(try store.info(BlobDigest(digest)).size == 300_000)
    #expect(throws: ContentStoreError.self) { try store.status(ref: "layer-1") }
    #expect((try? FileManager.default.contentsOfDirectory(atPath: root + "/ingest"))?.isEmpty == true)

    var read: [UInt8] = []
    var offsets: [Int64] = []
    try await store.read(BlobDigest(digest), offset: 1000, count: 150_000, chunkSize: 64 * 1024) { chunk, offset in
      read += chunk
      offsets.append(offset)
    }
    #expect(read == Array(data[1000..<151_000]))
    #expect(offsets == [1000, 1000 + 65536, 1000 + 131_072])

    // A second write of the same content is refused up front, as containerd does.
    #expect(throws: ContentStoreError.alreadyExists("content \(digest): already exists")) {
      try store.writer(ref: "layer-again", expected: digest)
    }
    #expect(try store.list().map(\.digest.description) == [digest])
  }

  @Test func digestMismatchKeepsNothing() throws {
    let root = try Self.root()
    let store = OCILayoutStore(root: root)
    let wrong = Self.sha256(Array("other".utf8))
    let writer = try store.writer(ref: "bad")
    try writer.write(Array("content".utf8))
    #expect(throws: ContentStoreError.self) { try writer.commit(size: 0, expected: wrong) }
    #expect(throws: ContentStoreError.self) { try writer.commit(size: 99, expected: "") }
    writer.close()
    #expect((try? FileManager.default.contentsOfDirectory(atPath: root + "/blobs/sha256")) ?? [] == [])
    #expect(throws: ContentStoreError.self) { try store.info(BlobDigest(wrong)) }
    // The ingest stays until aborted; then it is gone.
    #expect(try store.status(ref: "bad").offset == 7)
    try store.abort(ref: "bad")
    #expect(throws: ContentStoreError.self) { try store.status(ref: "bad") }
    #expect(throws: ContentStoreError.self) { try store.abort(ref: "bad") }
  }

  @Test func refsAreExclusiveAndResumable() throws {
    let store = OCILayoutStore(root: try Self.root())
    let first = try store.writer(ref: "r")
    #expect(throws: ContentStoreError.self) { try store.writer(ref: "r") }
    try first.write(Array("hello ".utf8))
    first.close()
    // A new writer of the ref resumes where the last one stopped.
    let second = try store.writer(ref: "r")
    #expect(second.offset == 6)
    try second.write(Array("world".utf8))
    let expected = Self.sha256(Array("hello world".utf8))
    #expect(second.digest == expected)
    // Restarting from offset 0 (the daemon's retry) truncates and rehashes.
    try second.truncate(to: 0)
    try second.write(Array("hello world".utf8))
    #expect(try second.commit(size: 11, expected: expected).description == expected)
  }

  @Test(arguments: [
    "sha256:../../../../etc/passwd",
    "sha256:/etc/passwd",
    "../sha256:" + String(repeating: "a", count: 64),
    "sha256:" + String(repeating: "A", count: 64),
    "sha256:" + String(repeating: "a", count: 63),
    "sha256:" + String(repeating: "a", count: 63) + "/",
    "md5:" + String(repeating: "a", count: 32),
    "sha256",
    "",
  ])
  func digestsCannotNameOtherPaths(text: String) {
    #expect(throws: ContentStoreError.self) { try BlobDigest(text) }
  }

  @Test func symlinkedBlobsDirectoryIsRefused() throws {
    let root = try Self.root()
    let outside = try Self.root()
    try FileManager.default.createSymbolicLink(atPath: root + "/blobs", withDestinationPath: outside)
    let store = OCILayoutStore(root: root)
    let data = Array("x".utf8)
    let writer = try store.writer(ref: "x")
    try writer.write(data)
    #expect(throws: ContentStoreError.self) { try writer.commit(size: 1, expected: Self.sha256(data)) }
    #expect((try? FileManager.default.contentsOfDirectory(atPath: outside)) == [])
  }

  @Test func resetKeepsOnlyWhatTheIndexReaches() throws {
    let root = try Self.root()
    let store = OCILayoutStore(root: root)
    func put(_ text: String) throws -> String {
      let bytes = Array(text.utf8)
      let writer = try store.writer(ref: text)
      try writer.write(bytes)
      return try writer.commit(size: Int64(bytes.count), expected: "").description
    }
    let layer = try put("layer")
    let config = try put("config")
    let stray = try put("stray")
    let manifest = try put(#"{"schemaVersion":2,"config":{"digest":"\#(config)"},"layers":[{"digest":"\#(layer)"}]}"#)
    let descriptor = #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(manifest)","size":1}"#
    try OCILayoutIndex.put(descriptor: Data(descriptor.utf8), in: root, names: [.tag("latest")])
    #expect(try OCILayoutIndex.removeUnreferencedBlobs(in: root) == [stray])
    #expect(Set(try store.list().map(\.digest.description)) == [layer, config, manifest])
  }

  @Test func indexPutAndLookup() throws {
    let root = try Self.root()
    let first = #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:\#(String(repeating: "1", count: 64))","size":10}"#
    let second = #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:\#(String(repeating: "2", count: 64))","size":20}"#
    try OCILayoutIndex.put(descriptor: Data(first.utf8), in: root, names: [.tag("latest")])
    #expect(try OCILayoutIndex.singleDigest(in: root) == "sha256:" + String(repeating: "1", count: 64))
    try OCILayoutIndex.put(descriptor: Data(second.utf8), in: root, names: [.image("docker.io/library/app:v1")])
    try OCILayoutIndex.put(descriptor: Data(second.utf8), in: root, names: [.tag("latest")])
    #expect(try OCILayoutIndex.digest(in: root, tag: "latest") == "sha256:" + String(repeating: "2", count: 64))
    #expect(try OCILayoutIndex.digest(in: root, tag: "v1") == "sha256:" + String(repeating: "2", count: 64))
    #expect(try OCILayoutIndex.digest(in: root, tag: "docker.io/library/app:v1") == "sha256:" + String(repeating: "2", count: 64))
    #expect(try OCILayoutIndex.singleDigest(in: root) == nil)
    let layout = String(decoding: FileManager.default.contents(atPath: root + "/oci-layout") ?? Data(), as: UTF8.self)
    #expect(layout == #"{"imageLayoutVersion":"1.0.0"}"#)
    let index = String(decoding: FileManager.default.contents(atPath: root + "/index.json") ?? Data(), as: UTF8.self)
    #expect(index.hasPrefix(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"#))
    #expect(!FileManager.default.fileExists(atPath: root + "/index.json.lock"))
    #expect(OCILayoutIndex.referenceObject("docker.io/library/app:v1") == "v1")
    #expect(OCILayoutIndex.referenceObject("app:v1") == "")
  }
}

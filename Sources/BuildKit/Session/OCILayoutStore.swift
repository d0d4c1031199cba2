#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation
import KilnCore
import Synchronization

// The C calls under names that the types' own `close()` cannot shadow.
private func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 { open(path, flags, mode) }
private func posixClose(_ fd: Int32) { _ = close(fd) }

/// Why a content store operation failed, in containerd's terms (the session
/// service turns these into the gRPC codes containerd's content server uses).
public enum ContentStoreError: Error, Equatable, CustomStringConvertible {
  case notFound(String)
  case alreadyExists(String)
  /// A writer for this ref is open already (the daemon retries).
  case unavailable(String)
  case failedPrecondition(String)
  case invalidArgument(String)
  case io(String)

  public var description: String {
    switch self {
    case .notFound(let m), .alreadyExists(let m), .unavailable(let m), .failedPrecondition(let m), .invalidArgument(let m), .io(let m): m
    }
  }
}

/// A content-addressed blob's digest, parsed strictly: the algorithm and
/// lowercase hex of the right length, so its path can never leave `blobs/`.
public struct BlobDigest: Sendable, Hashable, CustomStringConvertible {
  public let algorithm: String
  public let hex: String

  static let hexLengths = ["sha256": 64, "sha384": 96, "sha512": 128]

  public init(_ text: String) throws(ContentStoreError) {
    let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2, let length = Self.hexLengths[String(parts[0])] else {
      throw .invalidArgument("\(text) is not a valid digest")
    }
    guard parts[1].utf8.count == length, parts[1].utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
      throw .invalidArgument("\(text) is not a valid digest")
    }
    algorithm = String(parts[0])
    hex = String(parts[1])
  }

  public var description: String { algorithm + ":" + hex }
}

/// What the store knows of a blob: containerd's `content.Info` (no labels:
/// like containerd's local store without a label store).
public struct BlobInfo: Sendable, Equatable {
  public var digest: BlobDigest
  public var size: Int64
  public var modified: Date
}

/// An unfinished write, containerd's `content.Status`.
public struct IngestStatus: Sendable, Equatable {
  public var ref: String
  public var offset: Int64
  public var total: Int64
  public var expected: String
  public var startedAt: Date
  public var updatedAt: Date
}

/// An OCI image layout directory (`blobs/<alg>/<hex>`, `index.json`,
/// `oci-layout`) used as a containerd content store, as BuildKit's client
/// uses containerd's local store for `type=local` cache, `oci-layout://`
/// contexts and `oci`/`docker` exports with `tar=false`.
///
/// Writes stream into `ingest/` under the root (the same file system, so
/// committing is a rename), are hashed as they arrive, and become a blob
/// only when size and digest match what the writer expected.
public final class OCILayoutStore: Sendable {
  public let root: String
  private let openRefs = Mutex<[String: Date]>([:])

  public init(root: String) {
    self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
  }

  // MARK: Blobs

  /// The path of a blob, after checking that `blobs/` and `blobs/<alg>/` are
  /// real directories if they exist (a symlink there could lead elsewhere).
  public func blobPath(_ digest: BlobDigest) throws(ContentStoreError) -> String {
    for directory in [root + "/blobs", root + "/blobs/" + digest.algorithm] {
      var st = stat()
      if lstat(directory, &st) == 0, st.st_mode & S_IFMT != S_IFDIR {
        throw .failedPrecondition("\(directory) is not a directory")
      }
    }
    return root + "/blobs/" + digest.algorithm + "/" + digest.hex
  }

  public func info(_ digest: BlobDigest) throws(ContentStoreError) -> BlobInfo {
    let path = try blobPath(digest)
    var st = stat()
    guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
      throw .notFound("content \(digest): not found")
    }
    return BlobInfo(digest: digest, size: Int64(st.st_size), modified: Self.modified(st))
  }

  /// Every blob in the layout.
  public func list() throws(ContentStoreError) -> [BlobInfo] {
    var infos: [BlobInfo] = []
    for algorithm in BlobDigest.hexLengths.keys.sorted() {
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: root + "/blobs/" + algorithm) else { continue }
      for name in names.sorted() {
        guard let digest = try? BlobDigest(algorithm + ":" + name), let info = try? info(digest) else { continue }
        infos.append(info)
      }
    }
    return infos
  }

  public func delete(_ digest: BlobDigest) throws(ContentStoreError) {
    let path = try blobPath(digest)
    guard unlink(path) == 0 else {
      if errno == ENOENT { throw .notFound("content \(digest): not found") }
      throw .io("cannot remove \(path): \(Self.errorText())")
    }
  }

  /// Reads `count` bytes of a blob from `offset` (fewer at its end), a chunk
  /// at a time: `body` gets each chunk and the offset it starts at.
  public func read(
    _ digest: BlobDigest, offset: Int64, count: Int64, chunkSize: Int = 1 << 20,
    _ body: (_ chunk: [UInt8], _ offset: Int64) async throws -> Void
  ) async throws {
    let size = try info(digest).size
    let start = max(offset, 0)
    guard start <= size else { throw ContentStoreError.invalidArgument("read past object length \(size) bytes") }
    let length = count <= 0 || start + count > size ? size - start : count
    let path = try blobPath(digest)
    let fd = posixOpen(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard fd >= 0 else { throw ContentStoreError.io("cannot open \(path): \(Self.errorText())") }
    defer { posixClose(fd) }
    var position = start
    var buffer = [UInt8](repeating: 0, count: chunkSize)
    while position < start + length {
      let want = Int(min(Int64(chunkSize), start + length - position))
      let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(position)) }
      if got < 0, errno == EINTR { continue }
      guard got > 0 else { throw ContentStoreError.io("cannot read \(path): \(got == 0 ? "unexpected end of file" : Self.errorText())") }
      try await body(Array(buffer[..<got]), position)
      position += Int64(got)
    }
  }

  // MARK: Writes

  /// The ingest file of a ref: named by the ref's hash, so any ref is a safe name.
  func ingestPath(_ ref: String) -> String {
    var hasher = SHA256Hasher()
    hasher.update(Array(ref.utf8))
    return root + "/ingest/" + hasher.finalizeHex()
  }

  /// Opens a writer for `ref`, resuming what an earlier writer of the same
  /// ref left. Fails with `alreadyExists` when the expected blob is there,
  /// `unavailable` while another writer holds the ref.
  public func writer(ref: String, total: Int64 = 0, expected: String = "") throws(ContentStoreError) -> IngestWriter {
    guard !ref.isEmpty else { throw .invalidArgument("ref must not be empty") }
    if !expected.isEmpty, (try? info(BlobDigest(expected))) != nil {
      throw .alreadyExists("content \(expected): already exists")
    }
    let started: Date? = openRefs.withLock { refs in
      guard refs[ref] == nil else { return nil }
      let now = Date()
      refs[ref] = now
      return now
    }
    guard let started else { throw .unavailable("ref \(ref) locked: unavailable") }
    do {
      try Self.makeDirectory(root + "/ingest")
      return try IngestWriter(store: self, ref: ref, path: ingestPath(ref), total: total, expected: expected, startedAt: started)
    } catch {
      release(ref)
      throw error
    }
  }

  func release(_ ref: String) {
    _ = openRefs.withLock { $0.removeValue(forKey: ref) }
  }

  public func status(ref: String) throws(ContentStoreError) -> IngestStatus {
    let path = ingestPath(ref)
    var st = stat()
    guard lstat(path, &st) == 0 else { throw .notFound("status of \(ref): not found") }
    let started = openRefs.withLock { $0[ref] } ?? Self.modified(st)
    return IngestStatus(ref: ref, offset: Int64(st.st_size), total: 0, expected: "", startedAt: started, updatedAt: Self.modified(st))
  }

  /// Unfinished writes this store opened (ingest files of refs it knows).
  public func statuses() -> [IngestStatus] {
    let refs = openRefs.withLock { Array($0.keys) }
    return refs.sorted().compactMap { try? status(ref: $0) }
  }

  /// Drops an unfinished write.
  public func abort(ref: String) throws(ContentStoreError) {
    let path = ingestPath(ref)
    guard unlink(path) == 0 else {
      if errno == ENOENT { throw .notFound("ingest ref \(ref): not found") }
      throw .io("cannot remove \(path): \(Self.errorText())")
    }
  }

  /// Removes `ingest/` when nothing is left in it (after a build).
  public func removeEmptyIngest() {
    rmdir(root + "/ingest")
  }

  /// Moves a verified ingest file into `blobs/`, read-only as containerd leaves blobs.
  func commit(ingest: String, digest: BlobDigest) throws(ContentStoreError) {
    let target = try blobPath(digest)
    try Self.makeDirectory(root + "/blobs/" + digest.algorithm)
    var st = stat()
    if lstat(target, &st) == 0 {
      unlink(ingest)
      throw .alreadyExists("content \(digest): already exists")
    }
    chmod(ingest, 0o444)
    guard rename(ingest, target) == 0 else { throw .io("cannot move \(ingest) to \(target): \(Self.errorText())") }
  }

  static func makeDirectory(_ path: String) throws(ContentStoreError) {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw .io("cannot create \(path): \(error.localizedDescription)")
    }
  }

  static func modified(_ st: stat) -> Date {
    Date(timeIntervalSince1970: TimeInterval(st.st_mtim.tv_sec) + TimeInterval(st.st_mtim.tv_nsec) / 1e9)
  }

  static func errorText() -> String { String(cString: strerror(errno)) }
}

/// One write into an ``OCILayoutStore``: data is appended to the ingest file
/// and hashed as it arrives; ``commit(size:expected:)`` verifies and publishes.
public final class IngestWriter {
  public let ref: String
  let store: OCILayoutStore
  let path: String
  private var fd: Int32
  private var hasher = SHA256Hasher()
  public private(set) var offset: Int64 = 0
  public private(set) var total: Int64
  public private(set) var expected: String
  public let startedAt: Date
  public private(set) var updatedAt: Date
  private var closed = false

  init(store: OCILayoutStore, ref: String, path: String, total: Int64, expected: String, startedAt: Date) throws(ContentStoreError) {
    self.store = store
    self.ref = ref
    self.path = path
    self.total = total
    self.expected = expected
    self.startedAt = startedAt
    updatedAt = startedAt
    fd = posixOpen(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
    guard fd >= 0 else { throw .io("cannot open \(path): \(OCILayoutStore.errorText())") }
    // Resume: what an earlier writer of this ref wrote counts, and is hashed again.
    try rehash(upTo: Int64.max)
  }

  deinit { close() }

  /// The digest of what was written so far.
  public var digest: String {
    var copy = hasher
    return "sha256:" + copy.finalizeHex()
  }

  public func update(total: Int64, expected: String) {
    if total > 0 { self.total = total }
    if !expected.isEmpty { self.expected = expected }
  }

  /// Appends `bytes` (the caller checks that they belong at ``offset``).
  public func write(_ bytes: [UInt8]) throws(ContentStoreError) {
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done)) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .io("cannot write \(path): \(OCILayoutStore.errorText())")
      }
      done += n
    }
    bytes.withUnsafeBytes { hasher.update($0) }
    offset += Int64(bytes.count)
    updatedAt = Date()
  }

  /// Cuts the written data back to `size` bytes.
  public func truncate(to size: Int64) throws(ContentStoreError) {
    guard ftruncate(fd, off_t(size)) == 0 else { throw .io("cannot truncate \(path): \(OCILayoutStore.errorText())") }
    try rehash(upTo: size)
  }

  private func rehash(upTo limit: Int64) throws(ContentStoreError) {
    hasher = SHA256Hasher()
    offset = 0
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while offset < limit {
      let want = Int(min(Int64(buffer.count), limit - offset))
      let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(offset)) }
      if n < 0, errno == EINTR { continue }
      guard n >= 0 else { throw .io("cannot read \(path): \(OCILayoutStore.errorText())") }
      if n == 0 { break }
      buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0.prefix(n))) }
      offset += Int64(n)
    }
  }

  /// Verifies size and digest, then moves the data into `blobs/`. Returns
  /// the digest. On a mismatch the ingest is kept (containerd's behaviour:
  /// the writer may truncate and retry, or abort).
  @discardableResult
  public func commit(size: Int64, expected: String) throws(ContentStoreError) -> BlobDigest {
    let size = size > 0 ? size : total
    let expected = expected.isEmpty ? self.expected : expected
    if size > 0, size != offset {
      throw .failedPrecondition("unexpected commit size \(offset), expected \(size)")
    }
    let actual = try BlobDigest(digest)
    if !expected.isEmpty {
      let wanted = try BlobDigest(expected)
      guard wanted.algorithm == "sha256" else { throw .invalidArgument("unsupported digest algorithm \(wanted.algorithm)") }
      guard wanted == actual else { throw .failedPrecondition("unexpected commit digest \(actual), expected \(wanted)") }
    }
    guard fsync(fd) == 0 else { throw .io("cannot sync \(path): \(OCILayoutStore.errorText())") }
    close()
    try store.commit(ingest: path, digest: actual)
    return actual
  }

  /// Ends the write without committing; the ingest stays for a later writer of the ref.
  public func close() {
    guard !closed else { return }
    closed = true
    posixClose(fd)
    store.release(ref)
  }
}

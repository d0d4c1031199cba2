import KilnCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A failed system call: which call, on what path, and `errno`.
struct SystemCallError: Error, CustomStringConvertible {
  var call: String
  var path: String
  var errno: Int32

  var description: String { "\(call) \(path): \(String(cString: strerror(errno)))" }
  var isNotFound: Bool { errno == ENOENT }
}

/// The POSIX file operations the builder store needs. Paths are plain
/// strings; everything here is synchronous and meant to run while the store
/// lock is held.
enum StoreFileSystem {
  /// Instance files are a few kilobytes; the cap keeps a stray huge file
  /// from being read into memory.
  static let maxFileSize = 64 << 20

  static func kilnError(_ error: SystemCallError, _ message: String) -> KilnError {
    KilnError(error.errno == ENOENT ? .notFound : .io, message, underlying: error)
  }

  /// The file's bytes, or nil when it does not exist.
  static func readIfExists(_ path: String) throws(SystemCallError) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT { return nil }
      throw SystemCallError(call: "open", path: path, errno: errno)
    }
    defer { close(fd) }
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16 << 10)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw SystemCallError(call: "read", path: path, errno: errno)
      }
      if n == 0 { return result }
      result += chunk[0..<n]
      if result.count > maxFileSize { throw SystemCallError(call: "read", path: path, errno: EFBIG) }
    }
  }

  static func readFile(_ path: String) throws(SystemCallError) -> [UInt8] {
    guard let bytes = try readIfExists(path) else { throw SystemCallError(call: "open", path: path, errno: ENOENT) }
    return bytes
  }

  /// Replaces `path` atomically: a temporary file in the same directory is
  /// written, synced and renamed over it, so readers (Kiln or buildx) see
  /// the old or the new content, never a torn file. The `.tmp-` prefix is
  /// the one buildx's writer uses, and listing skips such names.
  static func atomicWrite(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600, owner: FileOwner?) throws(SystemCallError) {
    let (directory, base) = split(path)
    var fd: Int32 = -1
    var temp = ""
    for _ in 0..<100 {
      temp = directory + "/.tmp-" + base + String(UInt32.random(in: .min ... .max))
      fd = open(temp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
      if fd >= 0 || errno != EEXIST { break }
    }
    if fd < 0 { throw SystemCallError(call: "open", path: temp, errno: errno) }
    var committed = false
    defer {
      if fd >= 0 { close(fd) }
      if !committed { unlink(temp) }
    }
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { buffer -> Int in
        guard let base = buffer.baseAddress else { return 0 }
        return write(fd, base + offset, buffer.count - offset)
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw SystemCallError(call: "write", path: temp, errno: errno)
      }
      if n == 0 { throw SystemCallError(call: "write", path: temp, errno: EIO) }
      offset += n
    }
    if fchmod(fd, mode) != 0 { throw SystemCallError(call: "chmod", path: temp, errno: errno) }
    if let owner, fchown(fd, owner.uid, owner.gid) != 0 { throw SystemCallError(call: "chown", path: temp, errno: errno) }
    if fsync(fd) != 0 { throw SystemCallError(call: "fsync", path: temp, errno: errno) }
    let closeResult = close(fd)
    fd = -1
    if closeResult != 0 { throw SystemCallError(call: "close", path: temp, errno: errno) }
    if rename(temp, path) != 0 { throw SystemCallError(call: "rename", path: path, errno: errno) }
    committed = true
    syncDirectory(directory)
  }

  /// Makes the rename itself durable; failure only weakens durability, so it is ignored.
  private static func syncDirectory(_ directory: String) {
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = fsync(fd)
    close(fd)
  }

  static func split(_ path: String) -> (directory: String, base: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let directory = String(path[..<slash])
    return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
  }

  /// `mkdir -p` with `mode` for every directory it creates. With an
  /// owner, created directories are handed over, and so is `path` itself if
  /// it already existed (buildx does the same for its store directories).
  static func makeDirectories(_ path: String, mode: mode_t = 0o700, owner: FileOwner?) throws(SystemCallError) {
    var st = stat()
    guard stat(path, &st) == 0 else { return try createDirectories(path, mode: mode, owner: owner) }
    guard st.st_mode & S_IFMT == S_IFDIR else { throw SystemCallError(call: "mkdir", path: path, errno: ENOTDIR) }
    if let owner, st.st_uid != owner.uid || st.st_gid != owner.gid, chown(path, owner.uid, owner.gid) != 0 {
      throw SystemCallError(call: "chown", path: path, errno: errno)
    }
  }

  private static func createDirectories(_ path: String, mode: mode_t, owner: FileOwner?) throws(SystemCallError) {
    var st = stat()
    if stat(path, &st) == 0 {
      if st.st_mode & S_IFMT == S_IFDIR { return }
      throw SystemCallError(call: "mkdir", path: path, errno: ENOTDIR)
    }
    let parent = split(path).directory
    if parent != path, parent != ".", parent != "/" { try createDirectories(parent, mode: mode, owner: owner) }
    if mkdir(path, mode) != 0, errno != EEXIST { throw SystemCallError(call: "mkdir", path: path, errno: errno) }
    if let owner, chown(path, owner.uid, owner.gid) != 0 { throw SystemCallError(call: "chown", path: path, errno: errno) }
  }

  /// Entry names in `path`, without `.` and `..`, in no particular order.
  static func listDirectory(_ path: String) throws(SystemCallError) -> [String] {
    guard let dir = opendir(path) else { throw SystemCallError(call: "opendir", path: path, errno: errno) }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  static func exists(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0
  }

  static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
  }

  /// Removes a file; a missing file is not an error.
  static func removeFile(_ path: String) throws(SystemCallError) {
    if unlink(path) != 0, errno != ENOENT { throw SystemCallError(call: "unlink", path: path, errno: errno) }
  }

  /// `rm -rf`: symbolic links are removed, never followed.
  static func removeTree(_ path: String) throws(SystemCallError) {
    var st = stat()
    if lstat(path, &st) != 0 {
      if errno == ENOENT { return }
      throw SystemCallError(call: "lstat", path: path, errno: errno)
    }
    if st.st_mode & S_IFMT == S_IFDIR {
      for name in try listDirectory(path) { try removeTree(path + "/" + name) }
      if rmdir(path) != 0, errno != ENOENT { throw SystemCallError(call: "rmdir", path: path, errno: errno) }
    } else {
      try removeFile(path)
    }
  }
}

/// The user that files are handed to when Kiln runs under `sudo`, so the
/// store stays usable by the invoking user (buildx does the same).
struct FileOwner: Sendable, Equatable {
  var uid: uid_t
  var gid: gid_t
}

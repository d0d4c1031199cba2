#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KilnCore

/// One entry of a build context as fsutil describes it on the wire.
public struct FileEntry: Sendable, Equatable {
  /// Relative to the context root, `/`-separated, no leading `/`.
  public var path: String
  /// Go `os.FileMode` bits: permissions plus type bits (directory 1<<31, symlink 1<<27, ...).
  public var mode: UInt32
  public var uid: UInt32
  public var gid: UInt32
  public var size: Int64
  /// Unix time in nanoseconds.
  public var modTime: Int64
  /// A symlink's target, or for a hard link the path of the first entry with the same inode.
  public var linkname: String
  public var devMajor: Int64
  public var devMinor: Int64
  /// Extended attributes (`security.capability`, `user.*`, ...).
  public var xattrs: [String: [UInt8]] = [:]

  /// Regular files (and hard links to them) are the entries whose content the daemon may request.
  public var hasContent: Bool { mode & GoFileMode.typeMask == 0 }
}

/// Go's `os.FileMode` bits, which fsutil puts on the wire.
public enum GoFileMode {
  public static let dir: UInt32 = 1 << 31
  public static let symlink: UInt32 = 1 << 27
  public static let device: UInt32 = 1 << 26
  public static let namedPipe: UInt32 = 1 << 25
  public static let socket: UInt32 = 1 << 24
  public static let setuid: UInt32 = 1 << 23
  public static let setgid: UInt32 = 1 << 22
  public static let charDevice: UInt32 = 1 << 21
  public static let sticky: UInt32 = 1 << 20
  public static let irregular: UInt32 = 1 << 19
  public static let typeMask: UInt32 = dir | symlink | namedPipe | socket | device | charDevice | irregular

  /// Converts a POSIX `st_mode`.
  public static func from(posix m: UInt32) -> UInt32 {
    var mode = m & 0o777
    switch m & UInt32(S_IFMT) {
    case UInt32(S_IFDIR): mode |= dir
    case UInt32(S_IFLNK): mode |= symlink
    case UInt32(S_IFIFO): mode |= namedPipe
    case UInt32(S_IFSOCK): mode |= socket
    case UInt32(S_IFBLK): mode |= device
    case UInt32(S_IFCHR): mode |= device | charDevice
    default: break
    }
    if m & UInt32(S_ISUID) != 0 { mode |= setuid }
    if m & UInt32(S_ISGID) != 0 { mode |= setgid }
    if m & UInt32(S_ISVTX) != 0 { mode |= sticky }
    return mode
  }
}

/// The filters BuildKit sends with a DiffCopy request.
public struct ContextFilter: Sendable {
  public var includes: PatternMatcher?
  public var excludes: PatternMatcher
  /// Follow paths name the only entries the daemon wants (BuildKit v0.8
  /// loads the Dockerfile and `.dockerignore` this way, without include
  /// patterns), so they restrict the walk like include patterns do.
  public init(includePatterns: [String] = [], excludePatterns: [String] = [], followPaths: [String] = []) {
    let include = includePatterns + followPaths
    includes = include.isEmpty ? nil : PatternMatcher(include.map { PatternMatcher.escaped($0, keepGlobs: includePatterns.contains($0)) })
    excludes = PatternMatcher(excludePatterns)
  }
}

/// Walks a context directory in fsutil's order: depth first, entries of a
/// directory in byte order, each directory before its children. Nothing but
/// the current path and the stack of open directories is held in memory.
public struct ContextWalker: Sendable {
  public let root: String
  public let filter: ContextFilter

  public init(root: String, filter: ContextFilter = ContextFilter()) {
    self.root = root
    self.filter = filter
  }

  /// Calls `visit` for every entry that passes the filters.
  public func walk(_ visit: (FileEntry) async throws -> Void) async throws {
    var st = stat()
    guard lstat(root, &st) == 0 else { throw ioError("cannot read the context directory", root) }
    guard st.st_mode & S_IFMT == S_IFDIR else { throw KilnError(.invalidArgument, "the context \(root) is not a directory") }
    var state = WalkState()
    try await walkDirectory(absolute: root, relative: "", state: &state, visit)
  }

  struct WalkState {
    /// Directories entered but not yet sent: sent only when something inside is.
    var pending: [FileEntry] = []
    /// First path seen for each multiply-linked inode, for hard links.
    var inodes: [UInt64: String] = [:]
  }

  private func walkDirectory(absolute: String, relative: String, state: inout WalkState, _ visit: (FileEntry) async throws -> Void) async throws {
    for name in try Self.sortedNames(absolute) {
      let abs = absolute + "/" + name
      let rel = relative.isEmpty ? name : relative + "/" + name
      var st = stat()
      guard lstat(abs, &st) == 0 else {
        if errno == ENOENT { continue }  // removed while walking
        throw ioError("cannot stat", abs)
      }
      let isDir = st.st_mode & S_IFMT == S_IFDIR
      var emit = true
      if let includes = filter.includes, !includes.matches(rel) {
        guard isDir, includes.mayMatchBelow(rel, exclusionsOnly: false) else { continue }
        emit = false
      }
      if emit, filter.excludes.matches(rel) {
        guard isDir, filter.excludes.hasExclusions, filter.excludes.mayMatchBelow(rel, exclusionsOnly: true) else { continue }
        emit = false
      }
      let entry = try makeEntry(abs, rel, st, &state.inodes)
      if emit {
        for dir in state.pending { try await visit(dir) }
        state.pending.removeAll()
        try await visit(entry)
      }
      if isDir {
        let depth = state.pending.count
        if !emit { state.pending.append(entry) }
        try await walkDirectory(absolute: abs, relative: rel, state: &state, visit)
        if state.pending.count > depth { state.pending.removeLast() }
      }
    }
  }

  private func makeEntry(_ abs: String, _ rel: String, _ st: stat, _ inodes: inout [UInt64: String]) throws -> FileEntry {
    let mode = GoFileMode.from(posix: UInt32(st.st_mode))
    let nanos = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    var entry = FileEntry(path: rel, mode: mode, uid: st.st_uid, gid: st.st_gid, size: 0, modTime: nanos, linkname: "", devMajor: 0, devMinor: 0)
    entry.xattrs = try ExtendedAttributes.read(abs)
    if mode & GoFileMode.dir != 0 { return entry }
    entry.size = Int64(st.st_size)
    if mode & GoFileMode.symlink != 0 {
      entry.linkname = try Self.readLink(abs)
    } else if mode & GoFileMode.device != 0 {
      entry.devMajor = Int64((UInt64(st.st_rdev) >> 8) & 0xfff)
      entry.devMinor = Int64((UInt64(st.st_rdev) & 0xff) | ((UInt64(st.st_rdev) >> 12) & 0xfff00))
    } else if st.st_nlink > 1 {
      let inode = UInt64(st.st_ino)
      if let first = inodes[inode] {
        entry.linkname = first
        entry.size = 0
      } else {
        inodes[inode] = rel
      }
    }
    return entry
  }

  static func sortedNames(_ path: String) throws -> [String] {
    guard let dir = opendir(path) else { throw ioError("cannot read directory", path) }
    defer { closedir(dir) }
    var names: [[UInt8]] = []
    while let item = readdir(dir) {
      let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
        Array(raw.prefix { $0 != 0 })
      }
      if name == [46] || name == [46, 46] { continue }
      names.append(name)
    }
    names.sort { $0.lexicographicallyPrecedes($1) }
    return names.map { String(decoding: $0, as: UTF8.self) }
  }

  static func readLink(_ path: String) throws -> String {
    var buffer = [UInt8](repeating: 0, count: 4096)
    let n = readlink(path, &buffer, buffer.count)
    guard n >= 0 else { throw ioError("cannot read symlink", path) }
    return String(decoding: buffer[..<n], as: UTF8.self)
  }
}

func ioError(_ what: String, _ path: String) -> KilnError {
  KilnError(.io, "\(what) \(path): \(String(cString: strerror(errno)))")
}

/// Reads a file in fixed-size chunks, so a large file never sits in memory whole.
public final class FileChunks {
  private var fd: Int32
  private var buffer: [UInt8]
  public let path: String

  public init(path: String, chunkSize: Int = 32 * 1024) throws {
    fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw ioError("cannot open", path) }
    buffer = [UInt8](repeating: 0, count: chunkSize)
    self.path = path
  }

  /// The next chunk, or nil at the end of the file.
  public func next() throws -> ArraySlice<UInt8>? {
    let count = buffer.count
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
    if n < 0 {
      if errno == EINTR { return try next() }
      throw ioError("cannot read", path)
    }
    return n == 0 ? nil : buffer[..<n]
  }

  deinit { close(fd) }
}

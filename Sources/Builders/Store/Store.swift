public import KilnCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The on-disk builder store shared with `docker buildx`:
///
///     <root>/.lock              flock(2) held by every transaction
///     <root>/instances/<name>   one JSON NodeGroup per builder (lower-case name)
///     <root>/current            JSON {"Key","Name","Global"}: the builder in use
///     <root>/defaults/<hash>    builder name made default for a Docker endpoint
///     <root>/activity/<name>    RFC 3339 time the builder was last used
///     <root>/refs/<name>/...    build history ("local state"), removed with the builder
///
/// All access goes through a transaction, which holds an exclusive lock on
/// `.lock` from the first read to the last write, as buildx's does, so Kiln
/// and buildx never interleave read-modify-write cycles.
public struct Store: Sendable {
  public let root: String
  /// Set when running under `sudo`: files are handed back to the invoking user.
  let owner: FileOwner?

  public init(root: String) {
    self.init(root: root, owner: nil)
  }

  init(root: String, owner: FileOwner?) {
    self.root = root
    self.owner = owner
  }

  /// The store buildx would use in this environment.
  public static func `default`(environment: Environment) -> Store {
    let root = rootDirectory(environment: environment)
    return Store(root: root, owner: sudoInvoker(environment: environment, root: root))
  }

  /// `$BUILDX_CONFIG`, else the directory holding the Docker CLI config
  /// file plus `/buildx`: `$DOCKER_CONFIG/buildx`, else `~/.docker/buildx`.
  /// Empty variables count as unset, as in buildx and the Docker CLI.
  public static func rootDirectory(environment: Environment) -> String {
    if let explicit = environment["BUILDX_CONFIG"] { return explicit }
    let docker = cleanDirectory(environment.dockerConfigDirectory)
    return docker == "/" ? "/buildx" : docker + "/buildx"
  }

  /// buildx derives the path from `<config dir>/config.json` with Go's
  /// `filepath.Dir`, which drops trailing slashes.
  private static func cleanDirectory(_ path: String) -> String {
    var path = path
    while path.count > 1, path.hasSuffix("/") { path.removeLast() }
    return path
  }

  var lockPath: String { root + "/.lock" }
  var instancesDirectory: String { root + "/instances" }
  var defaultsDirectory: String { root + "/defaults" }
  var activityDirectory: String { root + "/activity" }
  var refsDirectory: String { root + "/refs" }
  var currentPath: String { root + "/current" }

  /// Creates the directories buildx creates whenever it opens the store.
  func prepareLayout() throws(KilnError) {
    for directory in [instancesDirectory, defaultsDirectory, activityDirectory] {
      do {
        try StoreFileSystem.makeDirectories(directory, owner: owner)
      } catch {
        throw KilnError(.io, "cannot create builder store directory \(directory)", underlying: error)
      }
    }
  }

  /// Runs `body` holding the store lock, waiting (and blocking this thread)
  /// while another Kiln or buildx process holds it. A transaction opened
  /// inside another on the same store (same `root` string) in the same task
  /// joins it instead of waiting for itself.
  public func transaction<R>(_ body: (StoreTransaction) throws -> R) throws -> R {
    if Self.lockedRoots.contains(root) { return try body(StoreTransaction(store: self)) }
    try prepareLayout()
    let lock = try StoreLock.acquireBlocking(path: lockPath, owner: owner)
    defer { lock.release() }
    return try Self.$lockedRoots.withValue(Self.lockedRoots.union([root])) {
      try body(StoreTransaction(store: self))
    }
  }

  /// Runs `body` holding the store lock. Waiting for the lock suspends
  /// rather than blocking a thread, and ends with `CancellationError` if
  /// the task is cancelled. The lock is held across suspensions in `body`
  /// (buildx, too, keeps it while a new builder boots). Nested
  /// transactions join the enclosing one, as with `transaction`.
  public func withTransaction<R>(
    isolation: isolated (any Actor)? = #isolation,
    _ body: (StoreTransaction) async throws -> R
  ) async throws -> R {
    if Self.lockedRoots.contains(root) { return try await body(StoreTransaction(store: self)) }
    try prepareLayout()
    let lock = try await StoreLock.acquire(path: lockPath, owner: owner)
    defer { lock.release() }
    return try await Self.$lockedRoots.withValue(Self.lockedRoots.union([root])) {
      try await body(StoreTransaction(store: self))
    }
  }

  /// Roots whose lock the current task (or a task it belongs to) holds.
  /// Child tasks inherit it, which is sound because they end before the
  /// transaction that started them.
  @TaskLocal static var lockedRoots: Set<String> = []

  /// The `sudo` caller, when the store lies in that user's home: buildx
  /// chowns what it writes to them so a later unprivileged run still works.
  static func sudoInvoker(environment: Environment, root: String) -> FileOwner? {
    guard environment.values["SUDO_COMMAND"] != nil,
      let uidText = environment["SUDO_UID"], let gidText = environment["SUDO_GID"],
      let uid = uid_t(uidText), let gid = gid_t(gidText),
      let home = environment["HOME"], let userHome = homeDirectory(of: uid), userHome == home,
      root.hasPrefix(cleanDirectory(home) + "/")
    else { return nil }
    return FileOwner(uid: uid, gid: gid)
  }

  private static func homeDirectory(of uid: uid_t) -> String? {
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 16 << 10)
    guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let dir = entry.pw_dir else {
      return nil
    }
    return String(cString: dir)
  }
}

/// Access to the store while its lock is held; obtained only from
/// `Store.transaction` or `Store.withTransaction`, and valid only inside it.
public struct StoreTransaction: Sendable {
  public let store: Store

  func write(_ path: String, _ bytes: [UInt8], what: String) throws(KilnError) {
    do {
      try StoreFileSystem.atomicWrite(path, bytes, owner: store.owner)
    } catch {
      throw KilnError(.io, "cannot write \(what) \(path)", underlying: error)
    }
  }
}

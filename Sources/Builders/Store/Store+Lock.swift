import KilnCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive `flock(2)` on `<root>/.lock`, the lock buildx takes for
/// every store transaction. flock locks belong to the open file
/// description, so each acquisition opens the file afresh: two
/// transactions in one process exclude each other just as two processes do.
enum StoreLock {
  /// A held lock: the descriptor whose closing drops it.
  struct Held {
    fileprivate let fd: Int32
    func release() { close(fd) }
  }

  private static func openLockFile(path: String, owner: FileOwner?) throws(KilnError) -> Int32 {
    let fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw KilnError(.io, "cannot open builder store lock", underlying: SystemCallError(call: "open", path: path, errno: errno))
    }
    // buildx leaves a root-owned 0600 lock behind after `sudo`, which an
    // unprivileged run can no longer open; hand it back to the caller.
    if let owner { _ = fchown(fd, owner.uid, owner.gid) }
    return fd
  }

  private static func failure(_ path: String, _ code: Int32) -> KilnError {
    KilnError(.io, "cannot lock builder store", underlying: SystemCallError(call: "flock", path: path, errno: code))
  }

  /// Waits in `flock(LOCK_EX)`, blocking the calling thread.
  static func acquireBlocking(path: String, owner: FileOwner?) throws(KilnError) -> Held {
    let fd = try openLockFile(path: path, owner: owner)
    while flock(fd, LOCK_EX) != 0 {
      let code = errno
      if code == EINTR { continue }
      close(fd)
      throw failure(path, code)
    }
    return Held(fd: fd)
  }

  /// Polls `flock(LOCK_EX | LOCK_NB)`, sleeping between attempts so that a
  /// waiting task neither blocks a cooperative thread nor ignores
  /// cancellation. Holders are short-lived except while a builder boots, so
  /// the back-off tops out at 50 ms.
  static func acquire(path: String, owner: FileOwner?) async throws -> Held {
    let fd = try openLockFile(path: path, owner: owner)
    var delay = 1
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let code = errno
      guard code == EWOULDBLOCK || code == EINTR else {
        close(fd)
        throw failure(path, code)
      }
      do {
        try await Task.sleep(for: .milliseconds(delay))
      } catch {
        close(fd)
        throw error
      }
      delay = min(delay * 2, 50)
    }
    return Held(fd: fd)
  }
}

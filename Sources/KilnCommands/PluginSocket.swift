import Dispatch
import Foundation
import Synchronization

/// The Docker CLI's plugin socket (`DOCKER_CLI_PLUGIN_SOCKET`, Docker 24 and
/// later): a plugin connects to it, and the CLI closes the connection to tell
/// the plugin to stop (its way of passing on Ctrl-C without a terminal).
enum PluginSocket {
  static let environmentKey = "DOCKER_CLI_PLUGIN_SOCKET"

  /// Connects to `address` (`@name` for Linux's abstract namespace, else a
  /// path) and returns true when the CLI closes the connection; false when it
  /// cannot connect or the task is cancelled first.
  static func waitForClose(_ address: String) async -> Bool {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return false }
    guard connect(fd, to: address) else {
      close(fd)
      return false
    }
    let cancelled = Mutex(false)
    let closedByPeer = await withTaskCancellationHandler {
      await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
        // A blocking read, kept off Swift's small cooperative pool.
        DispatchQueue.global().async {
          var byte: UInt8 = 0
          while true {
            let n = read(fd, &byte, 1)
            if n > 0 { continue }  // the CLI sends nothing; any bytes are ignored
            if n < 0, errno == EINTR { continue }
            continuation.resume(returning: !cancelled.withLock { $0 })
            return
          }
        }
      }
    } onCancel: {
      cancelled.withLock { $0 = true }
      shutdown(fd, Int32(SHUT_RDWR))
    }
    close(fd)
    return closedByPeer
  }

  private static func connect(_ fd: Int32, to address: String) -> Bool {
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    var path = Array(address.utf8)
    // Go writes an abstract name as "@name"; on the wire its first byte is NUL.
    if path.first == UInt8(ascii: "@") { path[0] = 0 }
    let capacity = MemoryLayout.size(ofValue: addr.sun_path)
    guard !path.isEmpty, path.count < capacity else { return false }
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
      for (i, byte) in path.enumerated() { raw[i] = byte }
    }
    let base = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
    // Abstract names are exactly as long as given; a path is NUL-terminated.
    let length = socklen_t(base + path.count + (path[0] == 0 ? 0 : 1))
    return withUnsafePointer(to: &addr) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, length) == 0 }
    }
  }
}

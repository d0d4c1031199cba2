import Foundation

/// A listening socket that accepts connections and then says nothing (or
/// only a fixed greeting): a daemon that hangs.
final class SilentServer: @unchecked Sendable {
  let fd: Int32
  let port: Int
  let path: String
  private var accepted: [Int32] = []
  private let lock = NSLock()
  private var closed = false

  private init(fd: Int32, port: Int, path: String, greeting: String?) {
    self.fd = fd
    self.port = port
    self.path = path
    Thread.detachNewThread { [self] in
      while true {
        let client = accept(fd, nil, nil)
        if client < 0 { return }
        if let greeting { _ = greeting.withCString { write(client, $0, strlen($0)) } }
        lock.lock()
        accepted.append(client)
        lock.unlock()
      }
    }
  }

  static func tcp(greeting: String? = nil) throws -> SilentServer {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) { ptr in
      ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard ok else { throw CocoaError(.fileWriteUnknown) }
    return SilentServer(fd: fd, port: Int(UInt16(bigEndian: addr.sin_port)), path: "", greeting: greeting)
  }

  static func unix(path: String) throws -> SilentServer {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
      for (i, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
    }
    let ok = withUnsafePointer(to: &addr) { ptr in
      ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 && listen(fd, 16) == 0 }
    }
    guard ok else { throw CocoaError(.fileWriteUnknown) }
    return SilentServer(fd: fd, port: 0, path: path, greeting: nil)
  }

  /// A loopback port with nothing listening on it.
  static func unusedPort() throws -> Int {
    let server = try tcp()
    server.close()
    return server.port
  }

  func close() {
    lock.lock()
    defer { lock.unlock() }
    guard !closed else { return }
    closed = true
    shutdown(fd, Int32(SHUT_RDWR))
    Glibc.close(fd)
    for client in accepted { Glibc.close(client) }
  }
}

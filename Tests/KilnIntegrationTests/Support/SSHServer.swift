import Foundation
import Testing

/// A real OpenSSH server on 127.0.0.1 for one test, with keys the test makes.
///
/// Remote commands see `DOCKER_HOST` pointing at the private engine, so the
/// real `docker system dial-stdio` on the "remote" side reaches it. The
/// client side is the real `ssh`, given this server's settings through a
/// wrapper on PATH (OpenSSH reads `~/.ssh` from the password database, not
/// `$HOME`, so a config file cannot be slipped in otherwise).
final class SSHServer {
  let port: Int
  let dir: String
  let binDir: String

  init(engineSocket: String) throws {
    dir = TestDirectory.make("sshd")
    port = try SilentServer.unusedPort()
    let keygen = { (path: String) throws in
      let r = try ProcessRunner.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path])
      try #require(r.status == 0, "ssh-keygen: \(r.stderr)")
    }
    try keygen(dir + "/host_key")
    try keygen(dir + "/client_key")
    try FileManager.default.copyItem(atPath: dir + "/client_key.pub", toPath: dir + "/authorized_keys")
    let config = """
      Port \(port)
      ListenAddress 127.0.0.1
      HostKey \(dir)/host_key
      AuthorizedKeysFile \(dir)/authorized_keys
      PermitRootLogin prohibit-password
      PasswordAuthentication no
      KbdInteractiveAuthentication no
      UsePAM no
      StrictModes no
      PidFile \(dir)/sshd.pid
      SetEnv DOCKER_HOST=unix://\(engineSocket)

      """
    try config.write(toFile: dir + "/sshd_config", atomically: true, encoding: .utf8)
    // sshd insists on its privilege-separation directory.
    try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)

    let clientConfig = """
      Host *
        IdentityFile \(dir)/client_key
        IdentitiesOnly yes
        StrictHostKeyChecking no
        UserKnownHostsFile /dev/null
        LogLevel ERROR
        BatchMode yes

      """
    try clientConfig.write(toFile: dir + "/ssh_config", atomically: true, encoding: .utf8)
    binDir = dir + "/bin"
    try FileManager.default.createDirectory(atPath: binDir, withIntermediateDirectories: true)
    try "#!/bin/sh\nexec /usr/bin/ssh -F '\(dir)/ssh_config' \"$@\"\n".write(toFile: binDir + "/ssh", atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binDir + "/ssh")

    // sshd daemonizes (detaching from this process's pipes) and is stopped by its pid file,
    // so no child process object is left running beside the kiln processes the tests spawn.
    let started = try ProcessRunner.run("/usr/sbin/sshd", ["-f", dir + "/sshd_config", "-E", dir + "/sshd.log"])
    try #require(started.status == 0, "sshd: \(started.stderr)")
    for _ in 0..<100 {
      if Self.accepts(port: port) { return }
      usleep(50_000)
    }
    stop()
    throw KilnTestError("sshd did not start on 127.0.0.1:\(port)")
  }

  deinit { stop() }

  private func stop() {
    guard let text = try? String(contentsOfFile: dir + "/sshd.pid", encoding: .utf8),
      let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    else { return }
    kill(pid, SIGTERM)
  }

  var path: String { binDir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") }

  static func accepts(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &addr) { ptr in
      ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
  }
}

struct KilnTestError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

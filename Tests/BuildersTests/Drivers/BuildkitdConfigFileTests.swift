import Foundation
import KilnCore
import Testing

@testable import Builders

struct BuildkitdConfigFileTests {
  @Test func certificatesAreCopiedAndPathsRewritten() throws {
    let dir = NSTemporaryDirectory() + "kiln-bkcfg-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for (name, text) in [("ca.pem", "CA"), ("key.pem", "KEY"), ("cert.pem", "CERT")] {
      try Data(text.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(name)"))
    }
    let toml = """
      debug = true
      insecure-entitlements = ["network.host"]

      [registry."127.0.0.1:5000"]
        ca = ["\(dir)/ca.pem"]
        [[registry."127.0.0.1:5000".keypair]]
          key = "\(dir)/key.pem"
          cert = "\(dir)/cert.pem"

      [registry."docker.io"]
        mirrors = ["mirror.local"]
      """
    try Data(toml.utf8).write(to: URL(fileURLWithPath: "\(dir)/buildkitd.toml"))
    let loaded = try BuildkitdConfigFile.load(path: "\(dir)/buildkitd.toml")
    #expect(loaded.entitlements == ["network.host"])
    #expect(loaded.files["certs/127.0.0.1_5000/ca.pem"] == Data("CA".utf8))
    #expect(loaded.files["certs/127.0.0.1_5000/key.pem"] == Data("KEY".utf8))
    #expect(loaded.files["certs/127.0.0.1_5000/cert.pem"] == Data("CERT".utf8))
    let rewritten = String(decoding: try #require(loaded.files["buildkitd.toml"]), as: UTF8.self)
    #expect(rewritten.contains(#"ca = ["/etc/buildkit/certs/127.0.0.1_5000/ca.pem"]"#))
    #expect(rewritten.contains(#"key = "/etc/buildkit/certs/127.0.0.1_5000/key.pem""#))
    #expect(rewritten.contains(#"cert = "/etc/buildkit/certs/127.0.0.1_5000/cert.pem""#))
    #expect(rewritten.contains(#"mirrors = ["mirror.local"]"#))
    #expect(!rewritten.contains(dir))
  }

  @Test func missingFilesAreClearErrors() throws {
    let error = #expect(throws: KilnError.self) { try BuildkitdConfigFile.load(path: "/nonexistent/buildkitd.toml") }
    #expect(error?.message == "buildkit configuration file not found: /nonexistent/buildkitd.toml")
  }

  @Test func certsDirectoryNames() {
    #expect(BuildkitdConfigFile.certsDirectory("my.registry:5000") == "my.registry_5000")
    #expect(BuildkitdConfigFile.certsDirectory("a//b::c") == "a_b_c")
  }

  @Test func tarHeadersAreValid() {
    let tar = TarArchive.make(files: ["buildkit/buildkitd.toml": Data("x".utf8)])
    // directory entry, file entry, one data block, two zero blocks
    #expect(tar.count == 512 * 5)
    #expect(String(decoding: tar[0..<9], as: UTF8.self) == "buildkit/")
    #expect(String(decoding: tar[512..<535], as: UTF8.self) == "buildkit/buildkitd.toml")
    #expect(tar[1024] == UInt8(ascii: "x"))
  }
}

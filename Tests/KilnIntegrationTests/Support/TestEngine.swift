import Foundation
import Testing

/// The private Docker Engine that `scripts/engine up` starts for the suite.
///
/// `make test` exports `KILN_TEST_DOCKER_HOST` and `KILN_REQUIRE_ENGINE=1`;
/// without the engine those tests fail there, and are skipped only when a
/// developer runs `swift test` alone.
enum TestEngine {
  static var dockerHost: String? { ProcessInfo.processInfo.environment["KILN_TEST_DOCKER_HOST"] }
  static var required: Bool { ProcessInfo.processInfo.environment["KILN_REQUIRE_ENGINE"] == "1" }
  static var available: Bool { dockerHost != nil || required }

  /// The engine's unix socket path.
  static func socketPath() throws -> String {
    let host = try #require(dockerHost, "KILN_TEST_DOCKER_HOST is not set: run the suite with `make test`")
    return String(host.dropFirst("unix://".count))
  }

  static var repositoryRoot: String {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
  }

  static func script(_ name: String) -> String { repositoryRoot + "/scripts/" + name }
}

import ArgumentParser
import KilnCore

/// `kiln version`: the client's version, as `docker buildx version` prints it.
struct VersionCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "version", abstract: "Show the Kiln version")

  func run() async throws {
    print("kiln \(KilnVersion.current)")
  }
}

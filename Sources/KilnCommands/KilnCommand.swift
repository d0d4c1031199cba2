public import ArgumentParser
import Foundation
import KilnCore

/// `kiln`: the root command and the place where errors become exit codes.
public struct KilnCommand: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "kiln",
    abstract: "Build with BuildKit: a fast, compatible client for docker buildx users.",
    version: KilnVersion.current,
    subcommands: [
      BuildCommand.self, BakeCommand.self, VersionCommand.self, DiskUsageCommand.self, DebugCommand.self,
      CreateCommand.self, LsCommand.self, UseCommand.self, RmCommand.self, InspectCommand.self,
      StopCommand.self, PruneCommand.self, DialStdioCommand.self,
    ]
  )

  public init() {}

  /// Runs the command line, printing failures as buildx does (`ERROR: ...`
  /// on stderr, exit status 1); usage errors keep ArgumentParser's wording.
  public static func runMain(arguments: [String]? = nil) async {
    do {
      var command = try parseAsRoot(arguments)
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let error as KilnError {
      FileHandle.standardError.write(Data("ERROR: \(error.description)\n".utf8))
      Foundation.exit(1)
    } catch {
      exit(withError: error)
    }
  }
}

/// Kiln's own version, printed by `kiln version` and `--version`.
public enum KilnVersion {
  public static let current = "0.1.0"
}

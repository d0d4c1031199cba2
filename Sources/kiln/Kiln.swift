import KilnCommands

@main
enum KilnMain {
  static func main() async {
    await KilnCommand.runMain(commandLine: CommandLine.arguments)
  }
}

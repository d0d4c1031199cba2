import Bake
import Foundation
import KilnCore
import Testing

/// File discovery: `-f` names, `BUILDX_BAKE_FILE` with its separator, stdin, missing files.
@Suite final class BakeFilesTests {
  let dir: String

  init() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bake-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try "target \"a\" {}".write(toFile: dir + "/a.hcl", atomically: true, encoding: .utf8)
    try "target \"b\" {}".write(toFile: dir + "/b.hcl", atomically: true, encoding: .utf8)
  }

  deinit { try? FileManager.default.removeItem(atPath: dir) }

  @Test func explicitFilesInOrderWithStdin() throws {
    let files = try Bake.readFiles([dir + "/b.hcl", "-", "cwd://" + dir + "/a.hcl"], environment: [:]) { "target \"s\" {}" }
    #expect(files.map(\.name) == [dir + "/b.hcl", "-", dir + "/a.hcl"])
    #expect(files[1].contents == "target \"s\" {}")
  }

  @Test func environmentListWithCustomSeparator() throws {
    let env = ["BUILDX_BAKE_FILE": " \(dir)/a.hcl;;\(dir)/b.hcl ", "BUILDX_BAKE_PATH_SEPARATOR": ";"]
    let files = try Bake.readFiles([], environment: env) { "" }
    #expect(files.map(\.name) == [dir + "/a.hcl", dir + "/b.hcl"])
  }

  @Test func missingFilesAreErrors() {
    #expect(throws: KilnError.self) { try Bake.readFiles([dir + "/nope.hcl"], environment: [:]) { "" } }
    #expect(throws: KilnError.self) { try Bake.readFiles([], environment: ["BUILDX_BAKE_FILE": dir + "/nope.hcl"]) { "" } }
  }

  @Test func emptyFilesAreSkipped() throws {
    try "".write(toFile: dir + "/empty.hcl", atomically: true, encoding: .utf8)
    #expect(try Bake.readFiles([dir + "/empty.hcl", dir + "/a.hcl"], environment: [:]) { "" }.map(\.name) == [dir + "/a.hcl"])
    #expect(throws: KilnError.self) { try Bake.readFiles([dir + "/empty.hcl"], environment: [:]) { "" } }
  }

  @Test func defaultNamesInBuildxOrder() {
    #expect(
      Bake.defaultFilenames == [
        "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml", "docker-bake.json", "docker-bake.hcl",
        "docker-bake.override.json", "docker-bake.override.hcl",
      ])
  }
}

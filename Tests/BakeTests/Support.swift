import Bake
import KilnCore
import Testing

/// One conformance case: bake files, a command line's worth of inputs, and the exact output
/// buildx v0.36 prints (`--print` JSON), or the text its error contains.
struct PrintCase: CustomTestStringConvertible, Sendable {
  var name: String
  var files: [(String, String)]
  var targets: [String] = []
  var set: [String] = []
  var vars: [String: String] = [:]
  var env: [String: String] = [:]
  var expected: String
  /// When set, the case must fail with an error containing this text.
  var error: String? = nil

  var testDescription: String { name }

  init(
    _ name: String, files: [(String, String)], targets: [String] = [], set: [String] = [], vars: [String: String] = [:],
    env: [String: String] = [:], expected: String = "", error: String? = nil
  ) {
    self.name = name
    self.files = files
    self.targets = targets
    self.set = set
    self.vars = vars
    self.env = env
    self.expected = expected
    self.error = error
  }

  /// A single `docker-bake.hcl`.
  init(
    _ name: String, hcl: String, targets: [String] = [], set: [String] = [], vars: [String: String] = [:],
    env: [String: String] = [:], expected: String = "", error: String? = nil
  ) {
    self.init(name, files: [("docker-bake.hcl", hcl)], targets: targets, set: set, vars: vars, env: env, expected: expected, error: error)
  }
}

let builtins = ["BAKE_CMD_CONTEXT": "cwd://", "BAKE_LOCAL_PLATFORM": "linux/amd64"]

/// Runs parse and resolve the way `kiln bake --print` does; returns the output or the error text.
func bakePrint(_ c: PrintCase) -> Result<String, KilnError> {
  do throws(KilnError) {
    let files = c.files.map { BakeFile(name: $0.0, contents: $0.1) }
    let def = try Bake.parse(files, options: ParseOptions(builtins: builtins, vars: c.vars, environment: c.env))
    return .success(try Bake.resolve(def, targets: c.targets, overrides: c.set, environment: c.env).printed)
  } catch {
    return .failure(error)
  }
}

func check(_ c: PrintCase) {
  switch bakePrint(c) {
  case .success(let out):
    if let e = c.error {
      Issue.record("expected error containing \(e), got output:\n\(out)")
    } else {
      #expect(out == c.expected, "\(c.name)")
    }
  case .failure(let err):
    if let e = c.error {
      #expect(err.description.contains(e), "\(c.name): \(err.description)")
    } else {
      Issue.record("\(c.name): unexpected error: \(err.description)")
    }
  }
}

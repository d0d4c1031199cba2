import Bake
import KilnCore
import Testing

/// `--policy`: global options become `*.policy+=` overrides; files and reset belong in the
/// definition; `disabled=true` stands alone.
@Test func policyFlagBecomesOverrides() throws {
  let (o, disabled) = try Bake.policyOverrides(["strict=false", "log-level=info"])
  #expect(o == ["*.policy+=strict=false", "*.policy+=log-level=info"])
  #expect(!disabled)
  #expect(try Bake.policyOverrides(["disabled=true"]).disabled)
}

@Test(arguments: [
  (["filename=x.rego"], "--policy does not accept filename"),
  (["reset=true"], "--policy does not accept reset"),
  (["disabled=true,strict=true"], "disabled policy cannot be combined"),
  (["disabled=true", "strict=true"], "disabled policy cannot be combined"),
  (["log-level=loud"], "not a valid logrus Level"),
])
func policyFlagErrors(_ values: [String], _ message: String) {
  do {
    _ = try Bake.policyOverrides(values)
    Issue.record("expected \(message)")
  } catch {
    #expect(error.description.contains(message), "\(error)")
  }
}

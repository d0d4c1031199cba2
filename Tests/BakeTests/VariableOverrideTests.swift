import Bake
import KilnCore
import Testing

/// A variable typed `type` overridden by the environment, read back through a target's arg.
struct TypedOverride: CustomTestStringConvertible, Sendable {
  var type: String
  var override: String
  var arg = "FOO"
  var want: String?
  var error: String?
  var testDescription: String { "\(type) from \(override)" }
}

let typedOverrides: [TypedOverride] = [
  TypedOverride(type: "bool", override: "true", want: "true"),
  TypedOverride(type: "number", override: "99", want: "99"),
  TypedOverride(type: "string", override: "hello", want: "hello"),
  TypedOverride(type: "string", override: "\"hello\"", want: "\"hello\""),
  TypedOverride(type: "list(string)", override: "hi,there", arg: "join(\"-\", FOO)", want: "hi-there"),
  TypedOverride(type: "list(number)", override: "3,1,4", arg: "join(\"-\", [for v in FOO: v + 1])", want: "4-2-5"),
  TypedOverride(type: "set(number)", override: "3,1,4", arg: "join(\"-\", [for v in sort(FOO): v + 1])", want: "2-4-5"),
  TypedOverride(type: "map(number)", override: "foo:1,bar:2", arg: "join(\"-\", sort(values(FOO)))", want: "1-2"),
  TypedOverride(type: "tuple([number,string])", override: "99,bottles", arg: "format(\"%d %s\", FOO[0], FOO[1])", want: "99 bottles"),
  TypedOverride(type: "tuple([number,string])", override: "99,100", error: "Unsuitable value type"),
  TypedOverride(type: "list(string)", override: "\"hello,world", error: "from CSV"),
  TypedOverride(type: "object({message: string})", override: "does not matter", error: "unsupported type"),
  TypedOverride(type: "list(list(number))", override: "1,2", error: "unsupported type"),
  TypedOverride(type: "set(set(number))", override: "1,2", error: "unsupported type"),
  TypedOverride(type: "tuple([list(number)])", override: "1", error: "unsupported type"),
  TypedOverride(type: "map(list(number))", override: "foo:1,2", error: "unsupported type"),
  TypedOverride(type: "map(string)", override: "a:b,foo:\"bar", error: "as CSV"),
  TypedOverride(type: "list(number)", override: "1,1z", error: "failed to parse element"),
  TypedOverride(type: "set(number)", override: "1,1z", error: "failed to parse element"),
  TypedOverride(type: "tuple([number])", override: "1z", error: "failed to parse element"),
  TypedOverride(type: "map(number)", override: "foo:1z", error: "failed to parse element"),
  TypedOverride(type: "tuple([number,string])", override: "1", error: "expects 2 elements but only 1 provided"),
  TypedOverride(type: "number", override: "abc", error: "failed to parse FOO as number"),
]

func argValue(_ hcl: String, env: [String: String]) -> Result<String?, KilnError> {
  do throws(KilnError) {
    let def = try Bake.parse([BakeFile(name: "docker-bake.hcl", contents: hcl)], options: ParseOptions(builtins: builtins, environment: env))
    let r = try Bake.resolve(def, targets: ["default"], overrides: [], environment: env)
    return .success(r.targets["default"]?.args?["foo"] ?? nil)
  } catch {
    return .failure(error)
  }
}

@Test(arguments: typedOverrides) func typedVariableOverride(_ c: TypedOverride) {
  let hcl = "variable \"FOO\" {\n  type = \(c.type)\n}\ntarget \"default\" {\n  args = { foo = \(c.arg) }\n}"
  switch argValue(hcl, env: ["FOO": c.override]) {
  case .success(let v):
    #expect(c.error == nil, "expected error \(c.error ?? "")")
    #expect(v == c.want)
  case .failure(let e):
    if let want = c.error { #expect(e.description.contains(want), "\(e.description)") } else { Issue.record("\(e)") }
  }
}

/// Typed variables without a value, or with a null default, stay null whatever their type.
@Test(arguments: ["any", "string", "number", "bool", "list(string)", "set(string)", "map(string)", "tuple([string])", "object({val: string})"])
func typedVariablesWithoutValueAreNull(_ type: String) {
  for decl in ["type = \(type)", "type = \(type)\n  default = null"] {
    let hcl = "variable \"FOO\" {\n  \(decl)\n}\ntarget \"default\" {\n  args = { foo = equal(FOO, null) }\n}"
    #expect((try? argValue(hcl, env: [:]).get()) == "true")
  }
}

@Test func untypedNullDefaultTakesTheEnvironmentAsString() {
  let hcl = "variable \"FOO\" { default = null }\ntarget \"default\" {\n  args = { foo = FOO }\n}"
  #expect((try? argValue(hcl, env: [:]).get()) == .some(nil))
  #expect((try? argValue(hcl, env: ["FOO": "bar"]).get()) == "bar")
}

@Test func jsonOverrideForTypedVariables() {
  let hcl = "variable \"FOO\" {\n  type = list(number)\n  default = [1]\n}\ntarget \"default\" {\n  args = { foo = join(\",\", FOO) }\n}"
  // The _JSON form is preferred for typed variables, even when the plain one is set too.
  #expect((try? argValue(hcl, env: ["FOO": "7,8", "FOO_JSON": "[2,3]"]).get()) == "2,3")
  #expect((try? argValue(hcl, env: ["FOO": "7,8"]).get()) == "7,8")
  if case .failure(let e) = argValue(hcl, env: ["FOO_JSON": "[\"x\"]"]) {
    #expect(e.description.contains("failed to convert variable FOO from JSON"))
  } else {
    Issue.record("expected a JSON conversion error")
  }
}

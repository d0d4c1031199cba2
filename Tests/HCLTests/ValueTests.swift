import HCL
import Testing

/// Conversions: value (as an expression), target type (as a type expression), expected result.
let conversionCases: [(String, String, String)] = [
  ("1", "string", "\"1\""), ("1.5", "string", "\"1.5\""), ("true", "string", "\"true\""), ("\"12\"", "number", "12"),
  ("\"-1.5e2\"", "number", "-150"), ("\"true\"", "bool", "true"), ("\"false\"", "bool", "false"),
  ("\"yes\"", "bool", "error: a bool is required"), ("\"abc\"", "number", "error: a number is required"),
  ("1", "bool", "error: bool required"), ("[1, 2]", "list(number)", "list([1, 2])"), ("[1, \"a\"]", "list(string)", "list([\"1\", \"a\"])"),
  ("[1, \"a\"]", "list(any)", "list([\"1\", \"a\"])"), ("[1, true]", "list(any)", "error: all elements must have the same type"),
  ("[\"b\", \"a\", \"b\"]", "set(string)", "set([\"a\", \"b\"])"), ("{a = 1, b = 2}", "map(number)", "map({a = 1, b = 2})"),
  ("{a = 1, b = \"x\"}", "map(any)", "map({a = \"1\", b = \"x\"})"), ("{a = 1}", "map(bool)", "error: [\"a\"]: bool required"),
  ("{a = 1, extra = 2}", "object({a = string})", "{a = \"1\"}"), ("{}", "object({a = string})", "error: attribute \"a\" is required"),
  ("{b = [\"x\"]}", "object({a = optional(string), b = list(string)})", "{a = null, b = list([\"x\"])}"),
  ("[1, [2]]", "tuple([string, list(number)])", "[\"1\", list([2])]"), ("[1]", "tuple([string, string])", "error: tuple required with exactly 2 elements"),
  ("[[1], [\"a\"]]", "list(list(string))", "list([list([\"1\"]), list([\"a\"])])"), ("[{a = 1}, {a = 2}]", "list(object({a = number}))", "list([{a = 1}, {a = 2}])"),
  ("[{a = 1}, {b = 2}]", "list(map(number))", "list([map({a = 1}), map({b = 2})])"), ("null", "string", "null"),
  ("[null, \"a\"]", "list(string)", "list([null, \"a\"])"), ("[]", "list(string)", "list(string)[]"), ("{}", "map(number)", "map(number){}"),
  ("\"x\"", "any", "\"x\""), ("[1, \"x\"]", "any", "[1, \"x\"]"), ("[[1, 2], [3]]", "list(list(number))", "list([list([1, 2]), list([3])])"),
  ("{a = [1]}", "map(list(string))", "map({a = list([\"1\"])})"), ("[\"1\", \"2\"]", "set(number)", "set([1, 2])"),
  ("{x = {y = \"1\"}}", "object({x = object({y = number})})", "{x = {y = 1}}"), ("[1, 2]", "string", "error: string required"),
]

@Test(arguments: conversionCases)
func conversion(_ value: String, _ type: String, _ expected: String) throws {
  let (t, td) = HCLType.parse(source: type)
  #expect(!td.hasErrors, "\(td)")
  let v = try #require(HCL.parseExpression(source: value).0).evaluate().0
  let got: String
  do {
    got = try v.converted(to: try #require(t)).description
  } catch {
    got = "error: \(error)"
  }
  #expect(got == expected, "\(value) → \(type)")
}

@Test(arguments: [
  ("string", "string"), ("list(string)", "list(string)"), ("map(list(number))", "map(list(number))"),
  ("object({b = bool, a = optional(string)})", "object({a=optional(string), b=bool})"),
  ("tuple([string, number])", "tuple([string, number])"), ("set(any)", "set(any)"),
  ("list", "error: Invalid type specification"), ("foo", "error: Invalid type specification"), ("optional(string)", "error: Invalid type specification"),
  ("list(string, number)", "error: Incorrect type specification"),
  ("object({a = optional(string, \"x\")})", "error: Invalid type specification"),
])
func typeExpressions(_ source: String, _ expected: String) {
  let (t, d) = HCLType.parse(source: source)
  #expect((t?.description ?? "error: " + (d.first?.summary ?? "")) == expected)
}

/// Exact decimal arithmetic, as cty's big-number model gives.
let numberCases: [(String, String)] = [
  ("0.1 + 0.2", "0.3"), ("0.1 * 3", "0.3"), ("1 - 0.9", "0.1"), ("1e-3", "0.001"), ("1.50", "1.5"), ("-0", "0"),
  ("18446744073709551616 + 1", "18446744073709551617"), ("-9223372036854775809 - 1", "-9223372036854775810"),
  ("2 / 3", "0.6666666666666666666666666666666666666667"), ("1 / 8", "0.125"), ("10 % 3.5", "3"), ("-10 % 3", "-1"),
  ("1e20", "100000000000000000000"), ("123.456e-2", "1.23456"), ("0.000001 * 0.000001", "0.000000000001"),
  ("99999999999999999999 / 3", "33333333333333333333"), ("1 / 1e30", "0.000000000000000000000000000001"),
  ("3 > 2.999999999999999999999", "true"), ("0.1 + 0.2 == 0.3", "true"), ("floor(-0.5)", "-1"), ("ceil(0.000001)", "1"),
]

@Test(arguments: numberCases)
func number(_ source: String, _ expected: String) {
  #expect(eval(source) == expected, "\(source)")
}

@Test func valueModel() {
  #expect(Value.makeSet([.int(3), .int(1), .int(3)], .number) == .set([.int(1), .int(3)], .number))
  #expect(Value.string("héllo").length == 5)
  #expect(Value.tuple([.int(1), .string("a")]).type == .tuple([.number, .string]))
  #expect(Value.object(["a": .bool(true)]).type == .object(["a": .bool]))
  #expect(HCLType.unify([.number, .string]) == .string)
  #expect(HCLType.unify([.number, .bool]) == nil)
  #expect(HCLType.unify([.object(["a": .number]), .object(["a": .string])]) == .object(["a": .string]))
  #expect(HCLType.unify([.object(["a": .number]), .object(["b": .number])]) == .map(.number))
  #expect(HCLType.list(.object(["a": .string])).friendlyName == "list of object")
  #expect(Number(parsing: "1.5e3")?.description == "1500")
  #expect(Number(parsing: "abc") == nil)
  #expect(Number(parsing: "1.") == nil)
  #expect(Number(12).intValue == 12)
  #expect(Number(parsing: "1.5")?.intValue == nil)
  #expect(Number(0.1)?.description == "0.1")
}

@Test func jsonRoundTrip() throws {
  let (v, d) = Value.fromJSON("{\"b\": [1, 2.50, \"x\"], \"a\": {\"n\": null, \"t\": true}}")
  #expect(d.isEmpty)
  let value = try #require(v)
  #expect(value.jsonEncoded == "{\"a\":{\"n\":null,\"t\":true},\"b\":[1,2.5,\"x\"]}")
  #expect(value.isEqual(to: Value.fromJSON(value.jsonEncoded).0 ?? .nullValue))
  #expect(Value.fromJSON("[1,").1.first?.summary == "Invalid JSON")
  #expect(Value.null(.string).isEqual(to: .nullValue))
  #expect(!Value.int(1).isEqual(to: .string("1")))
}

import HCL
import Testing

/// Inputs nested past the limit must end in a diagnostic, not a stack overflow.
let deepInputs: [(String, String)] = [
  ("tuples", "a = " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"),
  ("parens", "a = " + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000) + "\n"),
  ("objects", "a = " + String(repeating: "{a=", count: 100_000) + "1" + String(repeating: "}", count: 100_000) + "\n"),
  ("nots", "a = " + String(repeating: "!", count: 100_000) + "true\n"),
  ("negations", "a = " + String(repeating: "-", count: 100_000) + "1\n"),
  ("templates", "a = " + String(repeating: "\"${", count: 50_000) + "1" + String(repeating: "}\"", count: 50_000) + "\n"),
  ("blocks", String(repeating: "b {\n", count: 100_000) + String(repeating: "}\n", count: 100_000)),
  ("conditionals", "a = " + String(repeating: "true ? ", count: 100_000) + "1" + String(repeating: " : 2", count: 100_000) + "\n"),
  ("calls", "a = " + String(repeating: "f(", count: 100_000) + String(repeating: ")", count: 100_000) + "\n"),
  ("index", "a = x" + String(repeating: "[x", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"),
  ("unclosed", "a = " + String(repeating: "[", count: 100_000)),
]

@Test(arguments: deepInputs)
func deepNestingIsADiagnostic(_ name: String, _ source: String) {
  let (_, diags) = HCL.parse(source: source, filename: "deep.hcl")
  #expect(diags.hasErrors, "\(name)")
  #expect(diags.contains { $0.summary == "Nesting too deep" }, "\(name): \(diags.first?.summary ?? "")")
}

@Test func nestingBelowTheLimitWorks() {
  let depth = 200
  let (e, d) = HCL.parseExpression(source: String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth))
  #expect(!d.hasErrors)
  var v = e?.evaluate().0
  for _ in 0..<depth { v = v?.elements?.first }
  #expect(v == .int(1))
}

@Test func deepJSONIsADiagnostic() {
  let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
  #expect(eval("jsondecode(s)", ["s": .string(deep)]).hasPrefix("error: Invalid function argument; Invalid value for \"str\" parameter: JSON nests too deeply"))
  let (_, d) = HCL.parseJSON(source: "{\"a\": " + deep + "}", filename: "d.json")
  #expect(d.first?.detail == "JSON nests too deeply.")
}

@Test func hugeInputParses() throws {
  var src = ""
  for i in 0..<20_000 { src += "attr\(i) = \"value-${\(i) * 2}\"\n" }
  let (body, diags) = HCL.parse(source: src, filename: "big.hcl")
  #expect(!diags.hasErrors)
  let (attrs, _) = try #require(body).justAttributes()
  #expect(attrs.count == 20_000)
  #expect(attrs["attr19999"]?.expression.evaluate().0 == .string("value-39998"))
}

@Test func hostileArithmeticFails() {
  #expect(eval("pow(10, 100000)").hasPrefix("\"") == false)
  #expect(eval("range(0, 100000)").hasPrefix("error:"))
  #expect(eval("parseint(s, 10)", ["s": .string(String(repeating: "9", count: 10_000))]).hasPrefix("error:"))
}

/// A deterministic generator (SplitMix64) so the fuzz corpus is the same on every run.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

let fuzzSeeds = [
  "target \"app\" {\n  tags = [\"x:${TAG}\", for t in list: upper(t)]\n  args = { A = 1, \"B\" = var.b }\n}\n",
  "a = <<-EOT\n  hello ${name}\n  %{ for x in xs ~}\n  ${x}\n  %{ endfor }\n  EOT\nb = true ? [1, 2][*] : {k = \"v\"}.k\n",
  "variable \"X\" { default = 1.5e3 }\nf = format(\"%s-%d\", \"a\", 1) // c\n/* block */ g = [for k, v in {a=1}: \"${k}=${v}\" if v > 0]\n",
  "x = {for s in [\"a\", \"b\"]: s => s...}\ny = a.b.0[\"c\"].*.d\nz = !(1 + 2 * 3 >= 4 || false && null == null)\n",
]

@Test func fuzzNeverCrashes() {
  var rng = SplitMix64(state: 0x5EED)
  let alphabet = Array("{}[]()\"'$%~<<-EOT\n\\=:,.*?!&|#/ 0123456789abcxyz_é🙂".utf8)
  var parsed = 0
  for i in 0..<2_000 {
    var bytes = Array(fuzzSeeds[i % fuzzSeeds.count].utf8)
    for _ in 0..<Int.random(in: 1...8, using: &rng) {
      let pos = Int.random(in: 0...bytes.count, using: &rng)
      switch Int.random(in: 0..<4, using: &rng) {
      case 0: bytes.insert(alphabet.randomElement(using: &rng) ?? 0, at: pos)
      case 1 where pos < bytes.count: bytes.remove(at: pos)
      case 2 where pos < bytes.count: bytes[pos] = UInt8.random(in: 0...255, using: &rng)
      default:
        let len = Int.random(in: 0...min(16, bytes.count - min(pos, bytes.count)), using: &rng)
        bytes.insert(contentsOf: bytes[min(pos, bytes.count)..<min(pos + len, bytes.count)], at: min(pos, bytes.count))
      }
    }
    let src = String(decoding: bytes, as: UTF8.self)
    let (body, diags) = HCL.parse(source: src, filename: "fuzz.hcl")
    _ = diags.render(files: ["fuzz.hcl": src])
    if let body {
      parsed += 1
      let (attrs, _) = body.justAttributes()
      let ctx = EvalContext(variables: ["TAG": .string("t"), "list": .tuple([.string("a")])], functions: Stdlib.functions)
      for a in attrs.values {
        _ = a.expression.evaluate(in: ctx)
        _ = a.expression.variables
      }
    }
    let (_, jd) = HCL.parseJSON(source: src, filename: "fuzz.json")
    _ = jd.render(files: ["fuzz.json": src])
  }
  #expect(parsed > 0)
}

/// Arguments at the edges of Int and of memory must give errors or clamped results, never traps.
let hostileCases: [(String, String)] = [
  ("substr(\"abc\", 1, 9223372036854775807)", "\"bc\""),
  ("substr(\"abc\", -9223372036854775807, 1)", "\"a\""),
  ("bytesslice(\"abc\", 1, 9223372036854775807)", "error: Invalid function argument; Invalid value for \"length\" parameter: length is out of range."),
  ("indent(9223372036854775807, \"a\\nb\")", "error: Invalid function argument; Invalid value for \"spaces\" parameter: too many spaces."),
  ("format(\"%99999999999d\", 1)", "error: Error in function call; Call to function \"format\" failed: format width or precision is too large."),
  ("cidrsubnet(\"10.0.0.0/8\", 9223372036854775807, 0)", "error: Error in function call; Call to function \"cidrsubnet\" failed: insufficient address space to extend prefix of 8 by 9223372036854775807."),
  ("cidrsubnets(\"10.0.0.0/8\", 9223372036854775807)", "error: Invalid function argument; Invalid value for \"newbits\" parameter: would extend prefix to more than 1000 bits, which is too long for an IPv4 address."),
  ("element([1], 9223372036854775807)", "1"),
  ("slice([1, 2], 0, 9223372036854775807)", "error: Invalid function argument; Invalid value for \"end_index\" parameter: to index must be less than or equal to the length of the input collection."),
  ("chunklist([1, 2], 9223372036854775807)", "list([list([1, 2])])"),
  ("1e4000 * 1e4000", "error: Operation failed; Error during operation: the result has more than 4000 digits."),
  ("multiply(1e4000, 1e4000)", "error: Error in function call; Call to function \"multiply\" failed: the result has more than 4000 digits."),
  ("formattimestamp(\"YYYY\", 9223372036854775807)", "error: Invalid function argument; Invalid value for \"time\" parameter: unix timestamp is out of range."),
  ("timeadd(\"2020-01-01T00:00:00Z\", \"9999999999h\")", "error: Invalid function argument; Invalid value for \"duration\" parameter: invalid duration \"9999999999h\"."),
  ("[1, 2][9223372036854775807]", "error: Invalid index; The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection."),
  ("[1][-1]", "error: Invalid index; The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection."),
  ("[1][0.5]", "error: Invalid index; The given key does not identify an element in this collection value: the given index is not an integer."),
]

@Test(arguments: hostileCases)
func hostileArgument(_ source: String, _ expected: String) {
  #expect(eval(source) == expected, "\(source)")
}

/// Every library function called with random arguments from a pool of awkward values: errors are
/// fine, traps are not.
@Test func functionFuzzNeverCrashes() {
  var rng = SplitMix64(state: 0xF00D)
  let pool = [
    "null", "0", "-1", "1.5", "9223372036854775807", "-9223372036854775808", "1e300", "\"\"", "\"a\"", "\"10.0.0.0/8\"",
    "\"::/0\"", "\"2020-01-01T00:00:00Z\"", "\"1h\"", "\"%s %d %v %[9]q %-05.2f\"", "\"(a)(?P<x>b)?\"", "\"${\"", "[]", "[1, \"a\"]",
    "[[1], [2, [3]]]", "{}", "{a = 1, b = [null]}", "true", "\"🙂é\\n\"", "[null]", "\"YYYY-MM-DD'T'hh:mm:ssZ\"", "\">= 1.2, < 2 || ^3\"",
    "-0.5", "1e-300", "[1, 2, 3]", "\"-1\"", "\"0x10\"", "{a = {b = {c = 1}}}", "\"10.0.0.1/33\"", "\"fe80::1/64\"", "[\"a\", \"b\"]",
    "convert([\"x\"], set(string))", "convert({a = 1}, map(number))", "\"v1.2.3-rc.1+b\"", "2", "64", "-64", "\"abc\"",
  ]
  let names = Stdlib.functions.keys.sorted()
  var calls = 0
  for name in names where name != "bcrypt" {
    for _ in 0..<25 {
      let args = (0..<Int.random(in: 0...4, using: &rng)).map { _ in pool.randomElement(using: &rng) ?? "null" }
      _ = eval("\(name)(\(args.joined(separator: ", ")))")
      calls += 1
    }
  }
  #expect(calls > 2_000)
}

@Test func longSingleLineInputsStayLinear() throws {
  let items = (0..<20_000).map { "\"k\($0)\": [\($0), \"é\($0)\"]" }.joined(separator: ",")
  let src = "{" + items + "}"
  let clock = ContinuousClock()
  let start = clock.now
  let (body, diags) = HCL.parseJSON(source: src, filename: "one-line.json")
  #expect(!diags.hasErrors)
  let (attrs, _) = try #require(body).justAttributes()
  #expect(attrs.count == 20_000)
  #expect(attrs["k19999"]?.range.start.column == src.unicodeScalars.count - 27)
  #expect(eval("length(jsondecode(s))", ["s": .string(src)]) == "20000")
  #expect(clock.now - start < .seconds(30))
}

@Test func bigCollectionsStayFast() {
  let clock = ContinuousClock()
  let start = clock.now
  #expect(eval("length(distinct(concat(range(1000), range(1000), range(1000))))") == "1000")
  #expect(eval("length(setunion(range(1000), range(500, 1024)))") == "1024")
  #expect(eval("length(setintersection(range(1000), range(500, 1024)))") == "500")
  #expect(eval("length(setsymmetricdifference(range(1000), range(500, 1024)))") == "524")
  #expect(eval("length(setsubtract(range(1000), range(500, 1024)))") == "500")
  #expect(clock.now - start < .seconds(20))
  #expect(eval("1" + String(repeating: "0", count: 5000)) == "error: Invalid number literal")
  #expect(eval("jsondecode(s)", ["s": .string("1" + String(repeating: "0", count: 5000))]).hasPrefix("error: Invalid function argument; Invalid value for \"str\" parameter: Number too long"))
}

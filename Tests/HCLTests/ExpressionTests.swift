import HCL
import Testing

/// Native-syntax expressions and their exact values (rendered with `Value.description`).
let expressionCases: [(String, String)] = [
  // Literals and numbers
  ("1", "1"), ("1.5", "1.5"), ("1e3", "1000"), ("1.5e-3", "0.0015"), ("0.1 + 0.2", "0.3"),
  ("123456789012345678901234567890 + 1", "123456789012345678901234567891"),
  ("99999999999999999999 * 99999999999999999999", "9999999999999999999800000000000000000001"),
  ("10 / 4", "2.5"), ("1 / 3", "0.3333333333333333333333333333333333333333"), ("7 % 3", "1"), ("-7 % 3", "-1"),
  ("5.5 % 2", "1.5"), ("2 - 5", "-3"), ("-(3)", "-3"), ("- -3", "3"), ("true", "true"), ("false", "false"),
  ("null", "null"),
  // Precedence
  ("1 + 2 * 3", "7"), ("(1 + 2) * 3", "9"), ("10 - 2 - 3", "5"), ("100 / 10 / 5", "2"), ("2 * 3 % 4", "2"),
  ("1 + 2 > 2", "true"), ("1 < 2 == true", "true"), ("true || false && false", "true"),
  ("(true || false) && false", "false"), ("!true || true", "true"), ("!(1 > 2)", "true"), ("-2 * -3", "6"),
  ("1 == 1.0", "true"), ("\"a\" == \"a\"", "true"), ("1 == \"1\"", "false"), ("null == null", "true"),
  ("[1, 2] == [1, 2]", "true"), ("{a = 1} != {a = 2}", "true"), ("1 >= 1", "true"), ("1 <= 0", "false"),
  ("\"5\" + 1", "6"), ("\"true\" && true", "true"),
  // Conditionals
  ("true ? 1 : 2", "1"), ("false ? 1 : 2", "2"), ("1 > 2 ? \"a\" : \"b\"", "\"b\""), ("true ? 1 : \"x\"", "\"1\""),
  ("false ? null : \"x\"", "\"x\""), ("true ? null : \"x\"", "null"),
  ("true ? false ? 1 : 2 : 3", "2"), ("false ? 1 : true ? 2 : 3", "2"),
  // Strings and templates
  ("\"hello\"", "\"hello\""), ("\"a\\nb\"", "\"a\\nb\""), ("\"tab\\there\"", "\"tab\\there\""),
  ("\"q\\\"q\"", "\"q\\\"q\""), ("\"back\\\\slash\"", "\"back\\\\slash\""), ("\"\\u00e9\"", "\"é\""),
  ("\"\\U0001F600\"", "\"😀\""), ("\"x${1 + 1}y\"", "\"x2y\""), ("\"${true}\"", "true"), ("\"${1}\"", "1"),
  ("\"a${true}\"", "\"atrue\""), ("\"$${x}\"", "\"${x}\""), ("\"%%{x}\"", "\"%{x}\""), ("\"$\"", "\"$\""),
  ("\"100%\"", "\"100%\""), ("\"${\"nested ${1}\"}\"", "\"nested 1\""),
  ("\"%{if true}yes%{else}no%{endif}\"", "\"yes\""), ("\"%{if false}yes%{else}no%{endif}\"", "\"no\""),
  ("\"%{if false}yes%{endif}\"", "\"\""), ("\"%{for x in [1,2,3]}${x},%{endfor}\"", "\"1,2,3,\""),
  ("\"%{for k, v in {a=1,b=2}}${k}=${v};%{endfor}\"", "\"a=1;b=2;\""),
  ("\"%{for i, v in [\"x\",\"y\"]}${i}${v}%{endfor}\"", "\"0x1y\""),
  ("\"a  ${~ \"b\" ~}  c\"", "\"abc\""), ("\"a ${\"b\"} c\"", "\"a b c\""),
  ("\"x %{~ if true ~} y %{~ endif ~} z\"", "\"xyz\""),
  // Tuples and objects
  ("[]", "[]"), ("[1, \"a\", true]", "[1, \"a\", true]"), ("[1, 2,]", "[1, 2]"), ("[\n1,\n2\n]", "[1, 2]"),
  ("{}", "{}"), ("{a = 1, b = \"x\"}", "{a = 1, b = \"x\"}"), ("{a: 1}", "{a = 1}"), ("{\"a b\" = 1}", "{\"a b\" = 1}"),
  ("{(\"k\") = 1}", "{k = 1}"), ("{\"${\"k\"}2\" = 1}", "{k2 = 1}"), ("{\na = 1\nb = 2\n}", "{a = 1, b = 2}"),
  ("{a = {b = [1]}}", "{a = {b = [1]}}"), ("{for = 1}", "{for = 1}"), ("{if = 1, in = 2}", "{if = 1, in = 2}"),
  // Traversals
  ("[1, 2, 3][1]", "2"), ("{a = {b = 5}}.a.b", "5"), ("{a = [10, 20]}.a[1]", "20"), ("{a = [10, 20]}.a.1", "20"),
  ("{a = 1}[\"a\"]", "1"), ("[[1, 2], [3, 4]][1][0]", "3"), ("[[1, 2], [3, 4]].1.0", "3"),
  ("obj.name", "\"kiln\""), ("obj.tags[1]", "\"b\""), ("obj[\"name\"]", "\"kiln\""), ("list[0]", "\"x\""),
  ("obj.nested.deep", "true"), ("list[num - 1]", "\"x\""), ("obj.tags[num]", "\"b\""),
  // Splats
  ("[{a = 1}, {a = 2}][*].a", "[1, 2]"), ("[{a = 1}, {a = 2}].*.a", "[1, 2]"), ("objs[*].n", "[1, 2]"),
  ("objs[*].l[0]", "[\"p\", \"q\"]"), ("null[*]", "[]"), ("obj[*].name", "[\"kiln\"]"), ("list[*]", "list([\"x\", \"y\"])"),
  ("[[1, 2], [3]][*][0]", "[1, 3]"),
  // For expressions
  ("[for x in [1, 2, 3]: x * 2]", "[2, 4, 6]"), ("[for i, x in [\"a\", \"b\"]: \"${i}${x}\"]", "[\"0a\", \"1b\"]"),
  ("[for x in [1, 2, 3, 4]: x if x % 2 == 0]", "[2, 4]"), ("{for x in [\"a\", \"b\"]: x => upper(x)}", "{a = \"A\", b = \"B\"}"),
  ("{for k, v in {a = 1, b = 2}: v => k}", "{\"1\" = \"a\", \"2\" = \"b\"}"),
  ("{for x in [\"a\", \"b\", \"a\"]: x => x...}", "{a = [\"a\", \"a\"], b = [\"b\"]}"),
  ("[for k, v in {b = 2, a = 1}: k]", "[\"a\", \"b\"]"), ("[for x in list: x]", "[\"x\", \"y\"]"),
  ("[for x in [1, 2]: [for y in [3, 4]: x * y]]", "[[3, 4], [6, 8]]"),
  ("[\n for x in [1, 2] :\n x\n]", "[1, 2]"), ("{for x in []: x => x}", "{}"), ("[for x in convert([\"b\", \"a\"], set(string)): x]", "[\"a\", \"b\"]"),
  // Function calls
  ("upper(\"a\")", "\"A\""), ("max(1, 5, 3)", "5"), ("max([1, 5, 3]...)", "5"), ("concat([1], [2])", "[1, 2]"),
  ("strlen(\"héllo\")", "5"), ("join(\",\", list)", "\"x,y\""), ("max(\n1,\n2,\n)", "2"),
  // Heredocs are tested with bodies; errors
  ("undefined_var", "error: Unknown variable; There is no variable named \"undefined_var\"."),
  ("nosuchfn(1)", "error: Call to unknown function; There is no function named \"nosuchfn\"."),
  ("1 + \"a\"", "error: Invalid operand; Unsuitable value for right operand: a number is required."),
  ("1 / 0", "error: Operation failed; Error during operation: can't divide by zero."),
  ("[1][5]", "error: Invalid index; The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection."),
  ("{a = 1}.b", "error: Unsupported attribute; This object does not have an attribute named \"b\"."),
  ("null.a", "error: Attempt to get attribute from null value; This value is null, so it does not have any attributes."),
  ("\"${null}\"", "null"), ("\"x${null}\"", "error: Invalid template interpolation value; The expression result is null. Cannot include a null value in a string template."),
  ("\"${[1]}x\"", "error: Invalid template interpolation value; Cannot include the given value in a string template: string required, but have tuple."),
  ("1 ? 2 : 3", "error: Incorrect condition type; The condition expression must be of type bool."),
  ("[for x in 1: x]", "error: Iteration over non-iterable value; A value of type number cannot be used as the collection in a 'for' expression."),
  ("{for x in [\"a\", \"a\"]: x => x}", "error: Duplicate object key; Two different items produced the key \"a\" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key."),
  ("upper()", "error: Not enough function arguments; Function \"upper\" expects 1 argument(s). Missing value for \"str\"."),
  ("upper(\"a\", \"b\")", "error: Too many function arguments; Function \"upper\" expects only 1 argument(s)."),
  ("upper([])", "error: Invalid function argument; Invalid value for \"str\" parameter: string required."),
  ("obj.nmae", "error: Unsupported attribute; This object does not have an attribute named \"nmae\". Did you mean \"name\"?"),
  ("!1", "error: Invalid operand; Unsuitable value for unary operand: a bool is required."),
  ("max(1...)", "error: Invalid expanding argument value; The expanding argument (indicated by ...) must be of a tuple, list, or set type."),
]

let testVars: [String: Value] = [
  "obj": .object([
    "name": .string("kiln"), "tags": .list([.string("a"), .string("b")], .string),
    "nested": .object(["deep": .bool(true)]),
  ]),
  "list": .list([.string("x"), .string("y")], .string),
  "num": .int(1),
  "objs": .tuple([
    .object(["n": .int(1), "l": .tuple([.string("p")])]), .object(["n": .int(2), "l": .tuple([.string("q")])]),
  ]),
]

@Test(arguments: expressionCases)
func expression(_ source: String, _ expected: String) {
  #expect(eval(source, testVars) == expected, "\(source)")
}

/// More for-expression and splat semantics.
let iterationCases: [(String, String)] = [
  ("[for k, v in convert([\"b\", \"a\"], set(string)): \"${k}=${v}\"]", "[\"a=a\", \"b=b\"]"),
  ("{for i, v in [\"x\", \"y\"]: v => i}", "{x = 0, y = 1}"),
  ("{for k, v in {a = [1], b = [2]}: k => v[0]}", "{a = 1, b = 2}"),
  ("[for v in [1, null, 3]: v if v != null]", "[1, 3]"),
  ("{for v in [\"a\", \"bb\", \"cc\"]: strlen(v) => v...}", "{\"1\" = [\"a\"], \"2\" = [\"bb\", \"cc\"]}"),
  ("[for v in []: v]", "[]"),
  ("[for x in [1, 2]: x if \"yes\"]", "error: Invalid 'for' condition; The 'if' clause value is invalid: bool required."),
  ("[for x in null: x]", "error: Iteration over null value; A null value cannot be used as the collection in a 'for' expression."),
  ("{for x in [1]: null => x}", "error: Invalid object key; Key expression in 'for' expression must not produce a null value."),
  ("[{a = {b = 1}}, {a = {b = 2}}][*].a.b", "[1, 2]"),
  ("[[1, 2], [3, 4]][*][1]", "[2, 4]"),
  ("[{a = [1, 2]}, {a = [3]}].*.a[0]", "[1, 2]"),
  ("length([{a = 1}][*])", "1"),
  ("\"x\"[*]", "[\"x\"]"),
  ("[for s in [\"a\", \"b\"]: s][*]", "[\"a\", \"b\"]"),
  ("\"%{for i, x in [\"a\", \"b\"]}${i > 0 ? \",\" : \"\"}${x}%{endfor}\"", "\"a,b\""),
  ("\"%{if 1 > 2}big%{else}small%{endif}-%{if true}${\"x\"}%{endif}\"", "\"small-x\""),
  ("\"%{for x in [1, 2]}%{if x == 2}two%{else}one,%{endif}%{endfor}\"", "\"one,two\""),
]

@Test(arguments: iterationCases)
func iteration(_ source: String, _ expected: String) {
  #expect(eval(source, testVars) == expected, "\(source)")
}

import HCL
import Testing

/// Standard-library calls and their exact results, following cty/go-cty-funcs/buildx semantics.
let functionCases: [(String, String)] = [
  // Math
  ("absolute(-1.5)", "1.5"), ("add(1, 2)", "3"), ("subtract(1, 2)", "-1"), ("multiply(1.5, 2)", "3"),
  ("divide(7, 2)", "3.5"), ("modulo(7, 3)", "1"), ("negate(5)", "-5"), ("ceil(1.2)", "2"), ("ceil(-1.2)", "-1"),
  ("floor(1.8)", "1"), ("floor(-1.2)", "-2"), ("int(2.9)", "2"), ("int(-2.9)", "-2"), ("signum(-3)", "-1"),
  ("signum(0)", "0"), ("signum(8)", "1"), ("log(16, 2)", "4"), ("log(1, 10)", "0"), ("pow(2, 10)", "1024"),
  ("pow(2, 100)", "1267650600228229401496703205376"), ("pow(4, 0.5)", "2"), ("max(3, 9, 1)", "9"), ("min(3, 9, 1)", "1"),
  ("max(\"12\", 3)", "12"), ("parseint(\"100\", 10)", "100"), ("parseint(\"FF\", 16)", "255"), ("parseint(\"-11\", 2)", "-3"),
  ("parseint(\"zz\", 36)", "1295"), ("parseint(\"12\", 2)", "error: Invalid function argument; Invalid value for \"number\" parameter: cannot parse \"12\" as a base 2 integer."),
  ("divide(1, 0)", "error: Error in function call; Call to function \"divide\" failed: can't divide by zero."),
  ("max()", "error: Error in function call; Call to function \"max\" failed: must pass at least one number."),
  // Logic
  ("and(true, false)", "false"), ("or(true, false)", "true"), ("not(false)", "true"), ("equal(1, 1)", "true"),
  ("equal(\"a\", \"b\")", "false"), ("notequal(1, 2)", "true"), ("greaterthan(2, 1)", "true"), ("lessthan(2, 1)", "false"),
  ("greaterthanorequalto(1, 1)", "true"), ("lessthanorequalto(2, 1)", "false"), ("coalesce(null, \"a\", \"b\")", "\"a\""),
  ("coalesce(null, 1, \"b\")", "\"1\""), ("coalesce(null, null)", "error: Error in function call; Call to function \"coalesce\" failed: no non-null arguments."),
  ("coalescelist([], [1, 2])", "[1, 2]"), ("coalescelist([\"a\"], [])", "[\"a\"]"),
  // Strings
  ("upper(\"héllo\")", "\"HÉLLO\""), ("lower(\"HeLLo\")", "\"hello\""), ("chomp(\"hello\\n\\r\\n\")", "\"hello\""),
  ("chomp(\"a\\nb\")", "\"a\\nb\""), ("title(\"hello world-wide\")", "\"Hello World-Wide\""), ("trimspace(\"  a b \\n\")", "\"a b\""),
  ("trim(\"?!hello?!\", \"!?\")", "\"hello\""), ("trimprefix(\"helloworld\", \"hello\")", "\"world\""),
  ("trimprefix(\"helloworld\", \"x\")", "\"helloworld\""), ("trimsuffix(\"helloworld\", \"world\")", "\"hello\""),
  ("indent(2, \"a\\nb\\nc\")", "\"a\\n  b\\n  c\""), ("join(\"-\", [\"a\", \"b\"], [\"c\"])", "\"a-b-c\""),
  ("join(\",\", [])", "\"\""), ("replace(\"a-b-c\", \"-\", \"+\")", "\"a+b+c\""), ("replace(\"abc\", \"/b/\", \"x\")", "\"abc\""),
  ("split(\",\", \"a,b,,c\")", "list([\"a\", \"b\", \"\", \"c\"])"), ("split(\",\", \"\")", "list([\"\"])"),
  ("split(\"\\n\", \"a\\r\\nb\")", "list([\"a\\r\", \"b\"])"), ("replace(\"a\\r\\nb\", \"\\n\", \"|\")", "\"a\\r|b\""),
  ("indent(1, \"a\\r\\nb\")", "\"a\\r\\n b\""), ("split(\"\", \"ab\")", "list([\"a\", \"b\"])"),
  ("reverse(\"héllo\")", "\"olléh\""), ("strlen(\"🙂ab\")", "3"), ("substr(\"hello world\", 1, 4)", "\"ello\""),
  ("substr(\"hello\", -3, -1)", "\"llo\""), ("substr(\"hello\", 10, 2)", "\"\""), ("substr(\"héllo\", 1, 1)", "\"é\""),
  ("format(\"Hello, %s!\", \"Ander\")", "\"Hello, Ander!\""), ("format(\"%d items\", 3)", "\"3 items\""),
  ("format(\"%5d|%-5d|%05d\", 42, 42, 42)", "\"   42|42   |00042\""), ("format(\"%.2f\", 3.14159)", "\"3.14\""),
  ("format(\"%f\", 1)", "\"1.000000\""), ("format(\"%x %X %o %b\", 255, 255, 8, 5)", "\"ff FF 10 101\""),
  ("format(\"%t\", true)", "\"true\""), ("format(\"%q\", \"a\\\"b\")", "\"\\\"a\\\\\\\"b\\\"\""),
  ("format(\"%v %v\", 1.5, [1, \"a\"])", "\"1.5 [1,\\\"a\\\"]\""), ("format(\"%#v\", \"x\")", "\"\\\"x\\\"\""),
  ("format(\"%%\")", "\"%\""), ("format(\"%[2]s %[1]s\", \"a\", \"b\")", "\"b a\""), ("format(\"%+d\", 5)", "\"+5\""),
  ("format(\"%e\", 1234.5678)", "\"1.234568e+03\""), ("format(\"%g\", 0.5)", "\"0.5\""), ("format(\"%g %g %g\", 1000000, 123456, 0.00001234)", "\"1e+06 123456 1.234e-05\""),
  ("format(\"%G\", 1234567)", "\"1.234567E+06\""), ("format(\"%.3g\", 3.14159)", "\"3.14\""), ("format(\"%.3s\", \"abcdef\")", "\"abc\""),
  ("format(\"%s\")", "error: Error in function call; Call to function \"format\" failed: not enough arguments for \"%s\" at 0."),
  ("format(\"x\", 1)", "error: Error in function call; Call to function \"format\" failed: too many arguments; no verbs in format string."),
  ("formatlist(\"%s=%s\", [\"a\", \"b\"], [\"1\", \"2\"])", "list([\"a=1\", \"b=2\"])"),
  ("formatlist(\"Hi %s%s\", [\"a\", \"b\"], \"!\")", "list([\"Hi a!\", \"Hi b!\"])"),
  ("sanitize(\"my.target/v1:2\")", "\"my_target_v1_2\""), ("sanitize(\"ok-name_1\")", "\"ok-name_1\""),
  ("byteslen(\"é\")", "2"), ("bytesslice(\"hello\", 1, 3)", "\"ell\""),
  // Regex
  ("regex(\"[a-z]+\", \"53453453.345345aaddbb4\")", "\"aaddbb\""), ("regex(\"(\\\\d+)-(\\\\d+)\", \"10-20\")", "[\"10\", \"20\"]"),
  ("regex(\"(?P<y>\\\\d{4})-(?P<m>\\\\d{2})\", \"2019-02\")", "{m = \"02\", y = \"2019\"}"),
  ("regex(\"\\\\(?<x>(y)\", \"(?<x>y\")", "[\"y\"]"), ("regex(\"(?<=a)b\", \"ab\")", "\"b\""),
  ("regexall(\"[a-z]+\", \"1234abcd5678efgh9\")", "list([\"abcd\", \"efgh\"])"), ("length(regexall(\"z\", \"abc\"))", "0"),
  ("regex_replace(\"hello world\", \"o\", \"0\")", "\"hell0 w0rld\""), ("regex_replace(\"a1b22\", \"(\\\\d+)\", \"<$1>\")", "\"a<1>b<22>\""),
  ("regex(\"x\", \"abc\")", "error: Error in function call; Call to function \"regex\" failed: pattern did not match any part of the given string."),
  // Collections
  ("length([1, 2, 3])", "3"), ("length({a = 1})", "1"), ("length(\"abc\")", "error: Invalid function argument; Invalid value for \"collection\" parameter: collection must be a list, a map or a tuple."),
  ("chunklist([1, 2, 3, 4, 5], 2)", "list([list([1, 2]), list([3, 4]), list([5])])"), ("compact([\"a\", \"\", \"b\"])", "list([\"a\", \"b\"])"),
  ("concat([1, 2], [3])", "[1, 2, 3]"), ("concat(split(\",\", \"a\"), split(\",\", \"b\"))", "list([\"a\", \"b\"])"),
  ("contains([\"a\", \"b\"], \"b\")", "true"), ("contains([1, 2], 3)", "false"), ("distinct([\"a\", \"b\", \"a\"])", "list([\"a\", \"b\"])"),
  ("element([\"a\", \"b\", \"c\"], 4)", "\"b\""), ("element([], 0)", "error: Invalid function argument; Invalid value for \"list\" parameter: cannot use element function with an empty list."),
  ("flatten([[\"a\", \"b\"], [], [\"c\", [\"d\"]]])", "[\"a\", \"b\", \"c\", \"d\"]"), ("index([\"a\", \"b\"], 1)", "\"b\""),
  ("index({a = 1}, \"a\")", "1"), ("hasindex([1], 0)", "true"), ("hasindex([1], 5)", "false"), ("hasindex({a = 1}, \"b\")", "false"),
  ("indexof([\"a\", \"b\", \"c\"], \"c\")", "2"), ("indexof([\"a\"], \"z\")", "error: Error in function call; Call to function \"indexof\" failed: item not found."),
  ("keys({b = 1, a = 2})", "[\"a\", \"b\"]"), ("values({b = 1, a = 2})", "[2, 1]"), ("keys(convert({b = 1}, map(number)))", "list([\"b\"])"),
  ("lookup({a = \"x\"}, \"a\", \"d\")", "\"x\""), ("lookup({a = \"x\"}, \"b\", \"d\")", "\"d\""),
  ("merge({a = 1}, {b = 2}, {a = 3})", "{a = 3, b = 2}"), ("merge(null, {a = 1})", "{a = 1}"),
  ("range(3)", "list([0, 1, 2])"), ("range(1, 4)", "list([1, 2, 3])"), ("range(0, 10, 3)", "list([0, 3, 6, 9])"),
  ("range(3, 0, -1)", "list([3, 2, 1])"), ("range(0, 1, 0.25)", "list([0, 0.25, 0.5, 0.75])"),
  ("range(1, 2, 0)", "error: Error in function call; Call to function \"range\" failed: step must not be zero."),
  ("reverselist([1, 2, 3])", "[3, 2, 1]"), ("slice([\"a\", \"b\", \"c\", \"d\"], 1, 3)", "[\"b\", \"c\"]"),
  ("slice([1], 0, 5)", "error: Invalid function argument; Invalid value for \"end_index\" parameter: to index must be less than or equal to the length of the input collection."),
  ("sort([\"e\", \"d\", \"a\", \"x\"])", "list([\"a\", \"d\", \"e\", \"x\"])"), ("sort([3, 10, 2])", "list([\"10\", \"2\", \"3\"])"),
  ("zipmap([\"a\", \"b\"], [1, 2])", "{a = 1, b = 2}"), ("zipmap([\"a\"], [1, 2])", "error: Error in function call; Call to function \"zipmap\" failed: number of keys (1) does not match number of values (2)."),
  // Sets
  ("setunion([\"a\", \"b\"], [\"b\", \"c\"])", "set([\"a\", \"b\", \"c\"])"), ("setintersection([\"a\", \"b\"], [\"b\", \"c\"])", "set([\"b\"])"),
  ("setsubtract([\"a\", \"b\", \"c\"], [\"a\", \"c\"])", "set([\"b\"])"), ("setsymmetricdifference([1, 2], [2, 3])", "set([1, 3])"),
  ("sethaselement([\"a\"], \"a\")", "true"), ("setproduct([\"a\", \"b\"], [1, 2])", "list([[\"a\", 1], [\"a\", 2], [\"b\", 1], [\"b\", 2]])"),
  ("length(setunion([], []))", "0"),
  // Encoding
  ("base64encode(\"Hello World\")", "\"SGVsbG8gV29ybGQ=\""), ("base64decode(\"SGVsbG8gV29ybGQ=\")", "\"Hello World\""),
  ("base64decode(\"!!\")", "error: Invalid function argument; Invalid value for \"str\" parameter: failed to decode base64 data \"!!\"."),
  ("urlencode(\"a b&c=d/é\")", "\"a+b%26c%3Dd%2F%C3%A9\""), ("jsonencode({b = [1, true, null], a = \"<x>\"})", "\"{\\\"a\\\":\\\"\\\\u003cx\\\\u003e\\\",\\\"b\\\":[1,true,null]}\""),
  ("jsondecode(\"{\\\"a\\\": [1, 2.5, \\\"x\\\"], \\\"b\\\": null}\")", "{a = [1, 2.5, \"x\"], b = null}"), ("jsondecode(\"1e2\")", "100"),
  ("jsondecode(\"{\")", "error: Invalid function argument; Invalid value for \"str\" parameter: Expected a quoted property name at offset 1."),
  ("csvdecode(\"a,b\\n1,2\\n3,\\\"x,y\\\"\\n\")", "list([{a = \"1\", b = \"2\"}, {a = \"3\", b = \"x,y\"}])"),
  // Crypto and ids
  ("md5(\"\")", "\"d41d8cd98f00b204e9800998ecf8427e\""), ("md5(\"hello world\")", "\"5eb63bbbe01eeed093cb22bb8f5acdc3\""),
  ("sha1(\"abc\")", "\"a9993e364706816aba3e25717850c26c9cd0d89d\""),
  ("sha256(\"\")", "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\""),
  ("sha256(\"abc\")", "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\""),
  ("sha512(\"abc\")", "\"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f\""),
  ("uuidv5(\"dns\", \"www.example.com\")", "\"2ed6657d-e927-568b-95e1-2665a8aea6a2\""),
  ("length(uuidv4())", "error: Invalid function argument; Invalid value for \"collection\" parameter: collection must be a list, a map or a tuple."),
  ("strlen(uuidv4())", "36"),
  // CIDR
  ("cidrhost(\"10.12.112.0/20\", 16)", "\"10.12.112.16\""), ("cidrhost(\"10.12.112.0/20\", 268)", "\"10.12.113.12\""),
  ("cidrhost(\"10.0.0.0/24\", -1)", "\"10.0.0.255\""), ("cidrhost(\"fd00:fd12:3456:7890:00a2::/72\", 34)", "\"fd00:fd12:3456:7890::22\""),
  ("cidrnetmask(\"172.16.0.0/12\")", "\"255.240.0.0\""), ("cidrsubnet(\"172.16.0.0/12\", 4, 2)", "\"172.18.0.0/16\""),
  ("cidrsubnet(\"10.1.2.0/24\", 4, 15)", "\"10.1.2.240/28\""), ("cidrsubnet(\"fd00:fd12:3456:7890::/56\", 16, 162)", "\"fd00:fd12:3456:7800:a200::/72\""),
  ("cidrsubnets(\"10.1.0.0/16\", 4, 4, 8, 4)", "list([\"10.1.0.0/20\", \"10.1.16.0/20\", \"10.1.32.0/24\", \"10.1.48.0/20\"])"),
  ("cidrhost(\"10.0.0.0/30\", 9)", "error: Error in function call; Call to function \"cidrhost\" failed: prefix of 30 bits cannot accommodate a host numbered 9."),
  ("cidrsubnet(\"10.0.0.0/30\", 4, 1)", "error: Error in function call; Call to function \"cidrsubnet\" failed: insufficient address space to extend prefix of 30 by 4."),
  // Time
  ("timeadd(\"2017-11-22T00:00:00Z\", \"10m\")", "\"2017-11-22T00:10:00Z\""), ("timeadd(\"2017-11-22T00:00:00Z\", \"-1h30m\")", "\"2017-11-21T22:30:00Z\""),
  ("timeadd(\"2024-02-28T23:00:00+02:00\", \"26h\")", "\"2024-03-01T01:00:00+02:00\""),
  ("formatdate(\"DD MMM YYYY hh:mm ZZZ\", \"2018-01-02T23:12:01Z\")", "\"02 Jan 2018 23:12 UTC\""),
  ("formatdate(\"EEEE, MMMM D, YY\", \"2018-01-02T23:12:01-08:00\")", "\"Tuesday, January 2, 18\""),
  ("formatdate(\"h:mm AA 'o''clock' Z\", \"2018-01-02T15:04:05+05:30\")", "\"15:04 PM o'clock +05:30\""),
  ("formatdate(\"HH aa ZZZZ ZZZZZ\", \"2018-01-02T00:04:05Z\")", "\"12 am +0000 +00:00\""),
  ("formatdate(\"YYY\", \"2018-01-02T00:04:05Z\")", "error: Invalid function argument; Invalid value for \"format\" parameter: invalid date format verb \"YYY\": year must either be \"YY\" or \"YYYY\"."),
  ("formatdate(\"YYYY\", \"2018-01-02\")", "error: Invalid function argument; Invalid value for \"time\" parameter: not a valid RFC3339 timestamp: \"2018-01-02\"."),
  ("formattimestamp(\"X\", \"2015-10-21T07:28:00Z\")", "\"1445412480\""), ("formattimestamp(\"YYYY-MM-DD\", 1445412480)", "\"2015-10-21\""),
  ("unixtimestampparse(1445412480).rfc3339", "\"2015-10-21T07:28:00Z\""), ("unixtimestampparse(0).weekday_name", "\"Thursday\""),
  ("unixtimestampparse(1704067200).iso_week", "1"), ("unixtimestampparse(1735603200).iso_year", "2025"),
  ("strlen(timestamp())", "20"), ("timeadd(\"2020-01-01T00:00:00+00:00\", \"1s\")", "\"2020-01-01T00:00:01Z\""),
  ("timeadd(\"2021-02-29T00:00:00Z\", \"1s\")", "error: Invalid function argument; Invalid value for \"timestamp\" parameter: not a valid RFC3339 timestamp: \"2021-02-29T00:00:00Z\"."),
  ("timeadd(\"2024-02-29T23:59:59.5Z\", \"500ms\")", "\"2024-03-01T00:00:00Z\""),
  ("timeadd(\"2024-01-01T00:00:00Z\", \"-1.5h\")", "\"2023-12-31T22:30:00Z\""),
  // Paths
  ("basename(\"/foo/bar\")", "\"bar\""), ("basename(\"\")", "\".\""), ("basename(\"/\")", "\"/\""), ("basename(\"a/b/\")", "\"b\""),
  ("dirname(\"/foo/bar\")", "\"/foo\""), ("dirname(\"foo/bar\")", "\"foo\""), ("dirname(\"\")", "\".\""), ("dirname(\"/\")", "\"/\""),
  ("dirname(\"/foo/bar...\")", "\"/foo\""),
  // Meta
  ("try(undefined_thing, \"fallback\")", "\"fallback\""), ("try(1, 2)", "1"), ("can(undefined_thing)", "false"), ("can(1 + 1)", "true"),
  ("try({a = 1}.b, {a = 1}.a)", "1"), ("convert([1, 2], list(string))", "list([\"1\", \"2\"])"),
  ("convert({a = 1}, map(string))", "map({a = \"1\"})"), ("convert(\"true\", bool)", "true"),
  ("convert({a = 1}, object({a = string, b = optional(number)}))", "{a = \"1\", b = null}"),
  ("convert([1, \"a\"], tuple([string, string]))", "[\"1\", \"a\"]"),
  ("convert(\"x\", number)", "error: Invalid value for \"value\" parameter; Cannot convert to number: a number is required."),
  ("semvercmp(\"1.2.3\", \">= 1.2.0\")", "true"), ("semvercmp(\"1.2.3\", \"< 1.2.0\")", "false"), ("semvercmp(\"1.4.0\", \"~1.2\")", "false"),
  ("semvercmp(\"1.2.9\", \"~1.2.3\")", "true"), ("semvercmp(\"1.9.0\", \"^1.2\")", "true"), ("semvercmp(\"2.0.0\", \"^1.2\")", "false"),
  ("semvercmp(\"v1.5.0\", \">1.0, <2.0\")", "true"), ("semvercmp(\"3.0.0\", \"1.x || >=3\")", "true"), ("semvercmp(\"1.3.0\", \"1.2.x\")", "false"),
  ("semvercmp(\"1.0.0-beta\", \">=1.0.0\")", "false"), ("semvercmp(\"1.5.0\", \"1.2 - 1.6\")", "true"),
  ("semvercmp(\"x\", \">1\")", "error: Invalid function argument; Invalid value for \"version\" parameter: invalid semantic version."),
]

@Test(arguments: functionCases)
func function(_ source: String, _ expected: String) {
  #expect(eval(source) == expected, "\(source)")
}

@Test func stdlibHasEveryBuildxName() {
  let names = """
    absolute add and base64decode base64encode basename bcrypt byteslen bytesslice can ceil chomp chunklist cidrhost \
    cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist compact concat contains convert csvdecode dirname distinct \
    divide element equal flatten floor format formatdate formattimestamp formatlist greaterthan greaterthanorequalto \
    hasindex homedir indent index indexof int join jsondecode jsonencode keys length lessthan lessthanorequalto log lookup \
    lower max md5 merge min modulo multiply negate not notequal or parseint pow range regex_replace regex regexall replace \
    reverse reverselist rsadecrypt sanitize semvercmp sethaselement setintersection setproduct setsubtract \
    setsymmetricdifference setunion sha1 sha256 sha512 signum slice sort split strlen substr subtract timeadd timestamp \
    title trim trimprefix trimspace trimsuffix try unixtimestampparse upper urlencode uuidv4 uuidv5 values zipmap
    """.split(separator: " ").map(String.init)
  #expect(names.count == 106)
  for n in names { #expect(Stdlib.functions[n] != nil, "missing \(n)") }
  #expect(Set(Stdlib.functions.keys) == Set(names))
}

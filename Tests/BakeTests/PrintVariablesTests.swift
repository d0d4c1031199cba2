import Testing

/// A compact expectation: one target's printed body for `--print app`.
func appOnly(_ body: String) -> String {
  let indented = body.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
  return """
    {
      "group": {
        "default": {
          "targets": [
            "app"
          ]
        }
      },
      "target": {
        "app": \(indented.dropFirst(4))
      }
    }

    """
}

/// Variables: defaults, types, environment and `--var` overrides, validation, functions.
let variableCases: [PrintCase] = [
  PrintCase(
    "variable default and interpolation",
    hcl: """
      variable "TAG" { default = "latest" }
      variable "REPO" { default = "user/${NAME}" }
      variable "NAME" { default = "app" }
      target "app" {
        tags = ["${REPO}:${TAG}"]
      }
      """,
    targets: ["app"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "tags": [
          "user/app:latest"
        ]
      }
      """)),
  PrintCase(
    "environment overrides an untyped variable",
    hcl: """
      variable "TAG" { default = "latest" }
      target "app" { tags = ["app:${TAG}"] }
      """,
    targets: ["app"], env: ["TAG": "v1"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "tags": [
          "app:v1"
        ]
      }
      """)),
  PrintCase(
    "--var wins over the environment",
    hcl: """
      variable "TAG" { default = "latest" }
      target "app" { tags = ["app:${TAG}"] }
      """,
    targets: ["app"], vars: ["TAG": "from-var"], env: ["TAG": "from-env"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "tags": [
          "app:from-var"
        ]
      }
      """)),
  PrintCase(
    "untyped number and bool defaults coerce overrides",
    hcl: """
      variable "N" { default = 3 }
      variable "B" { default = false }
      target "app" {
        args = { N = N + 1, B = B ? "yes" : "no" }
      }
      """,
    targets: ["app"], env: ["N": "41", "B": "true"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "args": {
          "B": "yes",
          "N": "42"
        }
      }
      """)),
  PrintCase(
    "a bad bool override is an error",
    hcl: """
      variable "B" { default = false }
      target "app" {}
      """,
    targets: ["app"], env: ["B": "maybe"], error: "failed to parse B as bool"),
  PrintCase(
    "typed list variables read CSV from the environment",
    hcl: """
      variable "PLATFORMS" {
        type = list(string)
        default = ["linux/amd64"]
      }
      target "app" { platforms = PLATFORMS }
      """,
    targets: ["app"], env: ["PLATFORMS": "linux/arm64,\"linux/arm/v7\""],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "platforms": [
          "linux/arm64",
          "linux/arm/v7"
        ]
      }
      """)),
  PrintCase(
    "typed map variables read k:v CSV",
    hcl: """
      variable "LABELS" {
        type = map(string)
        default = {}
      }
      target "app" { labels = LABELS }
      """,
    targets: ["app"], env: ["LABELS": "a:1,b:2"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "labels": {
          "a": "1",
          "b": "2"
        }
      }
      """)),
  PrintCase(
    "NAME_JSON overrides a typed variable",
    hcl: """
      variable "CFG" {
        type = object({ tag = string, n = number })
        default = { tag = "x", n = 1 }
      }
      target "app" { tags = ["app:${CFG.tag}-${CFG.n}"] }
      """,
    targets: ["app"], env: ["CFG_JSON": "{\"tag\":\"y\",\"n\":2}"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "tags": [
          "app:y-2"
        ]
      }
      """)),
  PrintCase(
    "an object variable without JSON is unsupported",
    hcl: """
      variable "CFG" {
        type = object({ tag = string })
        default = { tag = "x" }
      }
      target "app" {}
      """,
    targets: ["app"], env: ["CFG": "y"], error: "unsupported type object for variable CFG"),
  PrintCase(
    "without an environment, defaults stay",
    files: [("docker-bake.hcl", "variable \"TAG\" { default = \"latest\" }\ntarget \"app\" { tags = [TAG] }")],
    targets: ["app"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "tags": [
          "latest"
        ]
      }
      """)),
  PrintCase(
    "a variable without default is an empty string",
    hcl: """
      variable "EMPTY" {}
      target "app" { args = { E = "[${EMPTY}]" } }
      """,
    targets: ["app"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "args": {
          "E": "[]"
        }
      }
      """)),
  PrintCase(
    "a null arg is dropped",
    hcl: """
      variable "UNSET" {
        type = string
      }
      target "app" { args = { A = UNSET, B = "b" } }
      """,
    targets: ["app"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "args": {
          "B": "b"
        }
      }
      """)),
  PrintCase(
    "top-level attributes act as variables but ignore the environment",
    hcl: """
      REPO = "user/app"
      target "app" { tags = ["${REPO}:1"] }
      """,
    targets: ["app"], env: ["REPO": "other"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "tags": [
          "user/app:1"
        ]
      }
      """)),
  PrintCase(
    "validation failure prints its message",
    hcl: """
      variable "PORT" {
        default = 80
        validation {
          condition = PORT > 1024
          error_message = "PORT must be above 1024."
        }
      }
      target "app" {}
      """,
    targets: ["app"], error: "Validation failed; PORT must be above 1024."),
  PrintCase(
    "validation passes",
    hcl: """
      variable "PORT" {
        default = 8080
        validation {
          condition = PORT > 1024
          error_message = "PORT must be above 1024."
        }
      }
      target "app" { args = { PORT = PORT } }
      """,
    targets: ["app"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "args": {
          "PORT": "8080"
        }
      }
      """)),
  PrintCase(
    "undefined variables are named, with a location",
    hcl: """
      target "app" {
        tags = [NOPE]
      }
      """,
    targets: ["app"], error: "docker-bake.hcl:2:11: Unknown variable; There is no variable named \"NOPE\"."),
  PrintCase(
    "variable cycles are reported as cycles",
    hcl: """
      variable "A" { default = B }
      variable "B" { default = A }
      target "app" {}
      """,
    targets: ["app"], error: "variable cycle not allowed for"),
  PrintCase(
    "user functions, with variadic parameters",
    hcl: """
      function "tag" {
        params = [repo, ver]
        variadic_params = rest
        result = concat(["${repo}:${ver}"], [for r in rest : "${repo}:${r}"])
      }
      target "app" { tags = tag("user/app", "1.0", "1", "latest") }
      """,
    targets: ["app"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "tags": [
          "user/app:1.0",
          "user/app:1",
          "user/app:latest"
        ]
      }
      """)),
  PrintCase(
    "undefined functions are named",
    hcl: "target \"app\" { tags = [nofunc(1)] }", targets: ["app"], error: "nofunc"),
  PrintCase(
    "a function without params is an error",
    hcl: """
      function "f" { result = 1 }
      target "app" {}
      """,
    targets: ["app"], error: "empty params not allowed for f"),
  PrintCase(
    "built-in functions are available",
    hcl: """
      target "app" {
        tags = [lower("USER/APP"), format("%s-%03d", "v", 7), join(",", sort(["b", "a"]))]
      }
      """,
    targets: ["app"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "tags": [
          "user/app",
          "v-007",
          "a,b"
        ]
      }
      """)),
]

@Test(arguments: variableCases) func printVariables(_ c: PrintCase) { check(c) }

import Testing

/// Inherits, matrix, references between blocks, `target:` contexts, multiple files and JSON.
let compositionCases: [PrintCase] = [
  PrintCase(
    "inherits merge parents first; lists replace or append as buildx does",
    hcl: """
      target "base" {
        dockerfile = "base.Dockerfile"
        args = { A = "base", B = "base" }
        tags = ["base"]
        cache-from = ["type=registry,ref=base"]
        annotations = ["a=base"]
        platforms = ["linux/amd64"]
      }
      target "mid" {
        inherits = ["base"]
        args = { B = "mid" }
        cache-from = ["type=registry,ref=mid"]
      }
      target "app" {
        inherits = ["mid"]
        tags = ["app"]
        annotations = ["a=app"]
      }
      """,
    targets: ["app"],
    expected: appOnly(
      """
      {
        "annotations": [
          "a=base",
          "a=app"
        ],
        "context": ".",
        "dockerfile": "base.Dockerfile",
        "args": {
          "A": "base",
          "B": "mid"
        },
        "tags": [
          "app"
        ],
        "cache-from": [
          {
            "ref": "base",
            "type": "registry"
          },
          {
            "ref": "mid",
            "type": "registry"
          }
        ],
        "platforms": [
          "linux/amd64"
        ]
      }
      """)),
  PrintCase(
    "inheriting an unknown target is an error",
    hcl: "target \"app\" { inherits = [\"ghost\"] }", targets: ["app"], error: "failed to find target ghost"),
  PrintCase(
    "references read another target's attributes",
    hcl: """
      target "base" {
        tags = ["base:1"]
        args = { V = "1" }
      }
      target "app" {
        tags = concat(target.base.tags, ["app:1"])
        args = { V = target.base.args.V, D = target.base.dockerfile == null ? "none" : "some" }
      }
      """,
    targets: ["app"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "args": {
          "D": "none",
          "V": "1"
        },
        "tags": [
          "base:1",
          "app:1"
        ]
      }
      """)),
  PrintCase(
    "reference cycles are reported",
    hcl: """
      target "a" { tags = target.b.tags }
      target "b" { tags = target.a.tags }
      """,
    targets: ["a"], error: "reference cycle not allowed for"),
  PrintCase(
    "matrix expands a target into named targets and a group",
    hcl: """
      target "app" {
        name = "app-${tgt}"
        matrix = { tgt = ["a", "b"] }
        target = tgt
      }
      """,
    targets: ["app"],
    expected: """
      {
        "group": {
          "app": {
            "targets": [
              "app-a",
              "app-b"
            ]
          },
          "default": {
            "targets": [
              "app"
            ]
          }
        },
        "target": {
          "app-a": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "target": "a"
          },
          "app-b": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "target": "b"
          }
        }
      }

      """),
  PrintCase(
    "matrix values may be objects",
    hcl: """
      target "app" {
        name = "app-${item.os}"
        matrix = { item = [{ os = "alpine", v = "3" }, { os = "debian", v = "12" }] }
        args = { VERSION = item.v }
      }
      """,
    targets: ["app-debian"],
    expected: """
      {
        "group": {
          "default": {
            "targets": [
              "app-debian"
            ]
          }
        },
        "target": {
          "app-debian": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "VERSION": "12"
            }
          }
        }
      }

      """),
  PrintCase(
    "matrix with duplicate names is an error",
    hcl: """
      target "app" {
        name = "same"
        matrix = { x = ["a", "b"] }
      }
      """,
    error: "duplicate name \"same\""),
  PrintCase(
    "name without matrix is an error",
    hcl: "target \"app\" {\n  name = \"x\"\n}", error: "name requires matrix"),
  PrintCase(
    "groups cannot have a matrix",
    hcl: "group \"g\" {\n  targets = []\n  matrix = { a = [1] }\n}", error: "matrix is not supported for groups"),
  PrintCase(
    "target: contexts pull in linked targets as cache-only",
    hcl: """
      target "base" {
        dockerfile = "base.Dockerfile"
        entitlements = ["network.host"]
      }
      target "app" {
        contexts = { base = "target:base" }
      }
      """,
    targets: ["app"],
    expected: """
      {
        "group": {
          "default": {
            "targets": [
              "app"
            ]
          }
        },
        "target": {
          "app": {
            "context": ".",
            "contexts": {
              "base": "target:base"
            },
            "dockerfile": "Dockerfile",
            "entitlements": [
              "network.host"
            ]
          },
          "base": {
            "context": ".",
            "dockerfile": "base.Dockerfile",
            "output": [
              {
                "type": "cacheonly"
              }
            ],
            "entitlements": [
              "network.host"
            ]
          }
        }
      }

      """),
  PrintCase(
    "a target linking to itself is an error",
    hcl: "target \"app\" {\n  contexts = { x = \"target:app\" }\n}", targets: ["app"], error: "target app cannot link to itself"),
  PrintCase(
    "later files override earlier ones; same-named targets merge",
    files: [
      ("docker-bake.hcl", "variable \"TAG\" { default = \"1\" }\ntarget \"app\" {\n  tags = [\"app:${TAG}\"]\n  dockerfile = \"a\"\n}"),
      ("override.hcl", "variable \"TAG\" { default = \"2\" }\ntarget \"app\" {\n  args = { X = \"y\" }\n}"),
    ],
    targets: ["app"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "a",
        "args": {
          "X": "y"
        },
        "tags": [
          "app:2"
        ]
      }
      """)),
  PrintCase(
    "JSON bake files",
    files: [
      (
        "docker-bake.json",
        """
        {
          "variable": { "TAG": { "default": "v1" } },
          "group": { "default": { "targets": ["app"] } },
          "target": {
            "app": {
              "context": "./app",
              "tags": ["user/app:${TAG}"],
              "args": { "A": "1" },
              "platforms": ["linux/amd64"]
            }
          }
        }
        """
      )
    ],
    expected: appOnly(
      """
      {
        "context": "app",
        "dockerfile": "Dockerfile",
        "args": {
          "A": "1"
        },
        "tags": [
          "user/app:v1"
        ],
        "platforms": [
          "linux/amd64"
        ]
      }
      """)),
  PrintCase(
    "HCL and JSON files combine",
    files: [
      ("docker-bake.hcl", "target \"app\" {\n  dockerfile = \"x\"\n}"),
      ("docker-bake.override.json", "{\"target\": {\"app\": {\"tags\": [\"t\"]}}}"),
    ],
    targets: ["app"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "x",
        "tags": [
          "t"
        ]
      }
      """)),
  PrintCase(
    "syntax errors carry their location",
    hcl: "target \"app\" {\n  tags = [\"a\"\n}", error: "docker-bake.hcl:3:1: Syntax error; Expected \",\" or \"]\" in the tuple"),
]

@Test(arguments: compositionCases) func printComposition(_ c: PrintCase) { check(c) }

import Testing

/// More cases printed by buildx v0.36.1: variables from the environment and `--var`, matrix
/// objects and links, `--set` appends, selection by group, glob and sanitised name, escaping.
let buildxVerifiedCases2: [PrintCase] = [
  PrintCase(
    "d1 ",
    files: [("docker-bake.hcl", #"""
      variable "REG" { default = "docker.io" }
      variable "IMG" { default = "${REG}/me/app" }
      variable "PLATS" {
        type = list(string)
        default = ["linux/amd64"]
      }
      variable "DEBUG" {
        type = bool
        default = false
      }
      variable "NUM" {
        type = number
        default = 1
      }
      BASE = "${IMG}:base"
      group "default" { targets = ["app", "base"] }
      target "base" {
        tags = [BASE]
      }
      target "app" {
        inherits = ["base"]
        tags = concat(target.base.tags, ["${IMG}:${NUM}"])
        platforms = PLATS
        args = { DEBUG = DEBUG, NUM = NUM * 2 }
      }
      """#)],
    targets: [], set: [], vars: [:], env: [:],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "app",
              "base"
            ]
          }
        },
        "target": {
          "app": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "DEBUG": "false",
              "NUM": "2"
            },
            "tags": [
              "docker.io/me/app:base",
              "docker.io/me/app:1"
            ],
            "platforms": [
              "linux/amd64"
            ]
          },
          "base": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "tags": [
              "docker.io/me/app:base"
            ]
          }
        }
      }

      """#),
  PrintCase(
    "d1 app",
    files: [("docker-bake.hcl", #"""
      variable "REG" { default = "docker.io" }
      variable "IMG" { default = "${REG}/me/app" }
      variable "PLATS" {
        type = list(string)
        default = ["linux/amd64"]
      }
      variable "DEBUG" {
        type = bool
        default = false
      }
      variable "NUM" {
        type = number
        default = 1
      }
      BASE = "${IMG}:base"
      group "default" { targets = ["app", "base"] }
      target "base" {
        tags = [BASE]
      }
      target "app" {
        inherits = ["base"]
        tags = concat(target.base.tags, ["${IMG}:${NUM}"])
        platforms = PLATS
        args = { DEBUG = DEBUG, NUM = NUM * 2 }
      }
      """#)],
    targets: ["app"], set: [], vars: [:], env: ["REG": "ghcr.io", "PLATS": "linux/arm64,linux/s390x", "DEBUG": "1", "NUM": "2.5"],
    expected: #"""
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
            "dockerfile": "Dockerfile",
            "args": {
              "DEBUG": "true",
              "NUM": "5"
            },
            "tags": [
              "ghcr.io/me/app:base",
              "ghcr.io/me/app:2.5"
            ],
            "platforms": [
              "linux/arm64",
              "linux/s390x"
            ]
          }
        }
      }

      """#),
  PrintCase(
    "d1 app --var REG=quay.io --var NUM=7",
    files: [("docker-bake.hcl", #"""
      variable "REG" { default = "docker.io" }
      variable "IMG" { default = "${REG}/me/app" }
      variable "PLATS" {
        type = list(string)
        default = ["linux/amd64"]
      }
      variable "DEBUG" {
        type = bool
        default = false
      }
      variable "NUM" {
        type = number
        default = 1
      }
      BASE = "${IMG}:base"
      group "default" { targets = ["app", "base"] }
      target "base" {
        tags = [BASE]
      }
      target "app" {
        inherits = ["base"]
        tags = concat(target.base.tags, ["${IMG}:${NUM}"])
        platforms = PLATS
        args = { DEBUG = DEBUG, NUM = NUM * 2 }
      }
      """#)],
    targets: ["app"], set: [], vars: ["REG": "quay.io", "NUM": "7"], env: ["REG": "ghcr.io"],
    expected: #"""
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
            "dockerfile": "Dockerfile",
            "args": {
              "DEBUG": "false",
              "NUM": "14"
            },
            "tags": [
              "quay.io/me/app:base",
              "quay.io/me/app:7"
            ],
            "platforms": [
              "linux/amd64"
            ]
          }
        }
      }

      """#),
  PrintCase(
    "d2 validate img",
    files: [("docker-bake.hcl", #"""
      target "lint" {
        name = "lint-${item.name}"
        matrix = {
          item = [{ name = "go", img = "golang" }, { name = "js", img = "node" }]
        }
        args = { IMAGE = item.img }
        output = ["type=cacheonly"]
      }
      group "validate" { targets = ["lint"] }
      target "img" {
        contexts = { golang = "target:lint-go" }
        platforms = ["linux/amd64", "linux/arm64"]
      }
      """#)],
    targets: ["validate", "img"], set: [], vars: [:], env: [:],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "img",
              "validate"
            ]
          },
          "lint": {
            "targets": [
              "lint-go",
              "lint-js"
            ]
          },
          "validate": {
            "targets": [
              "lint"
            ]
          }
        },
        "target": {
          "img": {
            "context": ".",
            "contexts": {
              "golang": "target:lint-go"
            },
            "dockerfile": "Dockerfile",
            "platforms": [
              "linux/amd64",
              "linux/arm64"
            ]
          },
          "lint-go": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "IMAGE": "golang"
            },
            "output": [
              {
                "type": "cacheonly"
              }
            ]
          },
          "lint-js": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "IMAGE": "node"
            },
            "output": [
              {
                "type": "cacheonly"
              }
            ]
          }
        }
      }

      """#),
  PrintCase(
    "d2 lint-*",
    files: [("docker-bake.hcl", #"""
      target "lint" {
        name = "lint-${item.name}"
        matrix = {
          item = [{ name = "go", img = "golang" }, { name = "js", img = "node" }]
        }
        args = { IMAGE = item.img }
        output = ["type=cacheonly"]
      }
      group "validate" { targets = ["lint"] }
      target "img" {
        contexts = { golang = "target:lint-go" }
        platforms = ["linux/amd64", "linux/arm64"]
      }
      """#)],
    targets: ["lint-*"], set: [], vars: [:], env: [:],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "lint-go",
              "lint-js"
            ]
          }
        },
        "target": {
          "lint-go": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "IMAGE": "golang"
            },
            "output": [
              {
                "type": "cacheonly"
              }
            ]
          },
          "lint-js": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "IMAGE": "node"
            },
            "output": [
              {
                "type": "cacheonly"
              }
            ]
          }
        }
      }

      """#),
  PrintCase(
    "d2 img --set lint-go.args.X=1",
    files: [("docker-bake.hcl", #"""
      target "lint" {
        name = "lint-${item.name}"
        matrix = {
          item = [{ name = "go", img = "golang" }, { name = "js", img = "node" }]
        }
        args = { IMAGE = item.img }
        output = ["type=cacheonly"]
      }
      group "validate" { targets = ["lint"] }
      target "img" {
        contexts = { golang = "target:lint-go" }
        platforms = ["linux/amd64", "linux/arm64"]
      }
      """#)],
    targets: ["img"], set: ["lint-go.args.X=1"], vars: [:], env: [:],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "img"
            ]
          }
        },
        "target": {
          "img": {
            "context": ".",
            "contexts": {
              "golang": "target:lint-go"
            },
            "dockerfile": "Dockerfile",
            "platforms": [
              "linux/amd64",
              "linux/arm64"
            ]
          },
          "lint-go": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "IMAGE": "golang",
              "X": "1"
            },
            "output": [
              {
                "type": "cacheonly"
              }
            ]
          }
        }
      }

      """#),
  PrintCase(
    "d3 app --set app.cache-from+=type=gha --set app.attest=type=sbom --set app.ssh+=k=dummy --set app.annotations=b=2 --set app.entitlements=security.insecure --set app.no-cache-filter+=y --set app.ulimits=core=0:0 --set app.platform+=linux/arm64",
    files: [("docker-bake.hcl", #"""
      target "app" {
        cache-from = ["type=registry,ref=a"]
        attest = ["type=provenance,mode=min"]
        platforms = ["linux/amd64"]
        ssh = ["default"]
        annotations = ["a=1"]
        entitlements = ["network.host"]
        no-cache-filter = ["x"]
        ulimits = ["nofile=1:1"]
      }
      """#)],
    targets: ["app"], set: ["app.cache-from+=type=gha", "app.attest=type=sbom", "app.ssh+=k=dummy", "app.annotations=b=2", "app.entitlements=security.insecure", "app.no-cache-filter+=y", "app.ulimits=core=0:0", "app.platform+=linux/arm64"], vars: [:], env: [:],
    expected: #"""
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
            "annotations": [
              "a=1",
              "b=2"
            ],
            "attest": [
              {
                "mode": "min",
                "type": "provenance"
              },
              {
                "type": "sbom"
              }
            ],
            "context": ".",
            "dockerfile": "Dockerfile",
            "cache-from": [
              {
                "ref": "a",
                "type": "registry"
              },
              {
                "type": "gha"
              }
            ],
            "ssh": [
              {
                "id": "default"
              },
              {
                "id": "k",
                "paths": [
                  "dummy"
                ]
              }
            ],
            "platforms": [
              "linux/amd64",
              "linux/arm64"
            ],
            "entitlements": [
              "network.host",
              "security.insecure"
            ]
          }
        }
      }

      """#),
  PrintCase(
    "d4 default b",
    files: [("docker-bake.hcl", #"""
      group "default" { targets = ["a"] }
      target "a" {}
      target "b" {}
      target "c_d" {}
      """#)],
    targets: ["default", "b"], set: [], vars: [:], env: [:],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "a",
              "b"
            ]
          }
        },
        "target": {
          "a": {
            "context": ".",
            "dockerfile": "Dockerfile"
          },
          "b": {
            "context": ".",
            "dockerfile": "Dockerfile"
          }
        }
      }

      """#),
  PrintCase(
    "d4 c.d",
    files: [("docker-bake.hcl", #"""
      group "default" { targets = ["a"] }
      target "a" {}
      target "b" {}
      target "c_d" {}
      """#)],
    targets: ["c.d"], set: [], vars: [:], env: [:],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "c_d"
            ]
          }
        },
        "target": {
          "c_d": {
            "context": ".",
            "dockerfile": "Dockerfile"
          }
        }
      }

      """#),
  PrintCase(
    "d4 [ab]",
    files: [("docker-bake.hcl", #"""
      group "default" { targets = ["a"] }
      target "a" {}
      target "b" {}
      target "c_d" {}
      """#)],
    targets: ["[ab]"], set: [], vars: [:], env: [:],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "a",
              "b"
            ]
          }
        },
        "target": {
          "a": {
            "context": ".",
            "dockerfile": "Dockerfile"
          },
          "b": {
            "context": ".",
            "dockerfile": "Dockerfile"
          }
        }
      }

      """#),
  PrintCase(
    "d4 ?",
    files: [("docker-bake.hcl", #"""
      group "default" { targets = ["a"] }
      target "a" {}
      target "b" {}
      target "c_d" {}
      """#)],
    targets: ["?"], set: [], vars: [:], env: [:],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "a",
              "b"
            ]
          }
        },
        "target": {
          "a": {
            "context": ".",
            "dockerfile": "Dockerfile"
          },
          "b": {
            "context": ".",
            "dockerfile": "Dockerfile"
          }
        }
      }

      """#),
  PrintCase(
    "d6 t",
    files: [("docker-bake.hcl", #"""
      variable "A" { default = "a" }
      target "t" {
        args = {
          EMPTY = ""
          NUL = null
          LIST = join(",", [for i in range(3) : i])
          JSON = jsonencode({ b = [1, "x"], a = true })
          TPL = "%{ for x in ["p", "q"] }${x}-%{ endfor }"
          HTML = "<a href='x'>&</a>"
          UNI = "é ü \u2028"
        }
        labels = { "com.example/ver" = "${A}${A}" }
      }
      """#)],
    targets: ["t"], set: [], vars: [:], env: [:],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "t"
            ]
          }
        },
        "target": {
          "t": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "EMPTY": "",
              "HTML": "\u003ca href='x'\u003e\u0026\u003c/a\u003e",
              "JSON": "{\"a\":true,\"b\":[1,\"x\"]}",
              "LIST": "0,1,2",
              "TPL": "p-q-",
              "UNI": "é ü \u2028"
            },
            "labels": {
              "com.example/ver": "aa"
            }
          }
        }
      }

      """#),
  PrintCase(
    "resources merge field by field and take overrides",
    files: [("docker-bake.hcl", #"""
      target "base" {
        resources = { memory = "1g", cpu-shares = 512 }
      }
      target "app" {
        inherits = ["base"]
        resources = { cpu-quota = 50000, cpuset-cpus = "0-1" }
      }
      """#)],
    targets: ["app"], set: ["app.resources.memory=2g"],
    expected: #"""
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
            "dockerfile": "Dockerfile",
            "resources": {
              "memory": "2g",
              "cpu-shares": 512,
              "cpu-quota": 50000,
              "cpuset-cpus": "0-1"
            }
          }
        }
      }

      """#),
  PrintCase(
    "resources overrides check integer keys",
    files: [("docker-bake.hcl", #"""
      target "base" {
        resources = { memory = "1g", cpu-shares = 512 }
      }
      target "app" {
        inherits = ["base"]
        resources = { cpu-quota = 50000, cpuset-cpus = "0-1" }
      }
      """#)],
    targets: ["base"], set: ["base.resources.cpu-shares=x"],
    error: "invalid value x for int64 key resources.cpu-shares"),
  PrintCase(
    "policy entries from CSV and objects, appended by inherits and --set +=",
    files: [("docker-bake.hcl", #"""
      target "base" {
        policy = ["filename=a.rego"]
      }
      target "app" {
        inherits = ["base"]
        policy = ["filename=p.rego,strict=true", {disabled = true, log-level = "WARN"}, ""]
      }
      """#)],
    targets: ["app"], set: ["app.policy+=reset=true"],
    expected: #"""
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
            "dockerfile": "Dockerfile",
            "policy": [
              {
                "Files": [
                  {
                    "Filename": "a.rego",
                    "Data": null
                  }
                ],
                "Reset": false,
                "Disabled": false,
                "Strict": null,
                "LogLevel": null
              },
              {
                "Files": [
                  {
                    "Filename": "p.rego",
                    "Data": null
                  }
                ],
                "Reset": false,
                "Disabled": false,
                "Strict": true,
                "LogLevel": null
              },
              {
                "Files": null,
                "Reset": false,
                "Disabled": true,
                "Strict": null,
                "LogLevel": "warning"
              },
              {
                "Files": null,
                "Reset": true,
                "Disabled": false,
                "Strict": null,
                "LogLevel": null
              }
            ]
          }
        }
      }

      """#),
]

@Test(arguments: buildxVerifiedCases2) func printMatchesBuildxMore(_ c: PrintCase) { check(c) }

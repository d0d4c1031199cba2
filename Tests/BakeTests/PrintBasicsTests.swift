import Bake
import Testing

/// Targets, groups, defaults and the shape of `--print`'s JSON.
let basicCases: [PrintCase] = [
  PrintCase(
    "single target with defaults filled",
    hcl: """
      target "app" {
        tags = ["user/app:latest"]
        args = { FOO = "bar", NUM = 1 }
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
            "dockerfile": "Dockerfile",
            "args": {
              "FOO": "bar",
              "NUM": "1"
            },
            "tags": [
              "user/app:latest"
            ]
          }
        }
      }

      """),
  PrintCase(
    "default group selects its targets",
    hcl: """
      group "default" {
        targets = ["webapp", "db"]
      }
      target "webapp" {
        dockerfile = "webapp.Dockerfile"
      }
      target "db" {
        context = "./db"
        description = "The database"
      }
      """,
    expected: """
      {
        "group": {
          "default": {
            "targets": [
              "db",
              "webapp"
            ]
          }
        },
        "target": {
          "db": {
            "description": "The database",
            "context": "db",
            "dockerfile": "Dockerfile"
          },
          "webapp": {
            "context": ".",
            "dockerfile": "webapp.Dockerfile"
          }
        }
      }

      """),
  PrintCase(
    "a target named default is built when there is no default group",
    hcl: """
      target "default" {
        context = "./src/../app/"
      }
      """,
    expected: """
      {
        "group": {
          "default": {
            "targets": [
              "default"
            ]
          }
        },
        "target": {
          "default": {
            "context": "app",
            "dockerfile": "Dockerfile"
          }
        }
      }

      """),
  PrintCase(
    "nested groups list every group reached",
    hcl: """
      group "all" {
        description = "Everything"
        targets = ["front", "back"]
      }
      group "front" {
        targets = ["web"]
      }
      group "back" {
        targets = ["api", "web"]
      }
      target "web" {}
      target "api" {}
      """,
    targets: ["all"],
    expected: """
      {
        "group": {
          "all": {
            "description": "Everything",
            "targets": [
              "front",
              "back"
            ]
          },
          "back": {
            "targets": [
              "api",
              "web"
            ]
          },
          "default": {
            "targets": [
              "all"
            ]
          },
          "front": {
            "targets": [
              "web"
            ]
          }
        },
        "target": {
          "api": {
            "context": ".",
            "dockerfile": "Dockerfile"
          },
          "web": {
            "context": ".",
            "dockerfile": "Dockerfile"
          }
        }
      }

      """),
  PrintCase(
    "a group cycle reaches the group again as a target name, which does not exist",
    hcl: """
      group "a" {
        targets = ["b", "t1"]
      }
      group "b" {
        targets = ["a", "t2"]
      }
      target "t1" {}
      target "t2" {}
      """,
    targets: ["a"], error: "failed to find target a"),
  PrintCase(
    "every attribute, in buildx's field order",
    hcl: #"""
      target "full" {
        description = "All of it"
        annotations = ["index:org.opencontainers.image.title=x"]
        attest = ["type=sbom", {type = "provenance", mode = "max"}]
        context = "."
        contexts = { base = "docker-image://alpine", empty = "" }
        dockerfile = "Dockerfile.full"
        dockerfile-inline = "FROM ${"$"}{BASE}"
        args = { B = "2", A = "1" }
        labels = { "org.opencontainers.image.source" = "https://example.com/<repo>&" }
        tags = ["a:1", "a:1", "b:2"]
        cache-from = ["user/app:cache", "type=local,src=path/to/cache"]
        cache-to = [{type = "inline"}]
        target = "release"
        secret = ["id=token,env=GH_TOKEN", "id=aws,src=creds"]
        ssh = ["default", "key=a.pem,b.pem"]
        platforms = ["linux/amd64", "linux/arm64"]
        output = ["type=image,push=true", "out"]
        pull = true
        no-cache = false
        network = "host"
        no-cache-filter = ["base"]
        shm-size = "128m"
        ulimits = ["nofile=1024:1024"]
        call = "check"
        entitlements = ["security.insecure"]
        extra-hosts = { "my.host" = "10.0.0.1" }
      }
      """#,
    targets: ["full"],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "full"
            ]
          }
        },
        "target": {
          "full": {
            "description": "All of it",
            "annotations": [
              "index:org.opencontainers.image.title=x"
            ],
            "attest": [
              {
                "type": "sbom"
              },
              {
                "mode": "max",
                "type": "provenance"
              }
            ],
            "context": ".",
            "contexts": {
              "base": "docker-image://alpine"
            },
            "dockerfile": "Dockerfile.full",
            "dockerfile-inline": "FROM $${BASE}",
            "args": {
              "A": "1",
              "B": "2"
            },
            "labels": {
              "org.opencontainers.image.source": "https://example.com/\u003crepo\u003e\u0026"
            },
            "tags": [
              "a:1",
              "b:2"
            ],
            "cache-from": [
              {
                "ref": "user/app:cache",
                "type": "registry"
              },
              {
                "src": "path/to/cache",
                "type": "local"
              }
            ],
            "cache-to": [
              {
                "type": "inline"
              }
            ],
            "target": "release",
            "secret": [
              {
                "id": "token",
                "env": "GH_TOKEN"
              },
              {
                "id": "aws",
                "src": "creds"
              }
            ],
            "ssh": [
              {
                "id": "default"
              },
              {
                "id": "key",
                "paths": [
                  "a.pem",
                  "b.pem"
                ]
              }
            ],
            "platforms": [
              "linux/amd64",
              "linux/arm64"
            ],
            "output": [
              {
                "push": "true",
                "type": "image"
              },
              {
                "dest": "out",
                "type": "local"
              }
            ],
            "pull": true,
            "no-cache": false,
            "network": "host",
            "no-cache-filter": [
              "base"
            ],
            "shm-size": "128m",
            "ulimits": [
              "nofile=1024:1024"
            ],
            "call": "check",
            "entitlements": [
              "security.insecure",
              "network.host"
            ],
            "extra-hosts": {
              "my.host": "10.0.0.1"
            }
          }
        }
      }

      """#),
  PrintCase(
    "interpolation markers are escaped in args and labels but not in tags",
    hcl: #"""
      target "app" {
        args = { A = "$${NOT_A_VAR}", B = "%%{ if }" }
        labels = { L = "$${X}" }
        tags = ["$${T}"]
      }
      """#,
    targets: ["app"],
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
              "A": "$${NOT_A_VAR}",
              "B": "%%{ if }"
            },
            "labels": {
              "L": "$${X}"
            },
            "tags": [
              "${T}"
            ]
          }
        }
      }

      """#),
  PrintCase(
    "BAKE_CMD_CONTEXT is the working directory",
    hcl: """
      target "app" {
        context = BAKE_CMD_CONTEXT
        dockerfile = "cwd://Dockerfile.local"
        args = { PLATFORM = BAKE_LOCAL_PLATFORM }
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
            "dockerfile": "cwd://Dockerfile.local",
            "args": {
              "PLATFORM": "linux/amd64"
            }
          }
        }
      }

      """),
  PrintCase(
    "SOURCE_DATE_EPOCH from the environment becomes an arg",
    hcl: """
      target "app" {}
      target "pinned" {
        args = { SOURCE_DATE_EPOCH = "1" }
      }
      """,
    targets: ["app", "pinned"],
    env: ["SOURCE_DATE_EPOCH": "1700000000"],
    expected: """
      {
        "group": {
          "default": {
            "targets": [
              "app",
              "pinned"
            ]
          }
        },
        "target": {
          "app": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "SOURCE_DATE_EPOCH": "1700000000"
            }
          },
          "pinned": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "SOURCE_DATE_EPOCH": "1"
            }
          }
        }
      }

      """),
  PrintCase("an unknown target is an error", hcl: "target \"app\" {}", targets: ["nope"], error: "failed to find target nope"),
  PrintCase(
    "an unknown glob is an error", hcl: "target \"app\" {}", targets: ["x*"], error: "could not find any target matching \"x*\""),
  PrintCase(
    "invalid target names are rejected", hcl: "target \"a.b\" {}", error: "only \"[a-zA-Z0-9_-]+\" are allowed"),
  PrintCase(
    "unknown attributes are ignored, unevaluated, as buildx does",
    hcl: "target \"app\" {\n  tag = [\"x\"]\n  foo = undefined\n}", targets: ["app"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile"
      }
      """)),
]

@Test(arguments: basicCases) func printBasics(_ c: PrintCase) { check(c) }

@Test func unknownAttributesAreWarnedAbout() throws {
  let hcl = "target \"app\" {\n  tag = [\"x\"]\n}"
  let def = try Bake.parse([BakeFile(name: "docker-bake.hcl", contents: hcl)], options: ParseOptions(builtins: builtins))
  #expect(def.warnings?.hasPrefix("warning: docker-bake.hcl:2:3: Unsupported argument") == true)
  #expect(def.warnings?.contains("Did you mean \"tags\"?") == true)
}

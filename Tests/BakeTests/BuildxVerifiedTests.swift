import Testing

/// Cases whose expected output is what buildx v0.36.1 printed for the same files and flags.
let buildxVerifiedCases: [PrintCase] = [
  PrintCase(
    "s1 a b",
    files: [("docker-bake.hcl", #"""
      target "a" {
        cache-from = ["type=gha", "user/x:c1,user/x:c2", {type = "registry", ref = "r"}, "type=gha"]
        cache-to = ["type=gha,mode=max", ""]
        output = ["-", "type=docker", "type=docker"]
        attest = ["type=sbom,disabled=true", "type=provenance,mode=min", "type=sbom,generator=x"]
        secret = [{id = "a", env = "A"}, "id=b,type=env", "id=a,src=f"]
        ssh = [{id = "default"}, "k=p1"]
        tags = ["x", "", "y", "x"]
      }
      target "b" {
        inherits = ["a"]
        cache-from = ["type=gha", "other"]
        attest = ["type=sbom"]
        secret = ["id=b,env=BB"]
        output = ["type=cacheonly"]
        no-cache-filter = ["s1"]
      }
      """#)],
    targets: ["a", "b"], set: [],
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
            "attest": [
              {
                "generator": "x",
                "type": "sbom"
              },
              {
                "mode": "min",
                "type": "provenance"
              }
            ],
            "context": ".",
            "dockerfile": "Dockerfile",
            "tags": [
              "x",
              "y"
            ],
            "cache-from": [
              {
                "type": "gha"
              },
              {
                "ref": "user/x:c1",
                "type": "registry"
              },
              {
                "ref": "user/x:c2",
                "type": "registry"
              },
              {
                "ref": "r",
                "type": "registry"
              }
            ],
            "cache-to": [
              {
                "mode": "max",
                "type": "gha"
              }
            ],
            "secret": [
              {
                "id": "a",
                "src": "f"
              },
              {
                "id": "b"
              }
            ],
            "ssh": [
              {
                "id": "default"
              },
              {
                "id": "k",
                "paths": [
                  "p1"
                ]
              }
            ],
            "output": [
              {
                "dest": "-",
                "type": "tar"
              },
              {
                "type": "docker"
              }
            ]
          },
          "b": {
            "attest": [
              {
                "type": "sbom"
              },
              {
                "mode": "min",
                "type": "provenance"
              }
            ],
            "context": ".",
            "dockerfile": "Dockerfile",
            "tags": [
              "x",
              "y"
            ],
            "cache-from": [
              {
                "type": "gha"
              },
              {
                "ref": "user/x:c1",
                "type": "registry"
              },
              {
                "ref": "user/x:c2",
                "type": "registry"
              },
              {
                "ref": "r",
                "type": "registry"
              },
              {
                "ref": "other",
                "type": "registry"
              }
            ],
            "cache-to": [
              {
                "mode": "max",
                "type": "gha"
              }
            ],
            "secret": [
              {
                "id": "a",
                "src": "f"
              },
              {
                "id": "b",
                "env": "BB"
              }
            ],
            "ssh": [
              {
                "id": "default"
              },
              {
                "id": "k",
                "paths": [
                  "p1"
                ]
              }
            ],
            "output": [
              {
                "type": "cacheonly"
              }
            ],
            "no-cache-filter": [
              "s1"
            ]
          }
        }
      }

      """#),
  PrintCase(
    "s2",
    files: [("docker-bake.hcl", #"""
      variable "V" { default = "v" }
      target "m" {
        name = "m-${a}-${b}"
        matrix = {
          a = ["1", "2"]
          b = [V, "w"]
        }
        args = { A = a, B = b }
        tags = ["${a}${b}"]
      }
      group "default" { targets = ["m"] }
      """#)],
    targets: [], set: [],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "m"
            ]
          },
          "m": {
            "targets": [
              "m-1-v",
              "m-2-v",
              "m-1-w",
              "m-2-w"
            ]
          }
        },
        "target": {
          "m-1-v": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "A": "1",
              "B": "v"
            },
            "tags": [
              "1v"
            ]
          },
          "m-1-w": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "A": "1",
              "B": "w"
            },
            "tags": [
              "1w"
            ]
          },
          "m-2-v": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "A": "2",
              "B": "v"
            },
            "tags": [
              "2v"
            ]
          },
          "m-2-w": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "A": "2",
              "B": "w"
            },
            "tags": [
              "2w"
            ]
          }
        }
      }

      """#),
  PrintCase(
    "s2 m-1-v",
    files: [("docker-bake.hcl", #"""
      variable "V" { default = "v" }
      target "m" {
        name = "m-${a}-${b}"
        matrix = {
          a = ["1", "2"]
          b = [V, "w"]
        }
        args = { A = a, B = b }
        tags = ["${a}${b}"]
      }
      group "default" { targets = ["m"] }
      """#)],
    targets: ["m-1-v"], set: [],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "m-1-v"
            ]
          }
        },
        "target": {
          "m-1-v": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "A": "1",
              "B": "v"
            },
            "tags": [
              "1v"
            ]
          }
        }
      }

      """#),
  PrintCase(
    "s3 app",
    files: [("docker-bake.hcl", #"""
      target "base" {
        args = { X = "1", Y = null }
        labels = { L = "a" }
        platforms = ["linux/amd64", "linux/arm64"]
      }
      target "app" {
        inherits = ["base", "extra"]
        contexts = { dep = "target:dep" }
        platforms = ["linux/amd64"]
      }
      target "extra" {
        ulimits = ["nofile=1:2"]
        extra-hosts = { h = "1.2.3.4" }
        shm-size = "1g"
      }
      target "dep" {
        platforms = ["linux/amd64", "linux/arm64"]
        entitlements = ["security.insecure"]
      }
      """#)],
    targets: ["app"], set: [],
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
            "contexts": {
              "dep": "target:dep"
            },
            "dockerfile": "Dockerfile",
            "args": {
              "X": "1"
            },
            "labels": {
              "L": "a"
            },
            "platforms": [
              "linux/amd64"
            ],
            "shm-size": "1g",
            "ulimits": [
              "nofile=1:2"
            ],
            "entitlements": [
              "security.insecure"
            ],
            "extra-hosts": {
              "h": "1.2.3.4"
            }
          },
          "dep": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "platforms": [
              "linux/amd64",
              "linux/arm64"
            ],
            "output": [
              {
                "type": "cacheonly"
              }
            ],
            "entitlements": [
              "security.insecure"
            ]
          }
        }
      }

      """#),
  PrintCase(
    "s4",
    files: [("docker-bake.json", #"""
      {
        "variable": {"TAG": {"default": "1"}, "N": {"type": "number", "default": 2}},
        "target": {
          "app": {"tags": ["a:${TAG}", "b:${N + 1}"], "args": {"N": "${N}"}, "cache-from": [{"type": "local", "src": "x"}]}
        },
        "group": {"default": {"targets": ["app"]}}
      }
      """#)],
    targets: [], set: [],
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
              "N": "2"
            },
            "tags": [
              "a:1",
              "b:3"
            ],
            "cache-from": [
              {
                "src": "x",
                "type": "local"
              }
            ]
          }
        }
      }

      """#),
  PrintCase(
    "s4 --set app.cache-from+=type=gha",
    files: [("docker-bake.json", #"""
      {
        "variable": {"TAG": {"default": "1"}, "N": {"type": "number", "default": 2}},
        "target": {
          "app": {"tags": ["a:${TAG}", "b:${N + 1}"], "args": {"N": "${N}"}, "cache-from": [{"type": "local", "src": "x"}]}
        },
        "group": {"default": {"targets": ["app"]}}
      }
      """#)],
    targets: [], set: ["app.cache-from+=type=gha"],
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
              "N": "2"
            },
            "tags": [
              "a:1",
              "b:3"
            ],
            "cache-from": [
              {
                "src": "x",
                "type": "local"
              },
              {
                "type": "gha"
              }
            ]
          }
        }
      }

      """#),
  PrintCase(
    "s5 app",
    files: [("docker-bake.hcl", #"""
      target "app" {
        dockerfile-inline = <<EOT
      FROM scratch
      RUN echo "$${HOME}" %%{x}
      EOT
        args = { "a.b" = "c" }
        annotations = ["manifest:foo=$${bar}"]
        context = "../x/./y/"
      }
      """#)],
    targets: ["app"], set: [],
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
              "manifest:foo=$${bar}"
            ],
            "context": "../x/y",
            "dockerfile": "Dockerfile",
            "dockerfile-inline": "FROM scratch\nRUN echo \"$${HOME}\" %%{x}\n",
            "args": {
              "a.b": "c"
            }
          }
        }
      }

      """#),
  PrintCase(
    "s6 app app2 --set *.push=true",
    files: [("docker-bake.hcl", #"""
      target "app" {
        output = ["type=image,name=x", "type=registry"]
      }
      target "app2" {
        output = ["type=docker"]
      }
      """#)],
    targets: ["app", "app2"], set: ["*.push=true"],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "app",
              "app2"
            ]
          }
        },
        "target": {
          "app": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "output": [
              {
                "name": "x",
                "push": "true",
                "type": "image"
              },
              {
                "type": "registry"
              }
            ]
          },
          "app2": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "output": [
              {
                "type": "docker"
              },
              {
                "push": "true",
                "type": "image"
              }
            ]
          }
        }
      }

      """#),
  PrintCase(
    "s6 app app2 --set *.push=false --set *.load=true",
    files: [("docker-bake.hcl", #"""
      target "app" {
        output = ["type=image,name=x", "type=registry"]
      }
      target "app2" {
        output = ["type=docker"]
      }
      """#)],
    targets: ["app", "app2"], set: ["*.push=false", "*.load=true"],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "app",
              "app2"
            ]
          }
        },
        "target": {
          "app": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "output": [
              {
                "name": "x",
                "push": "false",
                "type": "image"
              },
              {
                "type": "docker"
              }
            ]
          },
          "app2": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "output": [
              {
                "type": "docker"
              }
            ]
          }
        }
      }

      """#),
  PrintCase(
    "s7 g t3",
    files: [("docker-bake.hcl", #"""
      group "g" {
        targets = ["t2", "t1"]
      }
      target "t1" { description = "one" }
      target "t2" {}
      target "t3" {}
      """#)],
    targets: ["g", "t3"], set: [],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "g",
              "t3"
            ]
          },
          "g": {
            "targets": [
              "t2",
              "t1"
            ]
          }
        },
        "target": {
          "t1": {
            "description": "one",
            "context": ".",
            "dockerfile": "Dockerfile"
          },
          "t2": {
            "context": ".",
            "dockerfile": "Dockerfile"
          },
          "t3": {
            "context": ".",
            "dockerfile": "Dockerfile"
          }
        }
      }

      """#),
  PrintCase(
    "s7 t*",
    files: [("docker-bake.hcl", #"""
      group "g" {
        targets = ["t2", "t1"]
      }
      target "t1" { description = "one" }
      target "t2" {}
      target "t3" {}
      """#)],
    targets: ["t*"], set: [],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "t1",
              "t2",
              "t3"
            ]
          }
        },
        "target": {
          "t1": {
            "description": "one",
            "context": ".",
            "dockerfile": "Dockerfile"
          },
          "t2": {
            "context": ".",
            "dockerfile": "Dockerfile"
          },
          "t3": {
            "context": ".",
            "dockerfile": "Dockerfile"
          }
        }
      }

      """#),
  PrintCase(
    "s8 app --set app.args.X",
    files: [("docker-bake.hcl", #"""
      function "inc" {
        params = [x]
        result = x + 1
      }
      variable "BASE" { default = 41 }
      ANSWER = inc(BASE)
      target "app" {
        args = { ANSWER = ANSWER, PLAT = BAKE_LOCAL_PLATFORM }
        platforms = [BAKE_LOCAL_PLATFORM]
        network = "none"
        call = "outline"
        pull = false
      }
      """#)],
    targets: ["app"], set: ["app.args.X"],
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
              "ANSWER": "42",
              "PLAT": "linux/amd64"
            },
            "platforms": [
              "linux/amd64"
            ],
            "pull": false,
            "network": "none",
            "call": "outline"
          }
        }
      }

      """#),
  PrintCase(
    "s9",
    files: [("docker-bake.hcl", #"""
      target "a" {
        tags = ["a"]
      }
      target "a" {
        args = { X = "1" }
        tags = ["b"]
      }
      group "default" { targets = ["a", "a"] }
      group "default" { targets = ["a"] }
      """#)],
    targets: [], set: [],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "a"
            ]
          }
        },
        "target": {
          "a": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "X": "1"
            },
            "tags": [
              "b"
            ]
          }
        }
      }

      """#),
  PrintCase(
    "s10 y",
    files: [("docker-bake.hcl", #"""
      target "x" {
        name = "x-${replace(v, ".", "-")}"
        matrix = { v = ["1.0", "2.0"] }
        tags = ["x:${v}"]
      }
      target "y" {
        tags = target.x-1-0.tags
      }
      """#)],
    targets: ["y"], set: [],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "y"
            ]
          }
        },
        "target": {
          "y": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "tags": [
              "x:1.0"
            ]
          }
        }
      }

      """#),
  PrintCase(
    "s10 x-* --set x-*.tags+=extra",
    files: [("docker-bake.hcl", #"""
      target "x" {
        name = "x-${replace(v, ".", "-")}"
        matrix = { v = ["1.0", "2.0"] }
        tags = ["x:${v}"]
      }
      target "y" {
        tags = target.x-1-0.tags
      }
      """#)],
    targets: ["x-*"], set: ["x-*.tags+=extra"],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "x-1-0",
              "x-2-0"
            ]
          }
        },
        "target": {
          "x-1-0": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "tags": [
              "x:1.0",
              "extra"
            ]
          },
          "x-2-0": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "tags": [
              "x:2.0",
              "extra"
            ]
          }
        }
      }

      """#),
]

@Test(arguments: buildxVerifiedCases) func printMatchesBuildx(_ c: PrintCase) { check(c) }

import Bake
import KilnCore
import Testing

/// BUILDX_BAKE_FILE_RELATIVE_PATHS: contexts resolve against the file that defines them; expected
/// output printed by buildx v0.36.1.
let relativePathCases: [PrintCase] = [
  PrintCase(
    "subdir/docker-bake.hcl app inh implicit ",
    files: [("subdir/docker-bake.hcl", #"""
      target "base" {
        context = "base"
      }
      target "app" {
        context = "."
        dockerfile = "Dockerfile.app"
        contexts = {
          shared = "../shared"
          cwd = "cwd://local"
          linked = "target:base"
          image = "docker-image://alpine:latest"
          layout = "oci-layout://layout"
        }
      }
      target "inh" {
        inherits = ["base"]
      }
      target "implicit" {
        dockerfile-inline = "FROM scratch"
      }
      """#)],
    targets: ["app", "inh", "implicit"], set: [],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "app",
              "implicit",
              "inh"
            ]
          }
        },
        "target": {
          "app": {
            "context": "subdir",
            "contexts": {
              "cwd": "cwd://local",
              "image": "docker-image://alpine:latest",
              "layout": "oci-layout://layout",
              "linked": "target:base",
              "shared": "shared"
            },
            "dockerfile": "Dockerfile.app"
          },
          "base": {
            "context": "subdir/base",
            "dockerfile": "Dockerfile",
            "output": [
              {
                "type": "cacheonly"
              }
            ]
          },
          "implicit": {
            "context": "subdir",
            "dockerfile": "Dockerfile",
            "dockerfile-inline": "FROM scratch"
          },
          "inh": {
            "context": "subdir/base",
            "dockerfile": "Dockerfile"
          }
        }
      }

      """#),
  PrintCase(
    "one/docker-bake.hcl two/docker-bake.hcl ref app other child ",
    files: [("one/docker-bake.hcl", #"""
      target "base" {
        context = "basectx"
      }
      target "app" {
        context = "."
        contexts = { shared = "../shared" }
      }
      """#), ("two/docker-bake.hcl", #"""
      target "ref" {
        context = target.base.context
      }
      target "app" {
        tags = ["app:latest"]
      }
      target "other" {
        context = "."
      }
      target "child" {
        inherits = ["base"]
      }
      """#)],
    targets: ["ref", "app", "other", "child"], set: [],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "app",
              "child",
              "other",
              "ref"
            ]
          }
        },
        "target": {
          "app": {
            "context": "one",
            "contexts": {
              "shared": "shared"
            },
            "dockerfile": "Dockerfile",
            "tags": [
              "app:latest"
            ]
          },
          "child": {
            "context": "one/basectx",
            "dockerfile": "Dockerfile"
          },
          "other": {
            "context": "two",
            "dockerfile": "Dockerfile"
          },
          "ref": {
            "context": "one/basectx",
            "dockerfile": "Dockerfile"
          }
        }
      }

      """#),
  PrintCase(
    "c/compose.yaml  ",
    files: [("c/compose.yaml", #"""
      services:
        web:
          build:
            context: ./w
            additional_contexts:
              x: ../y
        plain:
          build: {}
      """#)],
    targets: [], set: [],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "plain",
              "web"
            ]
          }
        },
        "target": {
          "plain": {
            "context": "c",
            "dockerfile": "Dockerfile"
          },
          "web": {
            "context": "c/w",
            "contexts": {
              "x": "y"
            },
            "dockerfile": "Dockerfile"
          }
        }
      }

      """#),
  PrintCase(
    "subdir/docker-bake.hcl app app.context=x",
    files: [("subdir/docker-bake.hcl", #"""
      target "base" {
        context = "base"
      }
      target "app" {
        context = "."
        dockerfile = "Dockerfile.app"
        contexts = {
          shared = "../shared"
          cwd = "cwd://local"
          linked = "target:base"
          image = "docker-image://alpine:latest"
          layout = "oci-layout://layout"
        }
      }
      target "inh" {
        inherits = ["base"]
      }
      target "implicit" {
        dockerfile-inline = "FROM scratch"
      }
      """#)],
    targets: ["app"], set: ["app.context=x"],
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
            "context": "x",
            "contexts": {
              "cwd": "cwd://local",
              "image": "docker-image://alpine:latest",
              "layout": "oci-layout://layout",
              "linked": "target:base",
              "shared": "shared"
            },
            "dockerfile": "Dockerfile.app"
          },
          "base": {
            "context": "subdir/base",
            "dockerfile": "Dockerfile",
            "output": [
              {
                "type": "cacheonly"
              }
            ]
          }
        }
      }

      """#),
]

@Test(arguments: relativePathCases) func printWithFileRelativePaths(_ c: PrintCase) {
  let result: Result<String, KilnError>
  do throws(KilnError) {
    let files = c.files.map { BakeFile(name: $0.0, contents: $0.1) }
    let def = try Bake.parse(files, options: ParseOptions(builtins: builtins, environment: [:], fileRelativePaths: true))
    result = .success(try Bake.resolve(def, targets: c.targets, overrides: c.set, environment: [:]).printed)
  } catch {
    result = .failure(error)
  }
  #expect((try? result.get()) == c.expected)
}

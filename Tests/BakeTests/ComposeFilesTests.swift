import Foundation
import Testing

/// Compose features that read other files: `env_file`, `extends` and `include`. Each case writes
/// its files under a fresh directory, named `$DIR` in the compose file (through the `DIR`
/// variable), the expected output and the error. Expected output follows compose-go's loader
/// (extends/include merge rules, relative paths) as buildx v0.36 uses it.
struct DiskCase: CustomTestStringConvertible, Sendable {
  var name: String
  var disk: [(String, String)]
  var compose: String
  var env: [String: String] = [:]
  var expected: String = ""
  var error: String? = nil

  var testDescription: String { name }

  func run() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-compose-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for (path, text) in disk {
      let full = dir + "/" + path
      try FileManager.default.createDirectory(
        atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    check(
      PrintCase(
        name, files: [("compose.yaml", compose)], env: env.merging(["DIR": dir]) { a, _ in a },
        expected: expected.replacing("$DIR", with: dir), error: error?.replacing("$DIR", with: dir)))
  }
}

let composeFileCases: [DiskCase] = [
  DiskCase(
    name: "env_file: later files override earlier ones, environment overrides both, missing optional skipped",
    disk: [
      ("a.env", "# comment\nA=from_a\nB=from_a\nexport C=\"quoted ${B}\"\n"),
      ("b.env", "B=from_b\nD='lit ${B}'\n"),
    ],
    compose: #"""
      services:
        app:
          build:
            context: .
            args: [A, B, C, D, E, F, G]
          env_file:
            - ${DIR}/a.env
            - path: ${DIR}/b.env
              required: true
            - path: ${DIR}/missing.env
              required: false
          environment:
            A: overridden
            E: from_environment
        short:
          build:
            context: .
            args:
              - B
          env_file: ${DIR}/b.env
      """#,
    env: ["F": "from_project"],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "app",
              "short"
            ]
          }
        },
        "target": {
          "app": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "A": "overridden",
              "B": "from_b",
              "C": "quoted from_a",
              "D": "lit $${B}",
              "E": "from_environment",
              "F": "from_project"
            }
          },
          "short": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "B": "from_b"
            }
          }
        }
      }

      """#),
  DiskCase(
    name: "env_file: a missing required file is an error",
    disk: [],
    compose: "services:\n  app:\n    build: .\n    env_file: ${DIR}/nope.env\n",
    error: "env file $DIR/nope.env not found"),
  DiskCase(
    name: "extends: another file's service, paths from its directory, build merged key by key",
    disk: [
      ("base/common.yaml", #"""
        services:
          common:
            build:
              context: ctx
              args:
                FROM_COMMON: c
                SHARED: common
              tags: [common:1]
              cache_from: ["type=registry,ref=r/common"]
              labels:
                l1: common
            env_file: common.env
        """#),
      ("base/common.env", "CENV=from_common_env\n"),
    ],
    compose: #"""
      services:
        web:
          extends:
            file: ${DIR}/base/common.yaml
            service: common
          build:
            args:
              SHARED: web
              CENV:
            tags: [web:1, common:1]
            cache_from: ["type=registry,ref=r/web"]
            labels:
              l2: web
        api:
          extends: web
          build:
            dockerfile: api.Dockerfile
        worker:
          extends:
            service: web
          build: ./worker
      """#,
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "api",
              "web",
              "worker"
            ]
          }
        },
        "target": {
          "api": {
            "context": "$DIR/base/ctx",
            "dockerfile": "api.Dockerfile",
            "args": {
              "CENV": "from_common_env",
              "FROM_COMMON": "c",
              "SHARED": "web"
            },
            "labels": {
              "l1": "common",
              "l2": "web"
            },
            "tags": [
              "common:1",
              "web:1"
            ],
            "cache-from": [
              {
                "ref": "r/common",
                "type": "registry"
              },
              {
                "ref": "r/web",
                "type": "registry"
              }
            ]
          },
          "web": {
            "context": "$DIR/base/ctx",
            "dockerfile": "Dockerfile",
            "args": {
              "CENV": "from_common_env",
              "FROM_COMMON": "c",
              "SHARED": "web"
            },
            "labels": {
              "l1": "common",
              "l2": "web"
            },
            "tags": [
              "common:1",
              "web:1"
            ],
            "cache-from": [
              {
                "ref": "r/common",
                "type": "registry"
              },
              {
                "ref": "r/web",
                "type": "registry"
              }
            ]
          },
          "worker": {
            "context": "worker",
            "dockerfile": "Dockerfile",
            "args": {
              "CENV": "from_common_env",
              "FROM_COMMON": "c",
              "SHARED": "web"
            },
            "labels": {
              "l1": "common",
              "l2": "web"
            },
            "tags": [
              "common:1",
              "web:1"
            ],
            "cache-from": [
              {
                "ref": "r/common",
                "type": "registry"
              },
              {
                "ref": "r/web",
                "type": "registry"
              }
            ]
          }
        }
      }

      """#),
  DiskCase(
    name: "extends: a cycle is an error",
    disk: [],
    compose: "services:\n  a:\n    extends: b\n    build: .\n  b:\n    extends: a\n",
    error: "Circular reference:"),
  DiskCase(
    name: "extends: an unknown service is an error",
    disk: [],
    compose: "services:\n  a:\n    extends: nope\n    build: .\n",
    error: "cannot extend service \"a\" in compose.yaml: service \"nope\" not found"),
  DiskCase(
    name: "include: project_directory sets where the included file's paths and .env resolve",
    disk: [
      ("lib/compose.yaml", #"""
        services:
          lib:
            build:
              context: app
              args:
                V: ${PROJ_VAR}
        """#),
      ("proj/.env", "PROJ_VAR=from_project_dotenv\n"),
      ("lib/.env", "PROJ_VAR=from_file_dir\n"),
    ],
    compose: #"""
      include:
        - path: ${DIR}/lib/compose.yaml
          project_directory: ${DIR}/proj
      """#,
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "lib"
            ]
          }
        },
        "target": {
          "lib": {
            "context": "$DIR/proj/app",
            "dockerfile": "Dockerfile",
            "args": {
              "V": "from_project_dotenv"
            }
          }
        }
      }

      """#),
  DiskCase(
    name: "include: services from another directory, its .env, local definitions override",
    disk: [
      ("inc/compose.yaml", #"""
        services:
          lib:
            build:
              context: .
              args:
                V: ${INC_VAR}
            image: lib:latest
          shared:
            build: shared
            image: from-include
        """#),
      ("inc/.env", "INC_VAR=from_inc_dotenv\n"),
    ],
    compose: #"""
      include:
        - ${DIR}/inc/compose.yaml
      services:
        shared:
          image: from-main
        app:
          build: .
      """#,
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "app",
              "lib",
              "shared"
            ]
          }
        },
        "target": {
          "app": {
            "context": ".",
            "dockerfile": "Dockerfile"
          },
          "lib": {
            "context": "$DIR/inc",
            "dockerfile": "Dockerfile",
            "args": {
              "V": "from_inc_dotenv"
            },
            "tags": [
              "lib:latest"
            ]
          },
          "shared": {
            "context": "$DIR/inc/shared",
            "dockerfile": "Dockerfile",
            "tags": [
              "from-main"
            ]
          }
        }
      }

      """#),
  DiskCase(
    name: "include: a cycle is an error",
    disk: [
      ("cyc/a.yaml", "include:\n  - path: b.yaml\nservices:\n  a:\n    build: .\n"),
      ("cyc/b.yaml", "include:\n  - a.yaml\nservices:\n  b:\n    build: .\n"),
    ],
    compose: "include:\n  - path: ${DIR}/cyc/a.yaml\n",
    error: "include cycle detected"),
]

@Test(arguments: composeFileCases) func printComposeFiles(_ c: DiskCase) throws { try c.run() }

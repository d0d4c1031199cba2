import Testing

/// `--set` overrides and the flags that become overrides.
let overrideHCL = """
  target "app" {
    tags = ["app:1"]
    args = { A = "1" }
    platforms = ["linux/amd64"]
    output = ["type=image"]
    secret = ["id=tok,env=TOKEN"]
  }
  target "app-test" {
    inherits = ["app"]
    target = "test"
  }
  """

let overrideCases: [PrintCase] = [
  PrintCase(
    "set replaces scalars, lists and map entries",
    hcl: overrideHCL, targets: ["app"],
    set: ["app.tags=app:2", "app.args.B=2", "app.platform=linux/arm64", "app.no-cache=true", "app.dockerfile=Other"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Other",
        "args": {
          "A": "1",
          "B": "2"
        },
        "tags": [
          "app:2"
        ],
        "secret": [
          {
            "id": "tok",
            "env": "TOKEN"
          }
        ],
        "platforms": [
          "linux/arm64"
        ],
        "output": [
          {
            "type": "image"
          }
        ],
        "no-cache": true
      }
      """)),
  PrintCase(
    "+= appends",
    hcl: overrideHCL, targets: ["app"], set: ["app.tags+=app:latest", "app.platform+=linux/arm64", "app.tags+=app:edge"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "args": {
          "A": "1"
        },
        "tags": [
          "app:1",
          "app:latest",
          "app:edge"
        ],
        "secret": [
          {
            "id": "tok",
            "env": "TOKEN"
          }
        ],
        "platforms": [
          "linux/amd64",
          "linux/arm64"
        ],
        "output": [
          {
            "type": "image"
          }
        ]
      }
      """)),
  PrintCase(
    "glob patterns select targets; overrides of a parent reach its children",
    hcl: overrideHCL, targets: ["app-test"], set: ["app.args.A=9", "*.labels.l=v"],
    expected: """
      {
        "group": {
          "default": {
            "targets": [
              "app-test"
            ]
          }
        },
        "target": {
          "app-test": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "args": {
              "A": "9"
            },
            "labels": {
              "l": "v"
            },
            "tags": [
              "app:1"
            ],
            "target": "test",
            "secret": [
              {
                "id": "tok",
                "env": "TOKEN"
              }
            ],
            "platforms": [
              "linux/amd64"
            ],
            "output": [
              {
                "type": "image"
              }
            ]
          }
        }
      }

      """),
  PrintCase(
    "push and secret overrides",
    hcl: overrideHCL, targets: ["app"], set: ["*.push=true", "app.secret.tok=src=token.txt", "app.cache-to=type=inline"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "args": {
          "A": "1"
        },
        "tags": [
          "app:1"
        ],
        "cache-to": [
          {
            "type": "inline"
          }
        ],
        "secret": [
          {
            "id": "tok",
            "src": "token.txt"
          }
        ],
        "platforms": [
          "linux/amd64"
        ],
        "output": [
          {
            "push": "true",
            "type": "image"
          }
        ]
      }
      """)),
  PrintCase(
    "load adds a docker output when none exports elsewhere",
    hcl: "target \"app\" {\n  output = [\"type=registry\"]\n}", targets: ["app"], set: ["*.load=true"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "output": [
          {
            "type": "registry"
          },
          {
            "type": "docker"
          }
        ]
      }
      """)),
  PrintCase(
    "args from the environment when no value is given",
    hcl: "target \"app\" {}", targets: ["app"], set: ["app.args.HOME_DIR", "app.args.MISSING"], env: ["HOME_DIR": "/home/me"],
    expected: appOnly(
      """
      {
        "context": ".",
        "dockerfile": "Dockerfile",
        "args": {
          "HOME_DIR": "/home/me"
        }
      }
      """)),
  PrintCase("override of an unknown key", hcl: overrideHCL, targets: ["app"], set: ["app.nope=1"], error: "unknown key: nope"),
  PrintCase("override without a value", hcl: overrideHCL, targets: ["app"], set: ["app.tags"], error: "invalid override app.tags, expected target.name=value"),
  PrintCase("override without a key", hcl: overrideHCL, targets: ["app"], set: ["app=1"], error: "invalid override key app, expected target.name"),
  PrintCase("override of an unmatched pattern", hcl: overrideHCL, targets: ["app"], set: ["zz*.tags=x"], error: "could not find any target matching 'zz*'"),
  PrintCase("a bad boolean override", hcl: overrideHCL, targets: ["app"], set: ["app.pull=sure"], error: "invalid value sure for boolean key pull"),
  PrintCase(
    "overriding an undeclared secret", hcl: overrideHCL, targets: ["app"], set: ["app.secret.other=env=X"],
    error: "secret \"other\" must be declared before it can be overridden"),
]

@Test(arguments: overrideCases) func printOverrides(_ c: PrintCase) { check(c) }

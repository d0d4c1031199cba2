import Bake
import Testing

/// Variable values and types as `--list=variables` prints them, checked against buildx v0.36.1's
/// output for the same file (typed `any` values carry their cty type; strings lose their quotes).
private let variablesHCL = #"""
    variable "TAG" {
      default = "latest"
      description = "Image tag"
    }
    variable "PORTS" {
      type = list(number)
      default = [80, 443]
    }
    variable "NAME" {
      type = string
      default = "app"
    }
    variable "UNSET" {
      type = string
    }
    variable "OBJ" {
      default = { a = 1, b = "<x>" }
    }
    variable "ANY" {
      type = any
      default = 1.50
    }
    variable "N" { default = 3.0 }
    group "default" {
      description = "Default set"
      targets = ["web", "api"]
    }
    target "web" {
      description = "The web frontend"
    }
    target "api" {}
    target "_private" {}
    target "m" {
      name = "m-${x}-${y}"
      matrix = { y = ["1", "2"], x = ["a", "b"] }
    }
    variable "LA" {
      type = list(any)
      default = [1, 2]
    }
    variable "OA" {
      type = object({a = any, b = string})
      default = { a = ["x"], b = "y" }
    }
    variable "S" {
      type = string
      default = "\"quoted\""
    }
    """#

@Test func listVariablesMatchesBuildx() throws {
  let def = try Bake.parse([BakeFile(name: "docker-bake.hcl", contents: variablesHCL)], options: ParseOptions(builtins: builtins))
  #expect(
    Bake.listVariables(def.variables, json: true) == #"""
    [
      {
        "name": "ANY",
        "type": "any type",
        "value": "{\"value\":1.5,\"type\":\"number\"}"
      },
      {
        "name": "LA",
        "type": "list of any single type",
        "value": "[{\"value\":1,\"type\":\"number\"},{\"value\":2,\"type\":\"number\"}]"
      },
      {
        "name": "N",
        "value": "3"
      },
      {
        "name": "NAME",
        "type": "string",
        "value": "app"
      },
      {
        "name": "OA",
        "type": "object",
        "value": "{\"a\":{\"value\":[\"x\"],\"type\":[\"tuple\",[\"string\"]]},\"b\":\"y\"}"
      },
      {
        "name": "OBJ",
        "value": "{\"a\":1,\"b\":\"\\u003cx\\u003e\"}"
      },
      {
        "name": "PORTS",
        "type": "list of number",
        "value": "[80,443]"
      },
      {
        "name": "S",
        "type": "string",
        "value": "\\\"quoted\\"
      },
      {
        "name": "TAG",
        "description": "Image tag",
        "value": "latest"
      },
      {
        "name": "UNSET",
        "type": "string"
      }
    ]

    """#)
}

@Test func listTargetsWithMatrixGroups() throws {
  let def = try Bake.parse([BakeFile(name: "docker-bake.hcl", contents: variablesHCL)], options: ParseOptions(builtins: builtins))
  #expect(
    Bake.listTargets(def.config, json: false)
      == "TARGET\tDESCRIPTION\napi\t\ndefault\tDefault set (api, web)\nm\tm-a-1, m-a-2, m-b-1, m-b-2\nm-a-1\t\nm-a-2\t\nm-b-1\t\nm-b-2\t\nweb\tThe web frontend\n")
}

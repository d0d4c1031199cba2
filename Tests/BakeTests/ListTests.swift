import Bake
import KilnCore
import Testing

private let listHCL = """
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
    default = { a = 1 }
  }
  group "default" {
    description = "Default set"
    targets = ["web", "api"]
  }
  target "web" {
    description = "The web frontend"
  }
  target "api" {}
  target "_private" {}
  """

private func definition() throws -> Definition {
  try Bake.parse([BakeFile(name: "docker-bake.hcl", contents: listHCL)], options: ParseOptions(builtins: builtins))
}

@Test func listTargetsTable() throws {
  let out = Bake.listTargets(try definition().config, json: false)
  #expect(out == "TARGET\tDESCRIPTION\napi\t\ndefault\tDefault set (api, web)\nweb\tThe web frontend\n")
}

@Test func listTargetsJSON() throws {
  let out = Bake.listTargets(try definition().config, json: true)
  #expect(
    out == """
      [
        {
          "name": "api"
        },
        {
          "name": "default",
          "description": "Default set (api, web)",
          "group": true
        },
        {
          "name": "web",
          "description": "The web frontend"
        }
      ]

      """)
}

@Test func listVariablesJSON() throws {
  let out = Bake.listVariables(try definition().variables, json: true)
  #expect(
    out == """
      [
        {
          "name": "NAME",
          "type": "string",
          "value": "app"
        },
        {
          "name": "OBJ",
          "value": "{\\"a\\":1}"
        },
        {
          "name": "PORTS",
          "type": "list of number",
          "value": "[80,443]"
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

      """)
}

@Test func listVariablesTable() throws {
  let out = Bake.listVariables(try definition().variables, json: false)
  let lines = out.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: true).joined(separator: "|") }
  #expect(lines == ["VARIABLE|TYPE|VALUE|DESCRIPTION", "NAME|string|app", "OBJ|{\"a\":1}", "PORTS|list of number|[80,443]", "TAG|latest|Image tag", "UNSET|string|<null>"])
}

@Test func matrixTargetsListWithTheirGroup() throws {
  let hcl = "target \"app\" {\n  name = \"app-${v}\"\n  matrix = { v = [\"1\", \"2\"] }\n}"
  let def = try Bake.parse([BakeFile(name: "docker-bake.hcl", contents: hcl)], options: ParseOptions(builtins: builtins))
  #expect(def.config.targets.map(\.name) == ["app-1", "app-2"])
  #expect(def.config.groups.map(\.name) == ["app"])
  #expect(Bake.listTargets(def.config, json: false) == "TARGET\tDESCRIPTION\napp\tapp-1, app-2\napp-1\t\napp-2\t\n")
}

extension HCLType {
  /// Reads a type expression such as `list(string)`, `map(object({a=number}))` or
  /// `object({name=string, tags=optional(list(string))})`. `optional` is allowed only as an
  /// object attribute type, without a default (as buildx's `typeexpr.TypeConstraint`).
  public static func parse(_ expr: Expression) -> (HCLType?, Diagnostics) {
    do {
      return (try parseType(expr, depth: 0, inObject: false).0, Diagnostics())
    } catch {
      return (nil, error)
    }
  }

  /// Parses type-expression source text.
  public static func parse(source: String) -> (HCLType?, Diagnostics) {
    let (e, d) = HCL.parseExpression(source: source, filename: "<type>")
    guard let e, !d.hasErrors else { return (nil, d) }
    return parse(e)
  }

  private static func parseType(_ e: Expression, depth: Int, inObject: Bool) throws(Diagnostics) -> (HCLType, optional: Bool) {
    guard depth < Parser.maxDepth else { throw e.fail("Invalid type specification", "The type is nested too deeply.") }
    switch e.node {
    case .variable(let t) where t.steps.isEmpty:
      switch t.root {
      case "string": return (.string, false)
      case "number": return (.number, false)
      case "bool": return (.bool, false)
      case "any": return (.any, false)
      case "list", "set", "map", "tuple", "object":
        throw e.fail("Invalid type specification", "The \(t.root) type constructor requires one argument specifying the element type.")
      default: throw e.fail("Invalid type specification", "The keyword \(quoted(t.root)) is not a valid type specification.")
      }
    case .call(let name, _, let args, _):
      func single() throws(Diagnostics) -> HCLType {
        guard args.count == 1 else {
          throw e.fail("Incorrect type specification", "The \(name) type constructor requires one argument specifying the element type.")
        }
        return try parseType(args[0], depth: depth + 1, inObject: false).0
      }
      switch name {
      case "list": return (.list(try single()), false)
      case "set": return (.set(try single()), false)
      case "map": return (.map(try single()), false)
      case "optional":
        guard inObject else { throw e.fail("Invalid type specification", "Keyword \"optional\" is valid only as a modifier for object type attributes.") }
        // As buildx's typeexpr.TypeConstraint: no default values.
        guard args.count == 1 else {
          throw e.fail("Invalid type specification", "Optional attribute modifier expects only one argument: the attribute type.")
        }
        return (try parseType(args[0], depth: depth + 1, inObject: false).0, true)
      case "tuple":
        guard args.count == 1, case .tuple(let es) = args[0].node else {
          throw e.fail("Invalid type specification", "The tuple type constructor requires one argument specifying the element types as a list.")
        }
        var out: [HCLType] = []
        for el in es { out.append(try parseType(el, depth: depth + 1, inObject: false).0) }
        return (.tuple(out), false)
      case "object":
        guard args.count == 1, case .object(let items) = args[0].node else {
          throw e.fail("Invalid type specification", "The object type constructor requires one argument specifying the attribute types as a map.")
        }
        var attrs: [String: HCLType] = [:]
        var optional = Set<String>()
        for (k, v) in items {
          guard case .literal(.string(let key)) = k.node else {
            throw k.fail("Invalid type specification", "Object constructor map keys must be attribute names.")
          }
          let (t, opt) = try parseType(v, depth: depth + 1, inObject: true)
          attrs[key] = t
          if opt { optional.insert(key) }
        }
        return (.object(attrs, optional: optional), false)
      default:
        throw e.fail("Invalid type specification", "Keyword \(quoted(name)) is not a valid type constructor.")
      }
    default:
      throw e.fail("Invalid type specification", "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).")
    }
  }
}

/// A value type, following cty's type system. `any` is cty's dynamic pseudo-type: it stands for
/// "decided by the value" in type constraints and is the type of an untyped `null`.
public indirect enum HCLType: Hashable, Sendable, CustomStringConvertible {
  case any
  case string
  case number
  case bool
  case list(HCLType)
  case set(HCLType)
  case map(HCLType)
  case tuple([HCLType])
  /// Attribute types; `optional` names the attributes that a conversion may fill with null.
  case object([String: HCLType], optional: Set<String>)

  public static func object(_ attrs: [String: HCLType]) -> HCLType { .object(attrs, optional: []) }

  public var isPrimitive: Bool {
    switch self {
    case .string, .number, .bool: true
    default: false
    }
  }

  public var isCollection: Bool {
    switch self {
    case .list, .set, .map: true
    default: false
    }
  }

  /// Element type of a list, set or map.
  public var elementType: HCLType? {
    switch self {
    case .list(let e), .set(let e), .map(let e): e
    default: nil
    }
  }

  /// Whether the type contains `any` anywhere, i.e. is a constraint rather than a concrete type.
  public var hasDynamic: Bool {
    switch self {
    case .any: true
    case .string, .number, .bool: false
    case .list(let e), .set(let e), .map(let e): e.hasDynamic
    case .tuple(let es): es.contains { $0.hasDynamic }
    case .object(let attrs, _): attrs.values.contains { $0.hasDynamic }
    }
  }

  /// cty's "friendly name", used in messages: `list of string`, `object`, `tuple`.
  public var friendlyName: String {
    switch self {
    case .any: "dynamic"
    case .string: "string"
    case .number: "number"
    case .bool: "bool"
    case .list(let e): "list of " + e.friendlyName
    case .set(let e): "set of " + e.friendlyName
    case .map(let e): "map of " + e.friendlyName
    case .tuple: "tuple"
    case .object: "object"
    }
  }

  /// HCL type-expression syntax: `list(string)`, `object({a=number})`.
  public var description: String {
    switch self {
    case .any: "any"
    case .string: "string"
    case .number: "number"
    case .bool: "bool"
    case .list(let e): "list(\(e))"
    case .set(let e): "set(\(e))"
    case .map(let e): "map(\(e))"
    case .tuple(let es): "tuple([" + es.map(\.description).joined(separator: ", ") + "])"
    case .object(let attrs, let opt):
      "object({" + attrs.keys.sorted().map { k in
        let t = attrs[k]?.description ?? "any"
        return "\(k)=" + (opt.contains(k) ? "optional(\(t))" : t)
      }.joined(separator: ", ") + "})"
    }
  }
}

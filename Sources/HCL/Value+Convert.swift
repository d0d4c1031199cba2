/// Why a value could not be converted; `path` locates the offending element (`[2].name`).
public struct ConversionError: Error, Hashable, Sendable, CustomStringConvertible {
  public var path: String
  public var message: String

  public var description: String { path.isEmpty ? message : "\(path): \(message)" }

  func nested(_ step: String) -> ConversionError { ConversionError(path: step + path, message: message) }
}

extension Value {
  /// Converts to `type` following cty's safe and unsafe conversions (string↔number, string↔bool,
  /// tuple→list with element unification, object→map, map→object, …).
  public func converted(to type: HCLType) throws(ConversionError) -> Value {
    if case .any = type { return self }
    if case .null = self { return .null(type) }
    switch type {
    case .any: return self
    case .string:
      switch self {
      case .string: return self
      case .number(let n): return .string(n.description)
      case .bool(let b): return .string(b ? "true" : "false")
      default: throw ConversionError(path: "", message: "string required")
      }
    case .number:
      switch self {
      case .number: return self
      case .string(let s):
        if let n = Number(parsing: s), !s.contains(where: { $0 == " " }) { return .number(n) }
        throw ConversionError(path: "", message: "a number is required")
      default: throw ConversionError(path: "", message: "number required")
      }
    case .bool:
      switch self {
      case .bool: return self
      case .string("true"): return .bool(true)
      case .string("false"): return .bool(false)
      case .string: throw ConversionError(path: "", message: "a bool is required")
      default: throw ConversionError(path: "", message: "bool required")
      }
    case .list(let e), .set(let e):
      guard let es = elements else { throw ConversionError(path: "", message: "\(type.friendlyName) required") }
      let (converted, et) = try Value.convertElements(es, to: e)
      if case .set = type { return .makeSet(converted, et) }
      return .list(converted, et)
    case .map(let e):
      guard let m = entries else { throw ConversionError(path: "", message: "map of \(e.friendlyName) required") }
      let keys = m.keys.sorted()
      let (converted, et) = try Value.convertElements(keys.map { m[$0] ?? .nullValue }, to: e, keys: keys)
      return .map(Dictionary(uniqueKeysWithValues: zip(keys, converted)), et)
    case .tuple(let ts):
      // Sets have no order, so only lists and tuples convert to tuples.
      guard let es = elements, !isSet else { throw ConversionError(path: "", message: "tuple required") }
      guard es.count == ts.count else {
        throw ConversionError(path: "", message: "tuple required with exactly \(ts.count) elements")
      }
      var out: [Value] = []
      for (i, (v, t)) in zip(es, ts).enumerated() {
        do { out.append(try v.converted(to: t)) } catch { throw error.nested("[\(i)]") }
      }
      return .tuple(out)
    case .object(let attrs, let optional):
      guard let m = entries else { throw ConversionError(path: "", message: "object required") }
      var out: [String: Value] = [:]
      for k in attrs.keys.sorted() {
        let t = attrs[k] ?? .any
        guard let v = m[k] else {
          if optional.contains(k) {
            out[k] = .null(t)
            continue
          }
          throw ConversionError(path: "", message: "attribute \(quoted(k)) is required")
        }
        do { out[k] = try v.converted(to: t) } catch { throw error.nested(".\(k)") }
      }
      return .object(out)
    }
  }

  /// Converts each element to `type`; when `type` has `any` in it, first finds the common type.
  static func convertElements(_ es: [Value], to type: HCLType, keys: [String]? = nil) throws(ConversionError) -> (
    [Value], HCLType
  ) {
    var target = type
    if type.hasDynamic {
      let concrete = es.map { $0.type }
      guard let u = HCLType.unify(concrete.filter { $0 != .any }) else {
        throw ConversionError(path: "", message: "all elements must have the same type")
      }
      target = type == .any ? u : (try? HCLType.refine(type, with: u)) ?? u
    }
    var out: [Value] = []
    for (i, v) in es.enumerated() {
      do { out.append(try v.converted(to: target)) } catch {
        throw error.nested(keys.map { "[\(quoted($0[i]))]" } ?? "[\(i)]")
      }
    }
    return (out, target)
  }
}

extension HCLType {
  /// The common type of `types` under cty's unification rules, or nil when there is none.
  /// An empty list unifies to `any`.
  public static func unify(_ types: [HCLType]) -> HCLType? {
    guard let first = types.first else { return .any }
    if types.allSatisfy({ $0 == first }) { return first }
    if types.allSatisfy(\.isPrimitive) {
      // Mixed primitives meet at string, except bool with number, which has no common type.
      let hasString = types.contains(.string)
      return hasString ? .string : nil
    }
    // Objects and maps unify to a map of the unified attribute types.
    if types.allSatisfy({ if case .object = $0 { true } else if case .map = $0 { true } else { false } }) {
      var all: [HCLType] = []
      var sameShape = true
      var keys: Set<String>?
      for t in types {
        switch t {
        case .object(let a, _):
          all += a.values
          if keys == nil { keys = Set(a.keys) } else if keys != Set(a.keys) { sameShape = false }
        case .map(let e):
          all.append(e)
          sameShape = false
        default: break
        }
      }
      if sameShape, let keys {
        var attrs: [String: HCLType] = [:]
        for k in keys {
          guard let u = unify(types.compactMap { if case .object(let a, _) = $0 { a[k] } else { nil } }) else { return nil }
          attrs[k] = u
        }
        return .object(attrs)
      }
      return unify(all).map { .map($0) }
    }
    if types.allSatisfy({ if case .tuple = $0 { true } else if case .list = $0 { true } else { false } }) {
      var all: [HCLType] = []
      var lengths = Set<Int>()
      var onlyTuples = true
      for t in types {
        if case .tuple(let es) = t {
          all += es
          lengths.insert(es.count)
        } else if case .list(let e) = t {
          all.append(e)
          onlyTuples = false
        }
      }
      if onlyTuples, lengths.count == 1, let n = lengths.first {
        var out: [HCLType] = []
        for i in 0..<n {
          guard let u = unify(types.compactMap { if case .tuple(let es) = $0 { es[i] } else { nil } }) else { return nil }
          out.append(u)
        }
        return .tuple(out)
      }
      return unify(all).map { .list($0) }
    }
    for kind in ["list", "set"] {
      let elems = types.compactMap { t -> HCLType? in
        switch (kind, t) {
        case ("list", .list(let e)), ("set", .set(let e)): e
        default: nil
        }
      }
      if elems.count == types.count, let u = unify(elems) { return kind == "list" ? .list(u) : .set(u) }
    }
    return nil
  }

  /// Replaces `any` in a constraint with the matching part of a concrete type.
  static func refine(_ constraint: HCLType, with concrete: HCLType) throws(ConversionError) -> HCLType {
    switch (constraint, concrete) {
    case (.any, _): return concrete
    case (.list(let a), .list(let b)): return .list(try refine(a, with: b))
    case (.set(let a), .set(let b)): return .set(try refine(a, with: b))
    case (.map(let a), .map(let b)): return .map(try refine(a, with: b))
    default: return constraint
    }
  }
}

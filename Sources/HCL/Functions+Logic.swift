extension Stdlib {
  static let logic: [String: Function] = [
    "and": fn([P("a", .bool), P("b", .bool)]) { a throws(FunctionError) in .bool(a[0].b && a[1].b) },
    "or": fn([P("a", .bool), P("b", .bool)]) { a throws(FunctionError) in .bool(a[0].b || a[1].b) },
    "not": fn([P("val", .bool)]) { a throws(FunctionError) in .bool(!a[0].b) },
    "equal": fn([P("a", allowNull: true), P("b", allowNull: true)]) { a throws(FunctionError) in .bool(valuesEqual(a[0], a[1])) },
    "notequal": fn([P("a", allowNull: true), P("b", allowNull: true)]) { a throws(FunctionError) in .bool(!valuesEqual(a[0], a[1])) },
    "greaterthan": compare { $0 > $1 },
    "greaterthanorequalto": compare { $0 >= $1 },
    "lessthan": compare { $0 < $1 },
    "lessthanorequalto": compare { $0 <= $1 },
    "coalesce": fn([], variadic: P("vals", allowNull: true)) { a throws(FunctionError) in
      guard let t = HCLType.unify(a.map(\.type).filter { $0 != .any }) else {
        throw FunctionError("all arguments must have the same type")
      }
      guard let first = a.first(where: { !$0.isNull }) else { throw FunctionError("no non-null arguments") }
      return try convert(first, t)
    },
    "coalescelist": fn([], variadic: P("vals")) { a throws(FunctionError) in
      guard !a.isEmpty else { throw FunctionError("at least one argument is required") }
      for (i, v) in a.enumerated() {
        guard let es = v.elements, !v.isSet else {
          throw FunctionError("coalescelist arguments must be lists or tuples, got \(v.type.friendlyName)", argument: i)
        }
        if !es.isEmpty { return v }
      }
      return a.last ?? .emptyTuple
    },
  ]

  private static func compare(_ op: @escaping @Sendable (Number, Number) -> Bool) -> Function {
    fn([P("a", .number), P("b", .number)]) { a throws(FunctionError) in .bool(op(a[0].n, a[1].n)) }
  }
}

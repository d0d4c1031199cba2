extension Stdlib {
  static let sets: [String: Function] = [
    // Set arguments arrive converted to one element type, so hashing is exact; makeSet dedupes.
    "setunion": setOp { first, rest in first + rest.flatMap { $0 } },
    "setintersection": setOp { first, rest in
      let others = rest.map(Set.init)
      return first.filter { e in others.allSatisfy { $0.contains(e) } }
    },
    "setsubtract": fn([P("a", .set(.any)), P("b", .set(.any))]) { a throws(FunctionError) in
      let b = Set(a[1].items)
      return makeSet(a[0].items.filter { !b.contains($0) }, hint: a)
    },
    "setsymmetricdifference": setOp { first, rest in
      var acc = Set(first)
      for s in rest { acc = acc.symmetricDifference(Set(s)) }
      return Array(acc)
    },
    "sethaselement": fn([P("set", .set(.any)), P("elem", allowNull: true)]) { a throws(FunctionError) in
      .bool(a[0].items.contains { valuesEqual($0, a[1]) })
    },
    "setproduct": fn([], variadic: P("sets")) { a throws(FunctionError) in
      guard a.count >= 2 else { throw FunctionError("at least two arguments are required") }
      var combos: [[Value]] = [[]]
      var allLists = true
      for (i, s) in a.enumerated() {
        guard let es = s.elements else { throw FunctionError("a set or a list is required", argument: i) }
        if s.isSet { allLists = false }
        combos = combos.flatMap { c in es.map { c + [$0] } }
        if combos.count > 100_000 { throw FunctionError("the product has too many elements") }
      }
      let tuples = combos.map(Value.tuple)
      let et = HCLType.unify(tuples.map(\.type)) ?? .any
      return allLists ? .list(tuples, et) : .makeSet(tuples, et)
    },
  ]

  private static func setOp(_ op: @escaping @Sendable ([Value], [[Value]]) -> [Value]) -> Function {
    fn([P("first_set", .set(.any))], variadic: P("other_sets", .set(.any))) { a throws(FunctionError) in
      makeSet(op(a[0].items, a.dropFirst().map(\.items)), hint: a)
    }
  }

  /// A set of `es` with their common element type, falling back to the arguments' element type.
  private static func makeSet(_ es: [Value], hint: [Value]) -> Value {
    let t = HCLType.unify(hint.compactMap(\.type.elementType).filter { $0 != .any }) ?? .any
    let et = es.isEmpty ? t : HCLType.unify(es.map(\.type)) ?? t
    let conv = es.map { (try? $0.converted(to: et)) ?? $0 }
    return .makeSet(conv, et)
  }
}

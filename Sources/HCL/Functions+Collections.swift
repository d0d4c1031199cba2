extension Stdlib {
  static let collections: [String: Function] = [
    "length": fn([P("collection")]) { a throws(FunctionError) in
      guard !a[0].isString, let n = a[0].length else {
        throw FunctionError("collection must be a list, a map or a tuple", argument: 0)
      }
      return .int(n)
    },
    "chunklist": fn([P("list", .list(.any)), P("size", .number)]) { a throws(FunctionError) in
      let size = try a[1].int(1, "size")
      guard size >= 0 else { throw FunctionError("the size argument must be positive", argument: 1) }
      let es = a[0].items
      let et = a[0].type.elementType ?? .any
      if size == 0 || es.isEmpty { return .list(es.isEmpty ? [] : [a[0]], .list(et)) }
      let chunks = stride(from: 0, to: es.count, by: size).map { Value.list(Array(es[$0..<min($0 + size, es.count)]), et) }
      return .list(chunks, .list(et))
    },
    "compact": fn([P("list", .list(.string))]) { a throws(FunctionError) in
      .list(a[0].items.filter { !$0.isNull && $0.s != "" }, .string)
    },
    "concat": fn([], variadic: P("seqs")) { a throws(FunctionError) in
      var all: [Value] = []
      var allLists = true
      for (i, v) in a.enumerated() {
        guard let es = v.elements, !v.isSet else {
          throw FunctionError("all arguments must be lists or tuples; got \(v.type.friendlyName)", argument: i)
        }
        if case .list = v {} else { allLists = false }
        all += es
      }
      if allLists, !a.isEmpty {
        let types = a.compactMap(\.type.elementType)
        if let t = HCLType.unify(types), let (conv, et) = try? Value.convertElements(all, to: t) { return .list(conv, et) }
      }
      return .tuple(all)
    },
    "contains": fn([P("list"), P("value", allowNull: true)]) { a throws(FunctionError) in
      guard let es = a[0].elements else {
        throw FunctionError("argument must be list, tuple, or set", argument: 0)
      }
      return .bool(es.contains { valuesEqual($0, a[1]) })
    },
    "distinct": fn([P("list", .list(.any))]) { a throws(FunctionError) in
      // Elements share one type after conversion to a list, so hashing finds duplicates.
      var seen = Set<Value>()
      let out = a[0].items.filter { seen.insert($0).inserted }
      return .list(out, a[0].type.elementType ?? .any)
    },
    "element": fn([P("list"), P("index", .number)]) { a throws(FunctionError) in
      guard let es = a[0].elements, !a[0].isSet else {
        throw FunctionError("cannot read elements from \(a[0].type.friendlyName)", argument: 0)
      }
      let i = try a[1].int(1, "index")
      guard i >= 0 else { throw FunctionError("cannot use element function with a negative index", argument: 1) }
      guard !es.isEmpty else { throw FunctionError("cannot use element function with an empty list", argument: 0) }
      return es[i % es.count]
    },
    "flatten": fn([P("list")]) { a throws(FunctionError) in
      guard a[0].elements != nil else { throw FunctionError("can only flatten lists, sets and tuples", argument: 0) }
      var out: [Value] = []
      func walk(_ v: Value, _ depth: Int) {
        guard let es = v.elements, !v.isNull, depth < Parser.maxDepth else {
          out.append(v)
          return
        }
        for e in es { walk(e, depth + 1) }
      }
      walk(a[0], 0)
      return .tuple(out)
    },
    // cty's `index` looks up an element by key; `indexof` (from buildx) finds a value's position.
    "index": fn([P("collection"), P("key")]) { a throws(FunctionError) in
      guard let v = try lookupKey(a[0], a[1]) else {
        throw FunctionError("the given key does not identify an element in this collection value")
      }
      return v
    },
    "hasindex": fn([P("collection"), P("key")]) { a throws(FunctionError) in .bool((try? lookupKey(a[0], a[1])) ?? nil != nil) },
    "indexof": fn([P("list"), P("value")]) { a throws(FunctionError) in
      guard let es = a[0].elements, !a[0].isSet else { throw FunctionError("argument must be a list or tuple") }
      guard !es.isEmpty else { throw FunctionError("cannot search an empty list") }
      guard let i = es.firstIndex(where: { valuesEqual($0, a[1]) }) else { throw FunctionError("item not found") }
      return .int(i)
    },
    "keys": fn([P("inputMap")]) { a throws(FunctionError) in
      let keys = (a[0].entries?.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) ?? []).map(Value.string)
      switch a[0] {
      case .map: return .list(keys, .string)
      case .object: return .tuple(keys)
      default: throw FunctionError("must have map or object type", argument: 0)
      }
    },
    "values": fn([P("mapping")]) { a throws(FunctionError) in
      guard let m = a[0].entries else { throw FunctionError("values() requires a map as the first argument", argument: 0) }
      let vals = m.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).compactMap { m[$0] }
      if case .map(_, let t) = a[0] { return .list(vals, t) }
      return .tuple(vals)
    },
    "lookup": fn([P("inputMap"), P("key", .string), P("default", allowNull: true)]) { a throws(FunctionError) in
      guard let m = a[0].entries else { throw FunctionError("the first argument must be a map or object", argument: 0) }
      if let v = m[a[1].s] { return v }
      if case .map(_, let t) = a[0], t != .any { return try convert(a[2], t, argument: 2) }
      return a[2]
    },
    "merge": fn([], variadic: P("maps", allowNull: true)) { a throws(FunctionError) in
      var out: [String: Value] = [:]
      var allMaps = true
      for (i, v) in a.enumerated() where !v.isNull {
        guard let m = v.entries else { throw FunctionError("arguments must be maps or objects, got \(v.type.friendlyName)", argument: i) }
        if case .object = v { allMaps = false }
        out.merge(m) { _, new in new }
      }
      if allMaps, let t = HCLType.unify(out.values.map(\.type)), !out.isEmpty || a.contains(where: { !$0.isNull }) {
        let et = out.isEmpty ? (a.compactMap(\.type.elementType).first ?? .any) : t
        var conv: [String: Value] = [:]
        for (k, v) in out { conv[k] = try? v.converted(to: et) }
        if !conv.values.contains(where: { $0 == .nullValue && et != .any }) && conv.count == out.count { return .map(conv, et) }
      }
      return .object(out)
    },
    "range": fn([], variadic: P("params", .number)) { a throws(FunctionError) in
      var start = Number(0)
      var step = Number(1)
      let limit: Number
      switch a.count {
      case 1: limit = a[0].n
      case 2: (start, limit) = (a[0].n, a[1].n)
      case 3: (start, limit, step) = (a[0].n, a[1].n, a[2].n)
      default: throw FunctionError("must have one, two, or three arguments")
      }
      guard !step.isZero else { throw FunctionError("step must not be zero") }
      if start < limit && step.sign < 0 { throw FunctionError("step must be positive when start is less than limit") }
      if start > limit && step.sign > 0 { throw FunctionError("step must be negative when start is greater than limit") }
      var out: [Value] = []
      var v = start
      while step.sign > 0 ? v < limit : v > limit {
        if out.count >= 1024 { throw FunctionError("more than 1024 values were generated; either decrease the difference between start and end or use a smaller step") }
        out.append(.number(v))
        v = v + step
      }
      return .list(out, .number)
    },
    "reverselist": fn([P("list")]) { a throws(FunctionError) in
      guard let es = a[0].elements else { throw FunctionError("can only reverse list or tuple values, not \(a[0].type.friendlyName)", argument: 0) }
      if case .set(_, let t) = a[0] { return .list(es.reversed(), t) }
      return sameKind(as: a[0], es.reversed())
    },
    "slice": fn([P("list"), P("start_index", .number), P("end_index", .number)]) { a throws(FunctionError) in
      guard let es = a[0].elements, !a[0].isSet else { throw FunctionError("must be a list or tuple value", argument: 0) }
      let from = try a[1].int(1, "start_index")
      let to = try a[2].int(2, "end_index")
      guard from >= 0 else { throw FunctionError("from index must be greater than or equal to 0", argument: 1) }
      guard to <= es.count else { throw FunctionError("to index must be less than or equal to the length of the input collection", argument: 2) }
      guard from <= to else { throw FunctionError("from index must be less than or equal to index", argument: 1) }
      return sameKind(as: a[0], Array(es[from..<to]))
    },
    "sort": fn([P("list", .list(.string))]) { a throws(FunctionError) in
      let es = a[0].items
      guard !es.contains(where: \.isNull) else { throw FunctionError("given list element must not be null", argument: 0) }
      return .list(es.sorted { $0.s.utf8.lexicographicallyPrecedes($1.s.utf8) }, .string)
    },
    "zipmap": fn([P("keys", .list(.string)), P("values")]) { a throws(FunctionError) in
      let keys = a[0].items
      guard let vals = a[1].elements, !a[1].isSet else { throw FunctionError("values must be a list or tuple", argument: 1) }
      guard keys.count == vals.count else {
        throw FunctionError("number of keys (\(keys.count)) does not match number of values (\(vals.count))")
      }
      var out: [String: Value] = [:]
      for (k, v) in zip(keys, vals) { out[k.s] = v }
      if case .list(_, let t) = a[1] { return .map(out, t) }
      return .object(out)
    },
  ]
}

/// `collection[key]` for `index` and `hasindex`; nil when the key is absent.
func lookupKey(_ c: Value, _ k: Value) throws(FunctionError) -> Value? {
  switch c {
  case .list(let es, _), .tuple(let es):
    guard case .number(let n) = (try? k.converted(to: .number)) ?? .nullValue else { throw FunctionError("key must be a number") }
    guard let i = n.intValue, i >= 0, i < es.count else { return nil }
    return es[i]
  case .map(let m, _), .object(let m):
    guard case .string(let s) = (try? k.converted(to: .string)) ?? .nullValue else { throw FunctionError("key must be a string") }
    return m[s]
  default:
    throw FunctionError("cannot index \(c.type.friendlyName)")
  }
}

extension Value {
  var isString: Bool {
    if case .string = self { return true }
    return false
  }
}

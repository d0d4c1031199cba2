/// The function library bake offers: cty's standard library, go-cty-funcs, and buildx's own
/// additions, with the same names and semantics.
public enum Stdlib {
  /// Every function by name.
  public static let functions: [String: Function] = {
    var all: [String: Function] = [:]
    let tables = [math, logic, strings, regexes, collections, sets, encoding, crypto, network, time, paths, meta]
    for table in tables { all.merge(table) { a, _ in a } }
    return all
  }()
}

// MARK: Helpers for function tables

typealias P = Function.Parameter

func fn(_ params: [P], variadic: P? = nil, _ impl: @escaping Function.Implementation) -> Function {
  Function(parameters: params, variadic: variadic, implementation: impl)
}

extension Value {
  /// Argument accessors: parameters are converted before a function runs, so these hold.
  var s: String { stringValue ?? "" }
  var n: Number { numberValue ?? .zero }
  var b: Bool { boolValue ?? false }
  var items: [Value] { elements ?? [] }

  /// The integer value of a number argument, or an error naming the argument.
  func int(_ arg: Int, _ what: String = "value") throws(FunctionError) -> Int {
    guard let n = numberValue, let i = n.intValue else {
      throw FunctionError("\(what) must be a whole number", argument: arg)
    }
    return i
  }
}

/// A list of `es` with their unified element type, or a tuple when they have none.
func listOrTuple(_ es: [Value]) -> Value {
  guard let t = HCLType.unify(es.map(\.type).filter { $0 != .any }),
    let (conv, et) = try? Value.convertElements(es, to: t)
  else { return .tuple(es) }
  return .list(conv, et)
}

/// Rebuilds a sequence of the same kind as `like` (list, set or tuple) from new elements.
func sameKind(as like: Value, _ es: [Value]) -> Value {
  switch like {
  case .list(_, let t): .list(es, es.isEmpty ? t : HCLType.unify(es.map(\.type)) ?? t)
  case .set(_, let t): .makeSet(es, es.isEmpty ? t : HCLType.unify(es.map(\.type)) ?? t)
  default: .tuple(es)
  }
}

/// Converts inside a function body, turning a conversion failure into a function error.
func convert(_ v: Value, _ t: HCLType, argument: Int? = nil) throws(FunctionError) -> Value {
  do throws(ConversionError) {
    return try v.converted(to: t)
  } catch {
    throw FunctionError(error.description, argument: argument)
  }
}

extension Value {
  var isSet: Bool {
    if case .set = self { return true }
    return false
  }
}

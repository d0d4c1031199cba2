/// One step of a traversal: `.name` or `[key]` with a constant key.
public enum TraversalStep: Hashable, Sendable {
  case attribute(String)
  case index(Value)
}

/// A variable reference with the constant steps that follow it, e.g. `target.app.tags[0]`.
/// Reported by `Expression.variables` so callers can order evaluation by dependency.
public struct Traversal: Hashable, Sendable, CustomStringConvertible {
  public var root: String
  public var steps: [TraversalStep]
  /// Where each step is written (`.name`, `[0]`), parallel to `steps`.
  public var stepRanges: [SourceRange] = []
  public var range: SourceRange

  public var description: String {
    root + steps.map {
      switch $0 {
      case .attribute(let n): "." + n
      case .index(let v): "[\(v)]"
      }
    }.joined()
  }
}

/// A parsed expression. It evaluates itself against an `EvalContext`.
public struct Expression: Sendable {
  let node: Node
  /// The source text the expression covers.
  public let range: SourceRange

  init(_ node: Node, _ range: SourceRange) {
    self.node = node
    self.range = range
  }

  indirect enum Node: Sendable {
    case literal(Value)
    case variable(Traversal)
    /// A traversal applied to the result of another expression: `f(x).a[0]`, `[1,2][0]`.
    case relative(Expression, [TraversalStep], [SourceRange])
    /// A dynamic index: `a[var.i]`.
    case index(Expression, key: Expression)
    case call(name: String, nameRange: SourceRange, args: [Expression], expandFinal: Bool)
    case unary(UnaryOp, Expression)
    case binary(BinaryOp, Expression, Expression)
    case conditional(Expression, Expression, Expression)
    case tuple([Expression])
    /// Keys that were bare identifiers arrive as string literals.
    case object([(key: Expression, value: Expression)])
    case forExpr(ForClause)
    /// `source[*].rest`; `each` is evaluated with the item bound to the splat symbol.
    case splat(source: Expression, each: Expression)
    /// The current item inside a splat's `each` expression.
    case splatItem
    case parens(Expression)
    /// Concatenation of template parts, each converted to string.
    case template([Expression])
    /// A template consisting only of `"${expr}"`: yields the value unconverted, as HCL does.
    case templateWrap(Expression)
    /// `%{for}` directive: joins the strings the tuple-producing for clause yields.
    case templateJoin(Expression)
  }
}

struct ForClause: Sendable {
  var keyVar: String?
  var valueVar: String
  var collection: Expression
  /// Key expression of an object `for`; nil for a tuple `for`.
  var keyExpr: Expression?
  var valueExpr: Expression
  var condition: Expression?
  var grouping: Bool
}

enum UnaryOp: String, Sendable {
  case not = "!"
  case negate = "-"
}

enum BinaryOp: String, Sendable {
  case or = "||", and = "&&"
  case eq = "==", ne = "!="
  case lt = "<", le = "<=", gt = ">", ge = ">="
  case add = "+", sub = "-"
  case mul = "*", div = "/", mod = "%"

  /// Higher binds tighter.
  var precedence: Int {
    switch self {
    case .or: 1
    case .and: 2
    case .eq, .ne: 3
    case .lt, .le, .gt, .ge: 4
    case .add, .sub: 5
    case .mul, .div, .mod: 6
    }
  }

  init?(_ k: TokenKind) {
    switch k {
    case .orOr: self = .or
    case .andAnd: self = .and
    case .eqEq: self = .eq
    case .notEq: self = .ne
    case .lt: self = .lt
    case .le: self = .le
    case .gt: self = .gt
    case .ge: self = .ge
    case .plus: self = .add
    case .minus: self = .sub
    case .star: self = .mul
    case .slash: self = .div
    case .percent: self = .mod
    default: return nil
    }
  }
}

extension Expression {
  /// Every variable the expression reads, excluding names bound inside it by `for`.
  public var variables: [Traversal] {
    var out: [Traversal] = []
    collectVariables(into: &out, bound: [])
    return out
  }

  private func collectVariables(into out: inout [Traversal], bound: Set<String>) {
    switch node {
    case .literal, .splatItem: break
    case .variable(let t): if !bound.contains(t.root) { out.append(t) }
    case .relative(let e, _, _), .unary(_, let e), .parens(let e), .templateWrap(let e), .templateJoin(let e):
      e.collectVariables(into: &out, bound: bound)
    case .index(let a, let b), .binary(_, let a, let b), .splat(let a, let b):
      a.collectVariables(into: &out, bound: bound)
      b.collectVariables(into: &out, bound: bound)
    case .call(_, _, let args, _), .tuple(let args), .template(let args):
      for a in args { a.collectVariables(into: &out, bound: bound) }
    case .conditional(let a, let b, let c):
      for e in [a, b, c] { e.collectVariables(into: &out, bound: bound) }
    case .object(let items):
      for (k, v) in items {
        k.collectVariables(into: &out, bound: bound)
        v.collectVariables(into: &out, bound: bound)
      }
    case .forExpr(let f):
      f.collection.collectVariables(into: &out, bound: bound)
      var inner = bound
      inner.insert(f.valueVar)
      if let k = f.keyVar { inner.insert(k) }
      for e in [f.keyExpr, f.valueExpr, f.condition].compactMap({ $0 }) {
        e.collectVariables(into: &out, bound: inner)
      }
    }
  }

  /// Names of the functions the expression calls, for callers that resolve user functions lazily.
  public var functionCalls: [String] {
    var out: [String] = []
    func walk(_ e: Expression) {
      switch e.node {
      case .literal, .splatItem, .variable: break
      case .relative(let e, _, _), .unary(_, let e), .parens(let e), .templateWrap(let e), .templateJoin(let e): walk(e)
      case .index(let a, let b), .binary(_, let a, let b), .splat(let a, let b):
        walk(a)
        walk(b)
      case .call(let n, _, let args, _):
        out.append(n)
        args.forEach(walk)
      case .tuple(let args), .template(let args): args.forEach(walk)
      case .conditional(let a, let b, let c): [a, b, c].forEach(walk)
      case .object(let items):
        for (k, v) in items {
          walk(k)
          walk(v)
        }
      case .forExpr(let f): [f.collection, f.keyExpr, f.valueExpr, f.condition].compactMap { $0 }.forEach(walk)
      }
    }
    walk(self)
    return out
  }

  /// If the expression is a bare variable or traversal, that traversal (like hcl.AbsTraversalForExpr).
  public var asTraversal: Traversal? {
    if case .variable(let t) = node { return t }
    return nil
  }

  /// The keyword or identifier an expression consists of, if any (like hcl.ExprAsKeyword).
  public var asKeyword: String? {
    if case .variable(let t) = node, t.steps.isEmpty { return t.root }
    return nil
  }

  /// The elements of a tuple constructor, for callers that inspect list syntax (like hcl.ExprList).
  public var listElements: [Expression]? {
    if case .tuple(let es) = node { return es }
    return nil
  }
}

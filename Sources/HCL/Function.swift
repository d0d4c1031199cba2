/// Raised by a function implementation; `argument` points the diagnostic at one argument.
public struct FunctionError: Error, Sendable, Hashable {
  public var message: String
  public var argument: Int?

  public init(_ message: String, argument: Int? = nil) {
    self.message = message
    self.argument = argument
  }
}

/// A callable for HCL expressions: parameters with type constraints, an optional variadic
/// parameter, and an implementation. Arguments arrive already converted to the parameter types.
public struct Function: Sendable {
  public struct Parameter: Sendable {
    public var name: String
    public var type: HCLType
    public var allowNull: Bool

    public init(_ name: String, _ type: HCLType = .any, allowNull: Bool = false) {
      self.name = name
      self.type = type
      self.allowNull = allowNull
    }
  }

  public typealias Implementation = @Sendable (_ args: [Value]) throws(FunctionError) -> Value
  /// For functions that decide whether to evaluate their arguments (`try`, `can`).
  public typealias Thunk = () throws(Diagnostics) -> Value
  public typealias LazyImplementation = @Sendable (_ args: [Thunk]) throws(Diagnostics) -> Value

  enum Kind: Sendable {
    case eager(Implementation)
    case lazy(LazyImplementation)
    case user(UserFunction)
    /// Receives its argument expressions unevaluated, with the caller's context (`convert`'s type argument).
    case raw(@Sendable ([Expression], EvalContext) throws(Diagnostics) -> Value)
  }

  public var parameters: [Parameter]
  public var variadic: Parameter?
  let kind: Kind

  public init(parameters: [Parameter], variadic: Parameter? = nil, implementation: @escaping Implementation) {
    self.parameters = parameters
    self.variadic = variadic
    kind = .eager(implementation)
  }

  /// A function whose arguments are passed unevaluated.
  public init(lazyParameters: [Parameter], variadic: Parameter? = nil, implementation: @escaping LazyImplementation) {
    parameters = lazyParameters
    self.variadic = variadic
    kind = .lazy(implementation)
  }

  /// A function written in HCL (like a bake `function` block): `result` is evaluated in the
  /// caller's variables and functions with each parameter bound by name; the variadic
  /// parameter, if any, is bound to a tuple of the remaining arguments. Calls that would
  /// recurse are reported as diagnostics.
  public static func user(parameters: [String], variadic: String? = nil, result: Expression) -> Function {
    Function(
      parameters: parameters.map { Parameter($0, allowNull: true) }, variadic: variadic.map { Parameter($0, allowNull: true) },
      kind: .user(UserFunction(parameters: parameters, variadic: variadic, result: result)))
  }

  init(parameters: [Parameter], variadic: Parameter?, kind: Kind) {
    self.parameters = parameters
    self.variadic = variadic
    self.kind = kind
  }
}

struct UserFunction: Sendable {
  var parameters: [String]
  var variadic: String?
  var result: Expression
}

/// Variables and functions an expression is evaluated against.
public struct EvalContext: Sendable {
  public var variables: [String: Value]
  public var functions: [String: Function]
  /// Names bound by `for` expressions and user-function parameters; they shadow `variables`.
  var locals: [String: Value] = [:]
  /// The current element inside a splat's per-item expression.
  var splatItem: Value?
  /// User functions being evaluated, outermost first, to detect recursion.
  var callStack: [String] = []

  public init(variables: [String: Value] = [:], functions: [String: Function] = [:]) {
    self.variables = variables
    self.functions = functions
  }

  func lookup(_ name: String) -> Value? { locals[name] ?? variables[name] }

  func binding(_ values: [String: Value]) -> EvalContext {
    var c = self
    c.locals.merge(values) { _, new in new }
    return c
  }
}

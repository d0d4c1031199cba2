import KilnCore
import HCL

/// Turns the text of a variable override (`--var`, environment) into a value of the variable's
/// type, as buildx does: primitives parse as Go would, collections come as CSV (maps as `k:v`).
enum EnvValue {
  static func primitive(_ name: String, _ text: String, _ type: HCLType) throws(BakeError) -> Value {
    switch type {
    case .string: return .string(text)
    case .bool:
      guard let b = parseGoBool(text) else {
        throw BakeError("failed to parse \(name) as bool: strconv.ParseBool: parsing \(goQuote(text)): invalid syntax")
      }
      return .bool(b)
    case .number:
      guard let d = Double(text), d.isFinite, let n = Number(d) else {
        throw BakeError("failed to parse \(name) as number: strconv.ParseFloat: parsing \(goQuote(text)): invalid syntax")
      }
      return .number(n)
    default:
      throw BakeError("\(name) of type \(type.friendlyName) is not a primitive")
    }
  }

  static func fromCSV(_ name: String, _ text: String, _ type: HCLType) throws(BakeError) -> Value {
    let fields: [String]
    do {
      fields = try CSV.fields(text)
    } catch {
      throw BakeError("failed to parse \(text) as CSV: \(error.message)")
    }
    func unsupported() -> BakeError { BakeError("unsupported type \(type.friendlyName) for CSV specification") }
    func elements(_ t: HCLType) throws(BakeError) -> [Value] {
      guard t.isPrimitive else { throw unsupported() }
      var out: [Value] = []
      for f in fields {
        do {
          out.append(try primitive(name, f, t))
        } catch {
          throw BakeError("failed to parse element of type \(type.friendlyName): \(error.message)")
        }
      }
      return out
    }
    switch type {
    case .list(let t): return .list(try elements(t), t)
    case .set(let t): return .makeSet(try elements(t), t)
    case .tuple(let ts):
      guard ts.count == fields.count else {
        throw BakeError("\(type.friendlyName) expects \(ts.count) elements but only \(fields.count) provided")
      }
      var out: [Value] = []
      for (f, t) in zip(fields, ts) {
        guard t.isPrimitive else { throw unsupported() }
        do {
          out.append(try primitive(name, f, t))
        } catch {
          throw BakeError("failed to parse element of type \(type.friendlyName): \(error.message)")
        }
      }
      return .tuple(out)
    case .map(let t):
      guard t.isPrimitive else { throw unsupported() }
      var m: [String: Value] = [:]
      for f in fields {
        let kv: [String]
        do {
          kv = try CSV.fields(f, separator: ":")
        } catch {
          throw BakeError("failed to parse \(f) as k/v for variable \(name): \(error.message)")
        }
        guard kv.count == 2 else { throw BakeError("expected one k/v pair but got \(kv.count) pieces from \(f)") }
        do {
          m[kv[0]] = try primitive(name, kv[1], t)
        } catch {
          throw BakeError("failed to parse element from type \(type.friendlyName): \(error.message)")
        }
      }
      return .map(m, t)
    default: throw unsupported()
    }
  }
}

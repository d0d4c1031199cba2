#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

/// A document that parsed but does not have the shape a store file needs,
/// e.g. `"Nodes": "x"`. `field` is the path within the document.
struct GoJSONShapeError: Error, CustomStringConvertible {
  var field: String
  var reason: String
  var description: String { field.isEmpty ? reason : "field \(field): \(reason)" }
}

/// Decodes values the way Go's `encoding/json` fills a struct: a missing
/// field or `null` leaves the zero value, anything else must have the
/// field's type.
struct GoJSONFields {
  let members: [GoJSONMember]
  /// Where this object sits in the document, for error messages.
  let path: String

  init(_ value: GoJSON, path: String) throws(GoJSONShapeError) {
    switch value {
    case .object(let members): self.members = members
    default: throw GoJSONShapeError(field: path, reason: "expected an object, found \(value.typeName)")
    }
    self.path = path
  }

  func fieldPath(_ name: String) -> String { path.isEmpty ? name : path + "." + name }

  func mismatch(_ name: String, expected: String, found: GoJSON) -> GoJSONShapeError {
    GoJSONShapeError(field: fieldPath(name), reason: "expected \(expected), found \(found.typeName)")
  }

  func string(_ name: String) throws(GoJSONShapeError) -> String {
    switch members.goField(name) {
    case nil, .null: return ""
    case .string(let value): return value
    case let other?: throw mismatch(name, expected: "a string", found: other)
    }
  }

  func bool(_ name: String) throws(GoJSONShapeError) -> Bool {
    switch members.goField(name) {
    case nil, .null: return false
    case .bool(let value): return value
    case let other?: throw mismatch(name, expected: "a boolean", found: other)
    }
  }

  func array(_ name: String) throws(GoJSONShapeError) -> [GoJSON] {
    switch members.goField(name) {
    case nil, .null: return []
    case .array(let elements): return elements
    case let other?: throw mismatch(name, expected: "an array", found: other)
    }
  }

  func strings(_ name: String) throws(GoJSONShapeError) -> [String] {
    var result: [String] = []
    for (i, element) in try array(name).enumerated() {
      switch element {
      case .string(let value): result.append(value)
      case .null: result.append("")
      default: throw mismatch("\(name)[\(i)]", expected: "a string", found: element)
      }
    }
    return result
  }

  func object(_ name: String) throws(GoJSONShapeError) -> [GoJSONMember] {
    switch members.goField(name) {
    case nil, .null: return []
    case .object(let members): return members
    case let other?: throw mismatch(name, expected: "an object", found: other)
    }
  }

  /// A Go `map[string]string`; duplicate keys keep the last value, as in Go.
  func stringMap(_ name: String) throws(GoJSONShapeError) -> [String: String] {
    var result: [String: String] = [:]
    for member in try object(name) {
      switch member.value {
      case .string(let value): result[member.key] = value
      case .null: result[member.key] = ""
      default: throw mismatch("\(name)[\(member.key)]", expected: "a string", found: member.value)
      }
    }
    return result
  }

  /// A Go `map[string][]byte`: values are standard base64 with padding.
  func bytesMap(_ name: String) throws(GoJSONShapeError) -> [String: Data] {
    var result: [String: Data] = [:]
    for member in try object(name) {
      switch member.value {
      case .null: result[member.key] = Data()
      case .string(let encoded):
        guard let data = Data(base64Encoded: encoded) else {
          throw GoJSONShapeError(field: fieldPath("\(name)[\(member.key)]"), reason: "invalid base64 data")
        }
        result[member.key] = data
      default: throw mismatch("\(name)[\(member.key)]", expected: "a base64 string", found: member.value)
      }
    }
    return result
  }
}

extension GoJSON {
  /// Go writes a nil slice or map as `null`; buildx never uses `omitempty`
  /// on store fields, so empty collections are written that way too.
  static func goArray(_ elements: [GoJSON]) -> GoJSON {
    elements.isEmpty ? .null : .array(elements)
  }

  /// A Go map: `null` when empty, keys sorted by their UTF-8 bytes.
  static func goMap(_ entries: [String: GoJSON]) -> GoJSON {
    if entries.isEmpty { return .null }
    let keys = entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    return .object(keys.map { GoJSONMember($0, entries[$0] ?? .null) })
  }
}

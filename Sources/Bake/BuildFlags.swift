import KilnCore
import HCL

/// Build flags that bake stores as structures rather than strings (buildx's `util/buildflags`):
/// each parses from its CSV text form or from an HCL object, and prints as a JSON object.

/// `cache-from` / `cache-to`: `type=registry,ref=x`, or a bare reference.
public struct CacheEntry: Sendable, Equatable {
  public var type: String
  public var attrs: [String: String]

  /// Parses `type=...,k=v`; a single field without `=` is a registry reference.
  static func parse(_ text: String) throws(BakeError) -> CacheEntry {
    let fields = try CSV.fields(text)
    if fields.count == 1, !fields[0].contains("=") {
      return CacheEntry(type: "registry", attrs: ["ref": fields[0]])
    }
    var e = CacheEntry(type: "", attrs: [:])
    for f in fields {
      guard let (k, v) = f.splitOnce("=") else { throw BakeError("invalid value \(f)") }
      if k.lowercased() == "type" { e.type = v } else { e.attrs[k.lowercased()] = v }
    }
    if e.type.isEmpty { throw BakeError("type required for \(goQuote(text))") }
    return e
  }

  /// A `--set` value: without `=`, each CSV field is its own registry reference.
  static func parseList(_ values: [String]) throws(BakeError) -> [CacheEntry] {
    var out: [CacheEntry] = []
    for v in values where !v.isEmpty {
      if !v.contains("=") {
        for f in try CSV.fields(v) { out.append(try parse(f)) }
      } else {
        out.append(try parse(v))
      }
    }
    return out
  }

  static func normalize(_ s: [CacheEntry]) -> [CacheEntry] { removeDupes(s) }

  var json: GoJSON {
    var m = attrs
    m["type"] = type
    return .stringMap(m)
  }
}

/// `output`: `type=local,dest=out`, or a bare path (local; `-` is tar to stdout).
public struct ExportEntry: Sendable, Equatable {
  public var type: String
  public var attrs: [String: String]
  public var destination: String

  static func parse(_ text: String) throws(BakeError) -> ExportEntry {
    let fields = try CSV.fields(text)
    if fields.count == 1, fields[0] == text, !text.hasPrefix("type=") {
      return ExportEntry(type: text == "-" ? "tar" : "local", attrs: [:], destination: text)
    }
    var e = ExportEntry(type: "", attrs: [:], destination: "")
    for f in fields {
      guard let (k, v) = f.splitOnce("=") else { throw BakeError("invalid value \(f)") }
      switch k.lowercased().trimmingSpaces {
      case "type": e.type = v
      case "dest": e.destination = v
      case let key: e.attrs[key] = v
      }
    }
    if e.type.isEmpty { throw BakeError("type is required for output") }
    return e
  }

  static func normalize(_ s: [ExportEntry]) -> [ExportEntry] { removeDupes(s) }

  var json: GoJSON {
    var m = attrs
    m["type"] = type
    if !destination.isEmpty { m["dest"] = destination }
    return .stringMap(m)
  }
}

/// `secret`: `id=x,src=path` or `id=x,env=VAR`.
public struct Secret: Sendable, Equatable {
  public var id = ""
  public var src = ""
  public var env = ""

  static func parse(_ text: String) throws(BakeError) -> Secret {
    var s = Secret()
    var type = ""
    for f in try CSV.fields(text) {
      guard let (k, v) = f.splitOnce("=") else { throw BakeError("invalid field '\(f)' must be a key=value pair") }
      switch k.lowercased() {
      case "type":
        guard v == "file" || v == "env" else { throw BakeError("unsupported secret type \(goQuote(v))") }
        type = v
      case "id": s.id = v
      case "source", "src": s.src = v
      case "env": s.env = v
      case let key: throw BakeError("unexpected key '\(key)' in '\(f)'")
      }
    }
    if type == "env", s.env.isEmpty {
      s.env = s.src
      s.src = ""
    }
    return s
  }

  /// Later definitions of an id replace earlier ones in place.
  static func normalize(_ s: [Secret]) -> [Secret] { replaceByKey(s, \.id) }

  var json: GoJSON {
    var o: [(String, GoJSON)] = []
    if !id.isEmpty { o.append(("id", .string(id))) }
    if !src.isEmpty { o.append(("src", .string(src))) }
    if !env.isEmpty { o.append(("env", .string(env))) }
    return .object(o)
  }
}

/// `ssh`: `default` or `id=path,path`.
public struct SSHKey: Sendable, Equatable {
  public var id: String
  public var paths: [String]

  static func parse(_ text: String) -> SSHKey {
    guard let (id, rest) = text.splitOnce("=") else { return SSHKey(id: text, paths: []) }
    return SSHKey(id: id, paths: rest.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
  }

  static func normalize(_ s: [SSHKey]) -> [SSHKey] { replaceByKey(s, \.id) }

  var json: GoJSON {
    var o: [(String, GoJSON)] = []
    if !id.isEmpty { o.append(("id", .string(id))) }
    if !paths.isEmpty { o.append(("paths", .array(paths.map(GoJSON.string)))) }
    return .object(o)
  }
}

/// `attest`: `type=sbom,generator=x`, `type=provenance,disabled=true`.
public struct Attest: Sendable, Equatable {
  public var type = ""
  public var disabled = false
  public var attrs: [String: String] = [:]

  static func parse(_ text: String) throws(BakeError) -> Attest {
    var a = Attest()
    for f in try CSV.fields(text) {
      guard let (k, v) = f.splitOnce("=") else { throw BakeError("invalid value \(f)") }
      switch k.lowercased().trimmingSpaces {
      case "type": a.type = v
      case "disabled":
        guard let b = parseGoBool(v) else { throw BakeError("invalid value \(f): strconv.ParseBool: parsing \(goQuote(v)): invalid syntax") }
        a.disabled = b
      default: a.attrs[k] = v
      }
    }
    if a.type.isEmpty { throw BakeError("attestation type not specified") }
    return a
  }

  static func normalize(_ s: [Attest]) -> [Attest] { replaceByKey(s, \.type) }

  var json: GoJSON {
    var o: [(String, GoJSON)] = attrs.map { ($0.key, .string($0.value)) }
    o.append(("type", .string(type)))
    if disabled { o.append(("disabled", .bool(true))) }
    return .object(o.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) })
  }
}

/// buildx's `removeDupes`: walking backwards, a later duplicate is swapped with the last element
/// and dropped, which reorders the tail exactly as buildx does.
func removeDupes<E: Equatable>(_ input: [E]) -> [E] {
  var s = input
  var i = s.count - 2
  while i >= 0 {
    for j in (i + 1)..<s.count where s[i] == s[j] {
      s.swapAt(j, s.count - 1)
      s.removeLast()
      break
    }
    i -= 1
  }
  return s
}

/// Keeps the first position of each key with the last value given for it.
func replaceByKey<E>(_ s: [E], _ key: (E) -> String) -> [E] {
  var out: [E] = []
  var index: [String: Int] = [:]
  for e in s {
    if let i = index[key(e)] { out[i] = e } else {
      index[key(e)] = out.count
      out.append(e)
    }
  }
  return out
}

/// Go's `strconv.ParseBool`.
func parseGoBool(_ s: String) -> Bool? {
  switch s {
  case "1", "t", "T", "TRUE", "true", "True": true
  case "0", "f", "F", "FALSE", "false", "False": false
  default: nil
  }
}

/// Go's `%q` for plain text (enough for error messages).
func goQuote(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    case "\r": out += "\\r"
    default: out.unicodeScalars.append(u)
    }
  }
  return out + "\""
}

extension String {
  /// Splits at the first `separator`; nil when there is none.
  func splitOnce(_ separator: Character) -> (String, String)? {
    guard let i = firstIndex(of: separator) else { return nil }
    return (String(self[..<i]), String(self[index(after: i)...]))
  }

  var trimmingSpaces: String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}

/// CSV records as Go's `encoding/csv` reads one line: comma-separated, `"` quoting with `""`.
enum CSV {
  static func fields(_ text: String, separator: Character = ",") throws(BakeError) -> [String] {
    var out: [String] = []
    var cur = ""
    var chars = Array(text)[...]
    var atStart = true
    while true {
      if atStart, chars.first == "\"" {
        chars.removeFirst()
        var closed = false
        while let c = chars.popFirst() {
          if c == "\"" {
            if chars.first == "\"" {
              chars.removeFirst()
              cur.append("\"")
            } else {
              closed = true
              break
            }
          } else {
            cur.append(c)
          }
        }
        guard closed, chars.isEmpty || chars.first == separator else {
          throw BakeError("parse error: extraneous or missing \" in quoted-field")
        }
      }
      guard let c = chars.popFirst() else { break }
      if c == separator {
        out.append(cur)
        cur = ""
        atStart = true
      } else {
        if c == "\"" { throw BakeError("parse error: bare \" in non-quoted-field") }
        cur.append(c)
        atStart = false
      }
    }
    out.append(cur)
    return out
  }
}

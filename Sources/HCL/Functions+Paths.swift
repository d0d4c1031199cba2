import Foundation
import KilnCore

extension Stdlib {
  static let paths: [String: Function] = [
    "basename": fn([P("path", .string)]) { a throws(FunctionError) in .string(pathBase(a[0].s)) },
    "dirname": fn([P("path", .string)]) { a throws(FunctionError) in .string(pathDir(a[0].s)) },
    "homedir": fn([]) { _ throws(FunctionError) in
      .string(ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory())
    },
    "sanitize": fn([P("name", .string)]) { a throws(FunctionError) in
      .string(String(a[0].s.unicodeScalars.map { u -> Character in
        switch u {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "-": Character(u)
        default: "_"
        }
      }))
    },
  ]
}

/// Go's path.Base.
func pathBase(_ p: String) -> String {
  if p.isEmpty { return "." }
  var s = Substring(p)
  while s.count > 1, s.hasSuffix("/") { s = s.dropLast() }
  if s == "/" { return "/" }
  if let i = s.lastIndex(of: "/") { s = s[s.index(after: i)...] }
  return s.isEmpty ? "/" : String(s)
}

/// Go's path.Dir.
func pathDir(_ p: String) -> String {
  guard let i = p.lastIndex(of: "/") else { return "." }
  return GoPath.clean(String(p[...i]))
}

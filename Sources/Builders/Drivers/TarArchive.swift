import Foundation

/// A minimal ustar writer: regular files and their parent directories,
/// owned by root, for `PUT /containers/{id}/archive`.
enum TarArchive {
  static func make(files: [String: Data], mode: Int = 0o644) -> [UInt8] {
    var out: [UInt8] = []
    var directories: Set<String> = []
    for path in files.keys.sorted() {
      var parts = path.split(separator: "/").dropLast()
      var prefix = ""
      while let part = parts.first {
        parts = parts.dropFirst()
        prefix += part + "/"
        if directories.insert(prefix).inserted { out += header(name: prefix, size: 0, mode: 0o755, type: "5") }
      }
      let data = files[path] ?? Data()
      out += header(name: path, size: data.count, mode: mode, type: "0")
      out += data
      out += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }
    return out + [UInt8](repeating: 0, count: 1024)
  }

  private static func header(name: String, size: Int, mode: Int, type: Character) -> [UInt8] {
    var block = [UInt8](repeating: 0, count: 512)
    func put(_ text: String, at offset: Int, width: Int) {
      for (i, byte) in text.utf8.prefix(width).enumerated() { block[offset + i] = byte }
    }
    func octal(_ value: Int, width: Int) -> String {
      let digits = String(value, radix: 8)
      return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
    }
    var name = name
    var prefix = ""
    if name.utf8.count > 100, let slash = name.dropLast().lastIndex(of: "/") {
      prefix = String(name[..<slash])
      name = String(name[name.index(after: slash)...])
    }
    put(name, at: 0, width: 100)
    put(octal(mode, width: 8), at: 100, width: 8)
    put(octal(0, width: 8), at: 108, width: 8)
    put(octal(0, width: 8), at: 116, width: 8)
    put(octal(size, width: 12), at: 124, width: 12)
    put(octal(Int(Date().timeIntervalSince1970), width: 12), at: 136, width: 12)
    put("        ", at: 148, width: 8)
    put(String(type), at: 156, width: 1)
    put("ustar", at: 257, width: 6)
    put("00", at: 263, width: 2)
    put(prefix, at: 345, width: 155)
    let sum = block.reduce(0) { $0 + Int($1) }
    put(octal(sum, width: 7) + "\0", at: 148, width: 8)
    return block
  }
}

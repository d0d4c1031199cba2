public import KilnCore

extension BuildPlan {
  /// `--annotation` values as buildx's exporter attributes: `key=v` →
  /// `annotation.key`; `manifest[linux/amd64],index:key=v` →
  /// `annotation-manifest[linux/amd64].key` and `annotation-index.key`.
  public static func annotationAttributes(_ values: [String]) throws(KilnError) -> [String: String] {
    var out: [String: String] = [:]
    for text in values where !text.isEmpty {
      guard let eq = text.firstIndex(of: "=") else {
        throw KilnError(.invalidArgument, "invalid annotation \"\(text)\", expected key=value")
      }
      let key = String(text[..<eq])
      let value = String(text[text.index(after: eq)...])
      guard let colon = key.firstIndex(of: ":") else {
        out["annotation." + key] = value
        continue
      }
      let name = String(key[key.index(after: colon)...])
      for typeAndPlatform in key[..<colon].split(separator: ",", omittingEmptySubsequences: false) {
        let type = typeAndPlatform.prefix { $0 != "[" }
        guard ["", "index", "index-descriptor", "manifest", "manifest-descriptor"].contains(String(type)) else {
          throw KilnError(.invalidArgument, "unknown annotation type \"\(type)\"")
        }
        let platform = typeAndPlatform.dropFirst(type.count)
        guard platform.isEmpty || (platform.hasPrefix("[") && platform.hasSuffix("]")) else {
          throw KilnError(
            .invalidArgument, "invalid annotation type \"\(typeAndPlatform)\", expected type and optional platform in square brackets")
        }
        out["annotation" + (type.isEmpty ? "" : "-" + type) + platform + "." + name] = value
      }
    }
    return out
  }

  /// Whether attributes hold an index annotation, which a single-platform
  /// image (all the engine's BuildKit v0.8 makes) cannot carry.
  static func hasIndexAnnotation(_ attributes: [String: String]) -> Bool {
    attributes.keys.contains { $0.hasPrefix("annotation-index.") || $0.hasPrefix("annotation-index[") || $0.hasPrefix("annotation-index-descriptor") }
  }
}

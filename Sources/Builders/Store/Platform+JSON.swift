import KilnCore

extension Platform {
  /// ocispecs.Platform's JSON: `architecture` and `os` always, the rest
  /// only when set (`omitempty`).
  var json: GoJSON {
    var members = [GoJSONMember("architecture", .string(architecture)), GoJSONMember("os", .string(os))]
    if !osVersion.isEmpty { members.append(GoJSONMember("os.version", .string(osVersion))) }
    if !osFeatures.isEmpty { members.append(GoJSONMember("os.features", .array(osFeatures.map { .string($0) }))) }
    if !variant.isEmpty { members.append(GoJSONMember("variant", .string(variant))) }
    return .object(members)
  }

  init(json: GoJSON, path: String) throws(GoJSONShapeError) {
    let fields = try GoJSONFields(json, path: path)
    self.init(
      os: try fields.string("os"),
      architecture: try fields.string("architecture"),
      variant: try fields.string("variant"),
      osVersion: try fields.string("os.version"),
      osFeatures: try fields.strings("os.features")
    )
  }
}

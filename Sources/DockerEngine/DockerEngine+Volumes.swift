import KilnCore

/// Volumes: create, inspect, remove.
extension DockerEngine {
  public struct Volume: Decodable, Sendable {
    public var name: String
    public var mountpoint: String?
    enum CodingKeys: String, CodingKey { case name = "Name", mountpoint = "Mountpoint" }
  }

  @discardableResult
  public func createVolume(name: String) async throws -> Volume {
    struct Request: Encodable { var Name: String }
    return try await call("POST", "/volumes/create", json: Request(Name: name), as: Volume.self)
  }

  /// The volume, or nil when there is none of that name.
  public func inspectVolume(_ name: String) async throws -> Volume? {
    do {
      return try await call("GET", "/volumes/\(Self.pathComponent(name))", as: Volume.self)
    } catch let error as KilnError where error.code == .notFound {
      return nil
    }
  }

  public func removeVolume(_ name: String, force: Bool = false) async throws {
    try await call("DELETE", "/volumes/\(Self.pathComponent(name))", query: [("force", String(force))])
  }
}

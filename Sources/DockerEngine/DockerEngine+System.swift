import KilnCore

/// The engine itself and its images.
extension DockerEngine {
  public struct Info: Decodable, Sendable {
    public var name: String?
    public var cgroupDriver: String?
    public var securityOptions: [String]?
    public var osType: String?
    public var architecture: String?
    enum CodingKeys: String, CodingKey {
      case name = "Name", cgroupDriver = "CgroupDriver", securityOptions = "SecurityOptions"
      case osType = "OSType", architecture = "Architecture"
    }
  }

  public struct Version: Decodable, Sendable {
    public var version: String
    public var apiVersion: String
    enum CodingKeys: String, CodingKey { case version = "Version", apiVersion = "ApiVersion" }
  }

  public struct Image: Decodable, Sendable {
    public var id: String
    public var repoTags: [String]?
    enum CodingKeys: String, CodingKey { case id = "Id", repoTags = "RepoTags" }
  }

  public func info() async throws -> Info { try await call("GET", "/info", as: Info.self) }

  public func version() async throws -> Version { try await call("GET", "/version", as: Version.self) }

  /// The image, or nil when the engine does not have it.
  public func inspectImage(_ reference: String) async throws -> Image? {
    do {
      // Image names contain '/' and ':', which the engine expects unescaped.
      return try await call("GET", "/images/\(reference)/json", as: Image.self)
    } catch let error as KilnError where error.code == .notFound {
      return nil
    }
  }
}

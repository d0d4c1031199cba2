import KilnCore

/// Containers: create, inspect, start, stop, remove.
extension DockerEngine {
  /// Creates a container named `name`; returns its ID.
  @discardableResult
  public func createContainer(name: String, config: ContainerConfig) async throws -> String {
    struct Created: Decodable { var Id: String }
    return try await call("POST", "/containers/create", query: [("name", name)], json: config, as: Created.self).Id
  }

  /// The container's details, or nil when there is no such container.
  public func inspectContainer(_ name: String) async throws -> ContainerDetails? {
    do {
      return try await call("GET", "/containers/\(Self.pathComponent(name))/json", as: ContainerDetails.self)
    } catch let error as KilnError where error.code == .notFound {
      return nil
    }
  }

  public func startContainer(_ name: String) async throws {
    // 304 (already started) is success.
    let response = try await send("POST", "/containers/\(Self.pathComponent(name))/start")
    guard (200..<300).contains(response.status) || response.status == 304 else {
      throw Self.failure(response, method: "POST", path: "/containers/\(name)/start")
    }
  }

  public func stopContainer(_ name: String, timeoutSeconds: Int? = nil) async throws {
    let query = timeoutSeconds.map { [("t", String($0))] } ?? []
    let response = try await send("POST", "/containers/\(Self.pathComponent(name))/stop", query: query)
    guard (200..<300).contains(response.status) || response.status == 304 else {
      throw Self.failure(response, method: "POST", path: "/containers/\(name)/stop")
    }
  }

  /// Removes the container; `volumes` also removes its anonymous volumes.
  public func removeContainer(_ name: String, force: Bool = false, volumes: Bool = false) async throws {
    try await call("DELETE", "/containers/\(Self.pathComponent(name))", query: [("force", String(force)), ("v", String(volumes))])
  }

  /// Copies a tar archive into the container, unpacked at `path`.
  public func copyToContainer(_ name: String, path: String, tar: [UInt8]) async throws {
    try await call("PUT", "/containers/\(Self.pathComponent(name))/archive", query: [("path", path)], body: tar, contentType: "application/x-tar")
  }

  static func pathComponent(_ name: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
  }
}

import Foundation

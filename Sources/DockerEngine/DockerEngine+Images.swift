import Foundation
import KilnCore

/// Images: push to a registry, ask a registry for a digest, load a tarball.
extension DockerEngine {
  /// `repository[:tag]` split as the engine's push endpoint wants it (the
  /// tag is after the last `:` that follows the last `/`).
  static func splitReference(_ reference: String) -> (repository: String, tag: String?) {
    let withoutDigest = reference.split(separator: "@", maxSplits: 1).first.map(String.init) ?? reference
    guard let colon = withoutDigest.lastIndex(of: ":"),
          withoutDigest[colon...].contains("/") == false else { return (withoutDigest, nil) }
    return (String(withoutDigest[..<colon]), String(withoutDigest[withoutDigest.index(after: colon)...]))
  }

  /// `POST /images/{name}/push`: `registryAuth` is the `X-Registry-Auth`
  /// value (base64url JSON; `e30=` for none). The engine reports failures
  /// inside its 200 JSON stream, so the stream is read for `error`.
  /// Returns the JSON progress messages' `status` lines.
  @discardableResult
  public func pushImage(_ reference: String, registryAuth: String) async throws -> [String] {
    let (repository, tag) = Self.splitReference(reference)
    let response = try await call(
      "POST", "/images/\(repository)/push", query: tag.map { [("tag", $0)] } ?? [],
      headers: [("X-Registry-Auth", registryAuth)])
    return try Self.jsonStream(response.body, what: "push of \(reference)")
  }

  /// `POST /images/load` with a docker (or, on newer engines, OCI) image
  /// tarball, streamed from the file. Returns the engine's messages
  /// (`Loaded image: NAME`).
  @discardableResult
  public func loadImage(tarballAt path: String) async throws -> [String] {
    let response = try await call("POST", "/images/load", query: [("quiet", "1")], contentType: "application/x-tar", bodyFile: path)
    return try Self.jsonStream(response.body, what: "image load")
  }

  /// `GET /distribution/{name}/json`: the digest the registry holds for `reference`.
  public func distributionDigest(_ reference: String, registryAuth: String) async throws -> String {
    struct Answer: Decodable {
      struct Descriptor: Decodable { var digest: String }
      var Descriptor: Descriptor
    }
    let response = try await call("GET", "/distribution/\(reference)/json", headers: [("X-Registry-Auth", registryAuth)])
    return try Self.decode(response, as: Answer.self, method: "GET", path: "/distribution").Descriptor.digest
  }

  /// The engine's JSON message stream: `status`/`stream` texts, or the first `error`.
  static func jsonStream(_ body: [UInt8], what: String) throws -> [String] {
    struct Message: Decodable { var status: String?; var stream: String?; var error: String? }
    var out: [String] = []
    for line in body.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
      guard let message = try? JSONDecoder().decode(Message.self, from: Data(line)) else { continue }
      if let error = message.error { throw KilnError(.daemon, error) }
      if let text = message.status ?? message.stream { out.append(text) }
    }
    return out
  }
}

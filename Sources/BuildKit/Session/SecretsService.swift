import Foundation
import GRPCCore
import KilnCore

/// A secret offered to the build (`--secret id=x,src=file` or `id=x,env=VAR`).
public struct SecretSource: Sendable, Equatable {
  public enum Origin: Sendable, Equatable {
    case file(String)
    case environment(String)
  }
  public var id: String
  public var origin: Origin
  public init(id: String, origin: Origin) {
    self.id = id
    self.origin = origin
  }

  /// Parses buildx's `--secret` value: `id=`, `type=file|env`, `src=`/`source=`, `env=`.
  public static func parse(_ text: String) throws -> SecretSource {
    var fields: [String: String] = [:]
    for field in text.split(separator: ",") {
      let pair = field.split(separator: "=", maxSplits: 1)
      guard pair.count == 2 else { throw KilnError(.invalidArgument, "invalid field \"\(field)\" in --secret \(text): use key=value") }
      fields[pair[0].lowercased()] = String(pair[1])
    }
    guard let id = fields["id"], !id.isEmpty else {
      throw KilnError(.invalidArgument, "--secret \(text) has no id")
    }
    let source = fields["src"] ?? fields["source"]
    switch fields["type"] {
    case "env":
      return SecretSource(id: id, origin: .environment(fields["env"] ?? source ?? id))
    case "file":
      return SecretSource(id: id, origin: .file(source ?? id))
    case nil:
      if let env = fields["env"] { return SecretSource(id: id, origin: .environment(env)) }
      if let source { return SecretSource(id: id, origin: .file(source)) }
      // buildx: a bare id names an environment variable.
      return SecretSource(id: id, origin: .environment(id))
    case let other?:
      throw KilnError(.invalidArgument, "unsupported secret type \"\(other)\" in --secret \(text): use file or env")
    }
  }
}

/// `moby.buildkit.secrets.v1.Secrets`: values are read when the daemon asks,
/// so a secret is in memory only while it is being sent.
struct SecretsService: Moby_Buildkit_Secrets_V1_Secrets.SimpleServiceProtocol {
  let secrets: [String: SecretSource.Origin]
  let environment: [String: String]

  func getSecret(request: Moby_Buildkit_Secrets_V1_GetSecretRequest, context: ServerContext) async throws -> Moby_Buildkit_Secrets_V1_GetSecretResponse {
    var response = Moby_Buildkit_Secrets_V1_GetSecretResponse()
    switch secrets[request.id] {
    case .file(let path)?:
      guard let data = FileManager.default.contents(atPath: path) else {
        throw RPCError(code: .notFound, message: "secret \(request.id): cannot read \(path)")
      }
      response.data = data
    case .environment(let name)?:
      guard let value = environment[name] else {
        throw RPCError(code: .notFound, message: "secret \(request.id): environment variable \(name) is not set")
      }
      response.data = Data(value.utf8)
    case nil:
      throw RPCError(code: .notFound, message: "secret \(request.id) not found")
    }
    return response
  }
}

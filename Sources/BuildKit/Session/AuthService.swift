import GRPCCore

/// `moby.filesync.v1.Auth`: registry credentials for the daemon's pulls and
/// pushes, read from the Docker configuration when asked (so a credential
/// helper runs only for the hosts the build touches).
///
/// Token fetching and token authorities are left to the daemon (answered
/// Unimplemented, and not announced): it then fetches tokens itself with
/// the credentials given here.
struct AuthService: Moby_Filesync_V1_Auth.SimpleServiceProtocol {
  let credentials: RegistryCredentials

  /// The methods announced in the session headers.
  static let methods = ["/moby.filesync.v1.Auth/Credentials"]

  func credentials(request: Moby_Filesync_V1_CredentialsRequest, context: ServerContext) async throws -> Moby_Filesync_V1_CredentialsResponse {
    let entry: RegistryCredentials.Entry
    do {
      entry = try await credentials.lookup(RegistryCredentials.authHost(forRegistry: request.host))
    } catch {
      throw RPCError(code: .unknown, message: "\(error)")
    }
    var response = Moby_Filesync_V1_CredentialsResponse()
    if !entry.identityToken.isEmpty {
      response.secret = entry.identityToken
    } else {
      response.username = entry.username
      response.secret = entry.password
    }
    return response
  }

  func fetchToken(request: Moby_Filesync_V1_FetchTokenRequest, context: ServerContext) async throws -> Moby_Filesync_V1_FetchTokenResponse {
    throw RPCError(code: .unimplemented, message: "FetchToken is not served: the daemon fetches tokens itself")
  }

  func getTokenAuthority(request: Moby_Filesync_V1_GetTokenAuthorityRequest, context: ServerContext) async throws -> Moby_Filesync_V1_GetTokenAuthorityResponse {
    throw RPCError(code: .unimplemented, message: "token authorities are not served")
  }

  func verifyTokenAuthority(request: Moby_Filesync_V1_VerifyTokenAuthorityRequest, context: ServerContext) async throws -> Moby_Filesync_V1_VerifyTokenAuthorityResponse {
    throw RPCError(code: .unimplemented, message: "token authorities are not served")
  }
}

import GRPCCore

/// `grpc.health.v1.Health`: BuildKit checks every second and drops a session
/// whose check fails in any way, so this must always answer SERVING.
struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
  func check(request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext) async throws -> Grpc_Health_V1_HealthCheckResponse {
    var response = Grpc_Health_V1_HealthCheckResponse()
    response.status = .serving
    return response
  }

  func list(request: Grpc_Health_V1_HealthListRequest, context: ServerContext) async throws -> Grpc_Health_V1_HealthListResponse {
    throw RPCError(code: .unimplemented, message: "list is not served")
  }

  func watch(
    request: Grpc_Health_V1_HealthCheckRequest,
    response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
    context: ServerContext
  ) async throws {
    throw RPCError(code: .unimplemented, message: "watch is not served")
  }
}

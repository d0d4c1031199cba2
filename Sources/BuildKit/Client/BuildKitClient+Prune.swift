import GRPCCore
import KilnCore

/// What `prune` removes: buildx's `PruneInfo`.
public struct PruneOptions: Sendable, Equatable {
  public var all: Bool
  public var filters: [String]
  /// Keep records used within this many nanoseconds (`--filter until=24h`).
  public var keepDurationNanoseconds: Int64
  public var reservedSpace: Int64
  public var maxUsedSpace: Int64
  public var minFreeSpace: Int64

  public init(all: Bool = false, filters: [String] = [], keepDurationNanoseconds: Int64 = 0, reservedSpace: Int64 = 0, maxUsedSpace: Int64 = 0, minFreeSpace: Int64 = 0) {
    self.all = all
    self.filters = filters
    self.keepDurationNanoseconds = keepDurationNanoseconds
    self.reservedSpace = reservedSpace
    self.maxUsedSpace = maxUsedSpace
    self.minFreeSpace = minFreeSpace
  }
}

extension BuildKitClient {
  /// Removes cache records; `onRecord` sees each removed record as the daemon reports it.
  public func prune(_ options: PruneOptions, onRecord: @escaping @Sendable (CacheRecord) -> Void) async throws {
    var request = Moby_Buildkit_V1_PruneRequest()
    request.all = options.all
    request.filter = options.filters
    request.keepDuration = options.keepDurationNanoseconds
    // Field 3 was `keepBytes` before BuildKit v0.17, so old daemons read it too.
    request.reservedSpace = options.reservedSpace
    request.maxUsedSpace = options.maxUsedSpace
    request.minFreeSpace = options.minFreeSpace
    do {
      try await control.prune(request, options: self.options) { response in
        for try await record in response.messages { onRecord(CacheRecord(record)) }
      }
    } catch {
      throw failure("prune", error)
    }
  }
}

public import KilnCore

/// A BuildKit worker: what `buildctl debug workers` lists.
public struct WorkerInfo: Sendable, Equatable {
  public var id: String
  public var labels: [String: String]
  public var platforms: [Platform]
  public var gcPolicies: [GCPolicy]
  /// Reported by BuildKit ≥ 0.11; empty for older daemons.
  public var buildkitVersion: BuildKitVersion?

  public struct GCPolicy: Sendable, Equatable {
    public var all: Bool
    public var filters: [String]
    public var keepDuration: Int64
    public var reservedSpace: Int64
    public var maxUsedSpace: Int64
    public var minFreeSpace: Int64
  }
}

/// The daemon's own version report.
public struct BuildKitVersion: Sendable, Equatable {
  public var package: String
  public var version: String
  public var revision: String
}

extension BuildKitClient {
  /// The daemon's workers, optionally filtered (`--filter`).
  public func listWorkers(filters: [String] = []) async throws -> [WorkerInfo] {
    var request = Moby_Buildkit_V1_ListWorkersRequest()
    request.filter = filters
    do {
      let response = try await control.listWorkers(request, options: options)
      return response.record.map(WorkerInfo.init)
    } catch {
      throw failure("list workers", error)
    }
  }

  /// The daemon's version, or `nil` for daemons without `Control.Info`
  /// (the engine's BuildKit v0.8 answers it as unimplemented).
  public func version() async throws -> BuildKitVersion? {
    do {
      let response = try await control.info(Moby_Buildkit_V1_InfoRequest(), options: options)
      return response.hasBuildkitVersion ? BuildKitVersion(response.buildkitVersion) : nil
    } catch {
      let failure = failure("info", error)
      if failure.code == .unsupported { return nil }
      throw failure
    }
  }
}

extension WorkerInfo {
  init(_ record: Moby_Buildkit_V1_Types_WorkerRecord) {
    self.init(
      id: record.id,
      labels: record.labels,
      platforms: record.platforms.map {
        Platform(os: $0.os, architecture: $0.architecture, variant: $0.variant, osVersion: $0.osversion, osFeatures: $0.osfeatures)
      },
      gcPolicies: record.gcpolicy.map {
        GCPolicy(all: $0.all, filters: $0.filters, keepDuration: $0.keepDuration, reservedSpace: $0.reservedSpace, maxUsedSpace: $0.maxUsedSpace, minFreeSpace: $0.minFreeSpace)
      },
      buildkitVersion: record.hasBuildkitVersion ? BuildKitVersion(record.buildkitVersion) : nil
    )
  }
}

extension BuildKitVersion {
  init(_ version: Moby_Buildkit_V1_Types_BuildkitVersion) {
    self.init(package: version.package, version: version.version, revision: version.revision)
  }
}

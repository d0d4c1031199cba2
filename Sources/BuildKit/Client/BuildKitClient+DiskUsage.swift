public import Foundation
import KilnCore
import SwiftProtobuf

/// One build cache record, as `buildctl du` and `docker buildx du` show it.
public struct CacheRecord: Sendable, Equatable {
  public var id: String
  public var parents: [String]
  public var recordType: String
  public var description: String
  public var mutable: Bool
  public var inUse: Bool
  public var shared: Bool
  public var size: Int64
  public var createdAt: Date?
  public var lastUsedAt: Date?
  public var usageCount: Int64

  public var reclaimable: Bool { !inUse }
}

extension BuildKitClient {
  /// The daemon's cache records, filtered as buildx's `--filter` does.
  public func diskUsage(filters: [String] = []) async throws -> [CacheRecord] {
    var request = Moby_Buildkit_V1_DiskUsageRequest()
    request.filter = filters
    do {
      let response = try await control.diskUsage(request, options: options)
      return response.record.map(CacheRecord.init)
    } catch {
      throw failure("disk usage", error)
    }
  }
}

extension CacheRecord {
  init(_ record: Moby_Buildkit_V1_UsageRecord) {
    // BuildKit v0.8 sends `parent`; later versions send `parents`.
    let parents = record.parents.isEmpty ? (record.parent.isEmpty ? [] : [record.parent]) : record.parents
    self.init(
      id: record.id,
      parents: parents,
      recordType: record.recordType,
      description: record.description_p,
      mutable: record.mutable,
      inUse: record.inUse,
      shared: record.shared,
      size: record.size,
      createdAt: record.hasCreatedAt ? record.createdAt.date : nil,
      lastUsedAt: record.hasLastUsedAt ? record.lastUsedAt.date : nil,
      usageCount: record.usageCount
    )
  }
}

#if canImport(FoundationEssentials)
  public import FoundationEssentials
#else
  public import Foundation
#endif

/// One-shot operations, each in its own transaction. A read-modify-write
/// (load, change, save) must instead run inside one `withTransaction`, or
/// another process may write in between.
extension Store {
  public func list() async throws -> NodeGroupListing {
    try await withTransaction { try $0.list() }
  }

  public func nodeGroup(named name: String) async throws -> NodeGroup {
    try await withTransaction { try $0.nodeGroup(named: name) }
  }

  public func save(_ nodeGroup: NodeGroup) async throws {
    try await withTransaction { try $0.save(nodeGroup) }
  }

  @discardableResult
  public func remove(named name: String) async throws -> Bool {
    try await withTransaction { try $0.remove(named: name) }
  }

  public func setCurrent(key: String, name: String, global: Bool, default isDefault: Bool) async throws {
    try await withTransaction { try $0.setCurrent(key: key, name: name, global: global, default: isDefault) }
  }

  public func current(key: String) async throws -> NodeGroup? {
    try await withTransaction { try $0.current(key: key) }
  }

  public func updateLastActivity(of nodeGroup: NodeGroup, at date: Date = Date()) async throws {
    try await withTransaction { try $0.updateLastActivity(of: nodeGroup, at: date) }
  }

  public func lastActivity(of name: String) async throws -> Date? {
    try await withTransaction { try $0.lastActivity(of: name) }
  }
}

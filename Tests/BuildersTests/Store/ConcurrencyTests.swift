import KilnCore
import Testing

@testable import Builders

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Many writers at once: each saves its own builder and appends a node to
/// one shared builder. The append is a read-modify-write, so any gap in
/// the locking loses nodes; torn writes would show up as damaged files.
@Suite struct ConcurrencyTests {
  static let writers = 20

  /// One writer's transaction. The yield between read and write invites
  /// interleaving, and shows the lock is held across suspension points.
  static func write(_ i: Int, in tx: StoreTransaction) async throws {
    try tx.save(NodeGroup(name: "w\(i)", driver: "remote", nodes: [NodeGroup.Node(name: "w\(i)0", endpoint: "tcp://w\(i):1234")]))
    var shared = try tx.nodeGroupIfPresent(named: "shared") ?? NodeGroup(name: "shared", driver: "remote")
    await Task.yield()
    try shared.update(NodeUpdate(endpoint: "tcp://host\(i):1234", endpointIsSet: true, append: true))
    try tx.save(shared)
  }

  static func checkAllPresent(_ t: TemporaryStore, extra: [String] = []) async throws {
    let listing = try await t.store.list()
    #expect(listing.failures.isEmpty, "\(listing.failures)")
    let expected = (["shared"] + (0..<writers).map { "w\($0)" } + extra).sorted()
    #expect(listing.nodeGroups.map(\.name) == expected)
    let shared = try #require(listing.nodeGroups.first { $0.name == "shared" })
    #expect(shared.nodes.count == writers)
    #expect(Set(shared.nodes.map(\.endpoint)).count == writers)
    #expect(try t.entries("instances").allSatisfy { !$0.hasPrefix(".tmp-") })
  }

  @Test func concurrentTasks() async throws {
    try await TemporaryStore.with { t async throws in
      try await withThrowingDiscardingTaskGroup { group in
        for i in 0..<Self.writers {
          group.addTask { try await t.store.withTransaction { tx async throws in try await Self.write(i, in: tx) } }
        }
      }
      try await Self.checkAllPresent(t)
    }
  }

  /// The blocking entry point: each writer waits in flock(2) on its own
  /// descriptor, which excludes the others even within one process.
  @Test func concurrentBlockingWriters() async throws {
    try await TemporaryStore.with { t async throws in
      try await withThrowingDiscardingTaskGroup { group in
        for i in 0..<Self.writers {
          group.addTask {
            try t.store.transaction { tx throws in
              try tx.save(NodeGroup(name: "w\(i)", driver: "remote", nodes: [NodeGroup.Node(name: "w\(i)0", endpoint: "tcp://w\(i):1234")]))
              var shared = try tx.nodeGroupIfPresent(named: "shared") ?? NodeGroup(name: "shared", driver: "remote")
              try shared.update(NodeUpdate(endpoint: "tcp://host\(i):1234", endpointIsSet: true, append: true))
              try tx.save(shared)
            }
          }
        }
      }
      try await Self.checkAllPresent(t)
    }
  }

  @Test func nestedTransactionsJoinTheEnclosingOne() async throws {
    try await TemporaryStore.with { t async throws in
      try await t.store.withTransaction { outer async throws in
        try outer.save(NodeGroup(name: "a", driver: "docker"))
        try await t.store.withTransaction { inner async throws in try inner.save(NodeGroup(name: "b", driver: "docker")) }
        try t.store.transaction { inner throws in try inner.save(NodeGroup(name: "c", driver: "docker")) }
      }
      #expect(try await t.store.list().nodeGroups.map(\.name) == ["a", "b", "c"])
    }
  }

  @Test func waitingForTheLockEndsOnCancellation() async throws {
    try await TemporaryStore.with { t async throws in
      try t.store.prepareLayout()
      // Held as another process would hold it: not through this task's transaction.
      let held = try StoreLock.acquireBlocking(path: t.store.lockPath, owner: nil)
      defer { held.release() }
      let outcome = await withTaskGroup(of: (any Error)?.self) { group in
        group.addTask {
          do {
            try await t.store.withTransaction { _ async throws in }
            return nil
          } catch {
            return error
          }
        }
        try? await Task.sleep(for: .milliseconds(100))
        group.cancelAll()
        return await group.next() ?? nil
      }
      #expect(outcome is CancellationError)
    }
  }

  /// Other processes holding the same lock through flock(1), as buildx
  /// would: each copies the shared builder aside and, after a pause, puts
  /// the copy back. Were our lock not honoured across processes, those
  /// stale copies would overwrite nodes our writers added meanwhile.
  @Test(.enabled(if: access("/usr/bin/flock", X_OK) == 0 && access("/bin/sh", X_OK) == 0))
  func concurrentProcesses() async throws {
    try await TemporaryStore.with { t async throws in
      try await t.store.save(NodeGroup(name: "shared", driver: "remote"))
      let root = t.root
      let script = """
        i="$1"; d="$2/instances"
        cp "$d/shared" "$d/.tmp-stale$i" && sleep 0.02 && mv "$d/.tmp-stale$i" "$d/shared" || exit 1
        printf '{"Name":"proc%s","Driver":"remote","Nodes":null,"Dynamic":false}' "$i" > "$d/.tmp-proc$i" && mv "$d/.tmp-proc$i" "$d/proc$i"
        """
      var pids: [pid_t] = []
      for i in 0..<Self.writers {
        pids.append(try spawn(["/usr/bin/flock", root + "/.lock", "/bin/sh", "-c", script, "sh", "\(i)", root]))
      }
      // Spread our writers over the time the processes hold the lock.
      try await withThrowingDiscardingTaskGroup { group in
        for i in 0..<Self.writers {
          group.addTask {
            try await Task.sleep(for: .milliseconds(15 * i))
            try await t.store.withTransaction { tx async throws in try await Self.write(i, in: tx) }
          }
        }
      }
      for pid in pids { #expect(waitForExit(pid) == 0) }
      try await Self.checkAllPresent(t, extra: (0..<Self.writers).map { "proc\($0)" })
    }
  }
}

private func spawn(_ arguments: [String]) throws -> pid_t {
  var pid = pid_t()
  let argv = arguments.map { strdup($0) } + [nil]
  defer { for pointer in argv { free(pointer) } }
  let result = posix_spawn(&pid, arguments[0], nil, nil, argv, environ)
  guard result == 0 else {
    throw KilnError(
      .process, "cannot start \(arguments[0])", underlying: SystemCallError(call: "posix_spawn", path: arguments[0], errno: result))
  }
  return pid
}

/// The raw wait status; 0 means the child exited with status 0.
private func waitForExit(_ pid: pid_t) -> Int32 {
  var status: Int32 = 0
  while waitpid(pid, &status, 0) < 0 {
    if errno != EINTR { return -1 }
  }
  return status
}

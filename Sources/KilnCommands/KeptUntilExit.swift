import Synchronization

/// Values a short-lived command keeps until the process exits, so it does not
/// spend its last moments freeing large graphs piece by piece (the way
/// compilers skip freeing their ASTs). Statics are never torn down at exit.
enum KeptUntilExit {
  private static let kept = Mutex<[any Sendable]>([])

  static func keep(_ value: any Sendable) {
    kept.withLock { $0.append(value) }
  }
}

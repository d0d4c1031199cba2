import Bake
import Build
import Foundation
import KilnCore
import Progress

/// `kiln bake` building: every selected target at once on one node, as `docker buildx bake` does,
/// with one combined progress display. The first failure cancels the other builds.
struct BakeBuild {
  let requests: [BakeBuildRequest]
  let plans: [BuildPlan]

  /// Maps every target and plans its build before anything runs, so a bad value in any target
  /// fails the command before a solve starts (buildx prepares all options first too).
  init(
    _ resolved: Resolved, environment: Environment, onEngine: Bool, defaultLoad: Bool = false,
    currentDirectory: String = FileManager.default.currentDirectoryPath
  ) throws {
    var requests: [BakeBuildRequest] = []
    for name in resolved.targets.keys.sorted() {
      guard let target = resolved.targets[name] else { continue }
      requests.append(try BakeBuildRequest(name: name, target: target, currentDirectory: currentDirectory))
    }
    for request in requests {
      // buildx passes a linked target's result to its dependents through the gateway API
      // (frontend inputs), which Kiln does not speak yet; see docs/BUILD.md.
      if let (context, linked) = request.linkedTargets.min(by: { $0.key < $1.key }) {
        throw KilnError(
          .unsupported,
          "target \(request.name): context \(context)=target:\(linked) needs BuildKit's gateway API to pass one target's result to another, which Kiln does not implement yet"
        )
      }
    }
    self.requests = requests
    plans = try requests.map { request in
      var flags = request.flags
      flags.defaultLoad = defaultLoad
      return try BuildPlan(flags: flags, contextPath: request.contextPath, environment: environment, currentDirectory: currentDirectory, onEngine: onEngine)
    }
  }

  /// Runs every build concurrently; returns each target's result by name.
  func run(on node: BuildNode, environment: Environment, sink: ProgressSink) async throws -> [String: BuildResult] {
    let multiTarget = plans.count > 1
    let jobs = Array(zip(requests.map(\.name), plans))
    return try await withThrowingTaskGroup(of: (String, BuildResult).self) { group in
      for (name, plan) in jobs {
        group.addTask {
          do {
            let result = try await BuildRunner.run(plan, on: node, environment: environment) { update in
              sink.receive(multiTarget ? Self.prefixed(update, name) : update, source: name)
            }
            return (name, result)
          } catch {
            // buildx names the failing target when several build.
            guard multiTarget else { throw error }
            throw KilnError((error as? KilnError)?.code ?? .daemon, "target \(name)", underlying: error)
          }
        }
      }
      // The first error leaves this body, which cancels the remaining builds.
      var results: [String: BuildResult] = [:]
      for try await (name, result) in group { results[name] = result }
      return results
    }
  }

  /// buildx's `[target] name` prefix on vertex names (`[internal] x` becomes `[target internal] x`).
  static func prefixed(_ update: StatusUpdate, _ target: String) -> StatusUpdate {
    var out = update
    for i in out.vertexes.indices {
      let name = out.vertexes[i].name
      out.vertexes[i].name = name.hasPrefix("[") ? "[" + target + " " + name.dropFirst() : "[" + target + "] " + name
    }
    return out
  }

  /// buildx's bake metadata: an object keyed by target, each that build's
  /// metadata, and (with BUILDX_METADATA_WARNINGS) `buildx.build.warnings`
  /// beside the targets.
  static func metadataJSON(_ results: [String: BuildResult], warnings: [StatusUpdate.Warning] = []) throws -> Data {
    var out: [String: Any] = results.mapValues { BuildPlan.metadata($0.response, ref: $0.ref) }
    if !warnings.isEmpty { out["buildx.build.warnings"] = warnings.map(BuildPlan.warningJSON) }
    return try JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
  }

  static func writeMetadata(_ results: [String: BuildResult], warnings: [StatusUpdate.Warning] = [], to path: String) throws {
    let data = try metadataJSON(results, warnings: warnings)
    do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
      throw KilnError(.io, "cannot write the metadata file \(path)", underlying: error)
    }
  }
}

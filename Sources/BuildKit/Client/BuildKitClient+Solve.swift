import Foundation
import GRPCCore
import KilnCore
public import Progress
import SwiftProtobuf

/// An exporter for a solve: `moby` (the engine's image store), `image`, `local`, `tar`, ...
public struct ExportSpec: Sendable, Equatable {
  public var type: String
  public var attrs: [String: String]
  /// For `oci`/`docker` with `tar=false`: the OCI layout directory the
  /// exporter writes through the session's `export` content store (not sent).
  public var layoutDirectory: String?
  public init(type: String, attrs: [String: String] = [:]) {
    self.type = type
    self.attrs = attrs
  }
}

/// A cache import or export (`--cache-from`, `--cache-to`): `registry`, `inline`, ...
public struct CacheSpec: Sendable, Equatable {
  public var type: String
  public var attrs: [String: String]
  public init(type: String, attrs: [String: String] = [:]) {
    self.type = type
    self.attrs = attrs
  }
}

/// What to ask `Control.Solve` for: a frontend build in a session.
public struct SolveSpec: Sendable {
  public var ref: String
  public var sessionID: String
  public var frontend: String
  public var frontendAttrs: [String: String]
  public var exports: [ExportSpec]
  public var entitlements: [String]
  public var cacheImports: [CacheSpec] = []
  public var cacheExports: [CacheSpec] = []

  public init(ref: String, sessionID: String, frontend: String = "dockerfile.v0", frontendAttrs: [String: String] = [:], exports: [ExportSpec] = [], entitlements: [String] = []) {
    self.ref = ref
    self.sessionID = sessionID
    self.frontend = frontend
    self.frontendAttrs = frontendAttrs
    self.exports = exports
    self.entitlements = entitlements
  }
}

/// What a daemon's API supports, as far as a solve request is shaped by it.
public struct DaemonFeatures: Sendable, Equatable {
  /// `SolveRequest.exporters` (else the deprecated single-exporter fields).
  public var exporterList: Bool
  /// More than one exporter in a solve.
  public var multipleExporters: Bool

  public init(exporterList: Bool, multipleExporters: Bool) {
    self.exporterList = exporterList
    self.multipleExporters = multipleExporters
  }

  /// `v0.13.2` or `0.13.0-rc1` as (major, minor); nil for development builds without a version.
  static func parseVersion(_ text: String) -> (Int, Int)? {
    let numbers = text.drop { $0 == "v" }.split(separator: ".").prefix(2).map { Int($0.prefix { $0.isNumber }) }
    guard numbers.count == 2, let major = numbers[0], let minor = numbers[1] else { return nil }
    return (major, minor)
  }
}

extension BuildKitClient {
  /// What the daemon's API offers, from `Control.Info` (BuildKit v0.11+).
  ///
  /// BuildKit v0.8 (the Docker Engine's) implements no `Control.Info` and
  /// ignores the exporter list; it needs the deprecated single-exporter fields.
  public func features() async -> DaemonFeatures {
    guard let info = try? await control.info(Moby_Buildkit_V1_InfoRequest(), options: options) else {
      return DaemonFeatures(exporterList: false, multipleExporters: false)
    }
    // Several exporters in one solve came with v0.13. A build from source
    // without a version says v0.0.0 and is taken as current.
    let version = DaemonFeatures.parseVersion(info.buildkitVersion.version)
    let multiple = version.map { $0 == (0, 0) || $0 >= (0, 13) } ?? true
    return DaemonFeatures(exporterList: true, multipleExporters: multiple)
  }

  /// Runs a solve while streaming its status to `status`; returns the
  /// exporter response (image digest, name, ...).
  ///
  /// The status stream is drained after the solve ends (so a failing step's
  /// logs are shown), but for at most a few seconds.
  public func solve(
    _ spec: SolveSpec,
    exporterList: Bool,
    status: @escaping @Sendable (StatusUpdate) async -> Void
  ) async throws -> [String: String] {
    let request = Self.solveRequest(spec, exporterList: exporterList)
    let control = self.control
    let options = self.options
    enum Outcome: Sendable { case solved(Result<[String: String], any Error>), statusEnded }
    let result: Result<[String: String], any Error>? = await withTaskGroup(of: Outcome.self) { group in
      group.addTask {
        var statusRequest = Moby_Buildkit_V1_StatusRequest()
        statusRequest.ref = spec.ref
        try? await control.status(statusRequest, options: options) { response in
          for try await message in response.messages {
            await status(StatusUpdate(message))
          }
        }
        return .statusEnded
      }
      group.addTask {
        do {
          let response = try await control.solve(request, options: options)
          return .solved(.success(response.exporterResponse))
        } catch {
          return .solved(.failure(error))
        }
      }
      var solved: Result<[String: String], any Error>?
      var statusEnded = false
      while let outcome = await group.next() {
        switch outcome {
        case .solved(let result):
          solved = result
          if !statusEnded {
            group.addTask {
              try? await Task.sleep(for: .seconds(5))
              return .statusEnded
            }
          }
        case .statusEnded:
          statusEnded = true
        }
        if solved != nil, statusEnded { break }
      }
      group.cancelAll()
      return solved
    }
    switch result {
    case .success(let response): return response
    case .failure(let error): throw solveFailure(error)
    case nil: throw KilnError(.daemon, "the solve on \(displayAddress) ended without an answer")
    }
  }

  private func solveFailure(_ error: any Error) -> KilnError {
    guard let rpc = error as? RPCError else { return failure("solve", error) }
    if rpc.code == .unavailable {
      let detail = failureDetail().map { ": \($0)" } ?? ""
      return KilnError(.connection, "failed to solve: lost the connection to BuildKit at \(displayAddress) (\(rpc.message))\(detail)")
    }
    let message = rpc.message.hasPrefix("failed to solve") ? rpc.message : "failed to solve: " + rpc.message
    var failure = KilnError(.daemon, message)
    failure.details = SolveErrorDetails(rpc).sources.map(\.snippet).filter { !$0.isEmpty }
    // buildx's exit statuses for these gRPC codes.
    switch rpc.code {
    case .internalError: failure.exitStatus = 100
    case .resourceExhausted: failure.exitStatus = 102
    case .cancelled: failure.exitStatus = 130
    default: break
    }
    return failure
  }

  static func solveRequest(_ spec: SolveSpec, exporterList: Bool) -> Moby_Buildkit_V1_SolveRequest {
    var request = Moby_Buildkit_V1_SolveRequest()
    request.ref = spec.ref
    request.session = spec.sessionID
    request.frontend = spec.frontend
    request.frontendAttrs = spec.frontendAttrs
    request.entitlements = spec.entitlements
    let entry = { (cache: CacheSpec) -> Moby_Buildkit_V1_CacheOptionsEntry in
      var entry = Moby_Buildkit_V1_CacheOptionsEntry()
      entry.type = cache.type
      entry.attrs = cache.attrs
      return entry
    }
    if !spec.cacheImports.isEmpty || !spec.cacheExports.isEmpty {
      request.cache.imports = spec.cacheImports.map(entry)
      request.cache.exports = spec.cacheExports.map(entry)
    }
    if exporterList {
      request.exporters = spec.exports.map { export in
        var exporter = Moby_Buildkit_V1_Exporter()
        exporter.type = export.type
        exporter.attrs = export.attrs
        return exporter
      }
    } else if let first = spec.exports.first {
      request.exporterDeprecated = first.type
      request.exporterAttrsDeprecated = first.attrs
    }
    return request
  }
}

extension StatusUpdate {
  init(_ message: Moby_Buildkit_V1_StatusResponse) {
    self.init(
      vertexes: message.vertexes.map { v in
        Vertex(
          digest: v.digest, inputs: v.inputs, name: v.name, cached: v.cached,
          started: v.hasStarted ? v.started.date : nil,
          completed: v.hasCompleted ? v.completed.date : nil,
          error: v.error
        )
      },
      statuses: message.statuses.map { s in
        Status(
          id: s.id, vertex: s.vertex, name: s.name, current: s.current, total: s.total,
          timestamp: s.hasTimestamp ? s.timestamp.date : nil,
          started: s.hasStarted ? s.started.date : nil,
          completed: s.hasCompleted ? s.completed.date : nil
        )
      },
      logs: message.logs.map { l in
        Log(vertex: l.vertex, stream: Int(l.stream), data: l.msg, timestamp: l.hasTimestamp ? l.timestamp.date : nil)
      },
      warnings: message.warnings.map { w in
        Warning(
          vertex: w.vertex, level: Int(w.level), short: String(decoding: w.short, as: UTF8.self),
          detail: w.detail.map { String(decoding: $0, as: UTF8.self) }, url: w.url,
          source: w.hasInfo
            ? WarningSource(
              filename: w.info.filename, data: w.info.data, language: w.info.language,
              ranges: w.ranges.map {
                .init(startLine: Int($0.start.line), startCharacter: Int($0.start.character), endLine: Int($0.end.line), endCharacter: Int($0.end.character))
              }) : nil
        )
      }
    )
  }
}

public import Foundation

/// One message of BuildKit's status stream, independent of the wire types.
public struct StatusUpdate: Sendable, Equatable {
  public struct Vertex: Sendable, Equatable {
    public var digest: String
    public var inputs: [String]
    public var name: String
    public var cached: Bool
    public var started: Date?
    public var completed: Date?
    public var error: String
    public init(digest: String, inputs: [String] = [], name: String, cached: Bool = false, started: Date? = nil, completed: Date? = nil, error: String = "") {
      self.digest = digest
      self.inputs = inputs
      self.name = name
      self.cached = cached
      self.started = started
      self.completed = completed
      self.error = error
    }
  }

  /// A sub-task of a vertex: a transfer, a layer export.
  public struct Status: Sendable, Equatable {
    public var id: String
    public var vertex: String
    public var name: String
    public var current: Int64
    public var total: Int64
    public var timestamp: Date?
    public var started: Date?
    public var completed: Date?
    public init(id: String, vertex: String, name: String = "", current: Int64 = 0, total: Int64 = 0, timestamp: Date? = nil, started: Date? = nil, completed: Date? = nil) {
      self.id = id
      self.vertex = vertex
      self.name = name
      self.current = current
      self.total = total
      self.timestamp = timestamp
      self.started = started
      self.completed = completed
    }
  }

  public struct Log: Sendable, Equatable {
    public var vertex: String
    /// 1 stdout, 2 stderr.
    public var stream: Int
    public var data: Data
    public var timestamp: Date?
    public init(vertex: String, stream: Int = 1, data: Data, timestamp: Date? = nil) {
      self.vertex = vertex
      self.stream = stream
      self.data = data
      self.timestamp = timestamp
    }
  }

  /// A warning from the build (a Dockerfile lint rule, a deprecated
  /// feature): its one-line text, details, a link, and where in which file.
  public struct Warning: Sendable, Equatable, Hashable {
    public var vertex: String
    public var level: Int
    public var short: String
    public var detail: [String] = []
    public var url: String = ""
    public var source: WarningSource?
    public init(vertex: String, level: Int = 1, short: String, detail: [String] = [], url: String = "", source: WarningSource? = nil) {
      self.vertex = vertex
      self.level = level
      self.short = short
      self.detail = detail
      self.url = url
      self.source = source
    }
  }

  /// The file a warning points into, and the 1-based line/character ranges.
  public struct WarningSource: Sendable, Equatable, Hashable {
    public struct Range: Sendable, Equatable, Hashable {
      public var startLine, startCharacter, endLine, endCharacter: Int
      public init(startLine: Int, startCharacter: Int, endLine: Int, endCharacter: Int) {
        (self.startLine, self.startCharacter, self.endLine, self.endCharacter) = (startLine, startCharacter, endLine, endCharacter)
      }
    }
    public var filename: String
    public var data: Data
    public var language: String
    public var ranges: [Range]
    public init(filename: String, data: Data, language: String, ranges: [Range]) {
      (self.filename, self.data, self.language, self.ranges) = (filename, data, language, ranges)
    }
  }

  public var vertexes: [Vertex]
  public var statuses: [Status]
  public var logs: [Log]
  public var warnings: [Warning]

  public init(vertexes: [Vertex] = [], statuses: [Status] = [], logs: [Log] = [], warnings: [Warning] = []) {
    self.vertexes = vertexes
    self.statuses = statuses
    self.logs = logs
    self.warnings = warnings
  }
}

extension StatusUpdate {
  /// This update followed by `next`, for printing a batch at once as buildx
  /// does on each tick.
  public func merging(_ next: StatusUpdate) -> StatusUpdate {
    StatusUpdate(
      vertexes: vertexes + next.vertexes,
      statuses: statuses + next.statuses,
      logs: logs + next.logs,
      warnings: warnings + next.warnings
    )
  }

  public var isEmpty: Bool { vertexes.isEmpty && statuses.isEmpty && logs.isEmpty && warnings.isEmpty }
}

/// `--progress` modes, as buildx names them.
public enum ProgressMode: String, Sendable, CaseIterable {
  case auto, tty, plain, rawjson, quiet

  /// `--progress` wins over `BUILDKIT_PROGRESS`; `auto` (the default) becomes
  /// `tty` on a terminal and `plain` elsewhere when the printer starts.
  public static func resolve(flag: String?, environment: String?) -> ProgressMode? {
    let text = flag ?? environment ?? "auto"
    return ProgressMode(rawValue: text)
  }
}

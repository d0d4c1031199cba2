public import Foundation
public import GRPCCore
import SwiftProtobuf

/// The typed details BuildKit attaches to a failed call's gRPC status (the
/// `grpc-status-details-bin` trailer, a `google.rpc.Status`).
///
/// BuildKit encodes each detail as Go JSON under a type URL ending in
/// `+json` (v0.8 and current alike); Kiln reads the ones it shows: where in
/// the Dockerfile the failure is.
public struct SolveErrorDetails: Sendable, Equatable {
  public var sources: [ErrorSource] = []

  static let sourceTypeURL = "github.com/moby/buildkit/errdefs.Source+json"

  public init(sources: [ErrorSource] = []) {
    self.sources = sources
  }

  /// The details of a failed call; empty when it carries none or they are unreadable.
  public init(_ error: RPCError) {
    let status = error.metadata[binaryValues: "grpc-status-details-bin"].lazy.compactMap { try? Google_Rpc_Status(serializedBytes: $0) }.first { _ in true }
    self.init(details: status?.details ?? [])
  }

  init(details: [Google_Protobuf_Any]) {
    let decoder = JSONDecoder()
    // In the status's order, which is the order buildx prints them in.
    sources = details.compactMap { detail in
      guard detail.typeURL == Self.sourceTypeURL else { return nil }
      return try? decoder.decode(ErrorSource.self, from: detail.value)
    }
  }
}

/// A place in a build definition (a Dockerfile) that a failure points at:
/// the file's name and text, and the line ranges involved.
public struct ErrorSource: Sendable, Equatable, Decodable {
  public var filename: String
  public var data: Data
  /// 1-based, inclusive line ranges.
  public var ranges: [ClosedRange<Int>]

  public init(filename: String, data: Data, ranges: [ClosedRange<Int>]) {
    self.filename = filename
    self.data = data
    self.ranges = ranges
  }

  private struct Info: Decodable {
    var filename: String?
    var data: Data?  // Go's []byte: base64 in JSON
  }
  private struct Position: Decodable { var line: Int? }
  private struct Range: Decodable { var start: Position?, end: Position? }
  private enum Keys: String, CodingKey { case info, ranges }

  public init(from decoder: any Swift.Decoder) throws {
    let container = try decoder.container(keyedBy: Keys.self)
    let info = try container.decodeIfPresent(Info.self, forKey: .info)
    filename = info?.filename ?? ""
    data = info?.data ?? Data()
    ranges = (try container.decodeIfPresent([Range].self, forKey: .ranges) ?? []).map { range in
      let start = range.start?.line ?? 0
      return start...max(start, range.end?.line ?? 0)
    }
  }

  /// The lines around the ranges, framed as buildx frames them:
  ///
  ///     Dockerfile:3
  ///     --------------------
  ///        2 |     COPY . /src
  ///        3 | >>> RUN make
  ///     --------------------
  ///
  /// A single failing line gets two lines of context on each side, a longer
  /// range one (fewer at the file's ends). Empty when the ranges fall outside
  /// the text.
  public var snippet: String {
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    guard let first = ranges.map(\.lowerBound).min(), let last = ranges.map(\.upperBound).max(),
      first >= 1, first <= lines.count
    else { return "" }
    var start = first
    var end = min(last, lines.count)
    let padding = start == end ? 4 : 2
    var added = 0
    while added < padding {
      if start > 1 {
        start -= 1
        added += 1
      }
      if end != lines.count {
        end += 1
        added += 1
      }
      added += 1  // a side with no room still counts, so short files stop
    }
    var text = "\(filename):\(first)\n--------------------\n"
    for number in start...end {
      let marker = ranges.contains { $0.contains(number) } ? ">>>" : "   "
      let label = String(number)
      text += " " + String(repeating: " ", count: max(0, 3 - label.count)) + label + " | \(marker) \(lines[number - 1])\n"
    }
    return text + "--------------------\n"
  }
}

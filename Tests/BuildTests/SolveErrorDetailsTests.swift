import Foundation
import GRPCCore
import SwiftProtobuf
import Testing

@testable import BuildKit

/// The Dockerfile snippet of a failed solve, read from the status details
/// BuildKit sends: a `google.rpc.Status` whose `Any` details hold Go JSON.
struct SolveErrorDetailsTests {
  static let dockerfile = "FROM busybox\nENV A=1\nCOPY . /src\nRUN make \\\n  all\nRUN echo done\nENV B=2\nENV C=3\n"

  /// The details as BuildKit encodes them: Go's JSON of `errdefs.Source`
  /// (`[]byte` as base64, zero lines omitted), plus a stack it also sends.
  static func failure(ranges: [(Int, Int)], data: String = dockerfile) throws -> RPCError {
    let rangesJSON = ranges.map { "{\"start\":{\"line\":\($0.0)},\"end\":{\"line\":\($0.1),\"character\":7}}" }
    let source = "{\"info\":{\"filename\":\"Dockerfile\",\"data\":\"\(Data(data.utf8).base64EncodedString())\",\"language\":\"Dockerfile\"},\"ranges\":[\(rangesJSON.joined(separator: ","))]}"
    var status = Google_Rpc_Status()
    status.code = 2
    status.message = "process did not complete successfully"
    var stack = Google_Protobuf_Any()
    stack.typeURL = "github.com/moby/buildkit/stack.Stack+json"
    stack.value = Data("{\"frames\":[]}".utf8)
    var detail = Google_Protobuf_Any()
    detail.typeURL = "github.com/moby/buildkit/errdefs.Source+json"
    detail.value = Data(source.utf8)
    status.details = [stack, detail]
    var metadata = Metadata()
    metadata.addBinary(try Array(status.serializedBytes() as Data), forKey: "grpc-status-details-bin")
    return RPCError(code: .unknown, message: status.message, metadata: metadata)
  }

  @Test func singleLineGetsTwoLinesAround() throws {
    let details = SolveErrorDetails(try Self.failure(ranges: [(6, 6)]))
    #expect(details.sources.count == 1)
    #expect(details.sources.first?.snippet == """
      Dockerfile:6
      --------------------
         4 |     RUN make \\
         5 |       all
         6 | >>> RUN echo done
         7 |     ENV B=2
         8 |     ENV C=3
      --------------------

      """)
  }

  @Test func multiLineRangeGetsOneLineAround() throws {
    let snippet = SolveErrorDetails(try Self.failure(ranges: [(4, 5)])).sources.first?.snippet
    #expect(snippet == """
      Dockerfile:4
      --------------------
         3 |     COPY . /src
         4 | >>> RUN make \\
         5 | >>>   all
         6 |     RUN echo done
      --------------------

      """)
  }

  @Test func firstLineTakesItsContextBelow() throws {
    let snippet = SolveErrorDetails(try Self.failure(ranges: [(1, 1)], data: "FROM x\nRUN a\nRUN b\nRUN c\nRUN d\nRUN e\n")).sources.first?.snippet
    // No line above: the loop still counts that side, so only two lines follow.
    #expect(snippet == """
      Dockerfile:1
      --------------------
         1 | >>> FROM x
         2 |     RUN a
         3 |     RUN b
      --------------------

      """)
  }

  @Test func nothingUsableGivesNoSnippet() throws {
    #expect(SolveErrorDetails(RPCError(code: .unknown, message: "plain")).sources.isEmpty)
    #expect(SolveErrorDetails(try Self.failure(ranges: [(40, 40)])).sources.first?.snippet == "")
    #expect(SolveErrorDetails(try Self.failure(ranges: [])).sources.first?.snippet == "")
  }
}

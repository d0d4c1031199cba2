/// One HTTP/1.1 response from the engine, fully read.
public struct HTTPResponse: Sendable, Equatable {
  public var status: Int
  public var reason: String
  public var headers: [(String, String)]
  public var body: [UInt8]

  public static func == (a: HTTPResponse, b: HTTPResponse) -> Bool {
    a.status == b.status && a.reason == b.reason && a.body == b.body
      && a.headers.map { $0.0 + ":" + $0.1 } == b.headers.map { $0.0 + ":" + $0.1 }
  }

  public func header(_ name: String) -> String? {
    let lower = name.lowercased()
    return headers.first { $0.0.lowercased() == lower }?.1
  }

  public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Parses a response from the bytes received so far; no I/O, so it is
/// tested on byte strings. Handles `Content-Length`, chunked bodies, and
/// bodies that end when the engine closes the connection.
enum HTTPResponseParser {
  enum Failure: Error, Equatable { case notHTTP, badChunk, oversizedHead }

  /// The complete response, or nil while more bytes are needed. `atEOF`
  /// says the peer has closed, so a body without a length ends here.
  static func parse(_ bytes: [UInt8], atEOF: Bool) throws(Failure) -> HTTPResponse? {
    guard let headEnd = find([13, 10, 13, 10], in: bytes, from: 0) else {
      if bytes.count > 64 * 1024 { throw .oversizedHead }
      if !Array("HTTP/".utf8).starts(with: bytes.prefix(5)) && !bytes.starts(with: Array("HTTP/".utf8)) { throw .notHTTP }
      return nil
    }
    let head = String(decoding: bytes[..<headEnd], as: UTF8.self)
    var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
    let statusLine = lines.removeFirst()
    let parts = statusLine.split(separator: " ", maxSplits: 2).map(String.init)
    guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else { throw .notHTTP }
    var headers: [(String, String)] = []
    for line in lines {
      guard let colon = line.firstIndex(of: ":") else { continue }
      let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
      headers.append((String(line[..<colon]), value))
    }
    var response = HTTPResponse(status: status, reason: parts.count > 2 ? parts[2] : "", headers: headers, body: [])
    let bodyStart = headEnd + 4
    // Informational and empty responses carry no body.
    if status == 204 || status == 304 || (100..<200).contains(status) { return response }
    if response.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
      guard let body = try dechunk(bytes, from: bodyStart) else { return nil }
      response.body = body
      return response
    }
    if let lengthText = response.header("Content-Length"), let length = Int(lengthText) {
      guard bytes.count - bodyStart >= length else { return nil }
      response.body = Array(bytes[bodyStart..<(bodyStart + length)])
      return response
    }
    guard atEOF else { return nil }
    response.body = Array(bytes[bodyStart...])
    return response
  }

  private static func dechunk(_ bytes: [UInt8], from start: Int) throws(Failure) -> [UInt8]? {
    var body: [UInt8] = []
    var index = start
    while true {
      guard let lineEnd = find([13, 10], in: bytes, from: index) else { return nil }
      let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
      guard let size = Int(sizeText.trimmingCharacters(in: " "), radix: 16), size >= 0 else { throw .badChunk }
      let dataStart = lineEnd + 2
      if size == 0 { return body }
      guard bytes.count >= dataStart + size + 2 else { return nil }
      body += bytes[dataStart..<(dataStart + size)]
      index = dataStart + size + 2
    }
  }

  static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
    guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
    var i = start
    while i <= bytes.count - needle.count {
      if bytes[i] == needle[0] && bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
      i += 1
    }
    return nil
  }
}

extension String {
  fileprivate func trimmingCharacters(in set: String) -> String {
    var s = Substring(self)
    while let f = s.first, set.contains(f) { s.removeFirst() }
    while let l = s.last, set.contains(l) { s.removeLast() }
    return String(s)
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}

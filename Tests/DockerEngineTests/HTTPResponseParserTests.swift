import Testing

@testable import DockerEngine

struct HTTPResponseParserTests {
  func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

  @Test func contentLengthBody() throws {
    let text = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
    let response = try #require(try HTTPResponseParser.parse(bytes(text), atEOF: false))
    #expect(response.status == 200)
    #expect(response.bodyText == "{\"a\":1}")
    #expect(response.header("content-type") == "application/json")
  }

  @Test func incompleteBodyWaits() throws {
    let text = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"
    #expect(try HTTPResponseParser.parse(bytes(text), atEOF: false) == nil)
  }

  @Test func chunkedBody() throws {
    let text = "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n"
    let response = try #require(try HTTPResponseParser.parse(bytes(text), atEOF: false))
    #expect(response.status == 404)
    #expect(response.bodyText == "Wikipedia")
    #expect(try HTTPResponseParser.parse(bytes(String(text.dropLast(7))), atEOF: false) == nil)
  }

  @Test func bodyUntilClose() throws {
    let text = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\nraw"
    #expect(try HTTPResponseParser.parse(bytes(text), atEOF: false) == nil)
    #expect(try HTTPResponseParser.parse(bytes(text), atEOF: true)?.bodyText == "raw")
  }

  @Test func noContentHasNoBody() throws {
    let response = try HTTPResponseParser.parse(bytes("HTTP/1.1 204 No Content\r\n\r\n"), atEOF: false)
    #expect(response?.status == 204)
    #expect(response?.body == [])
  }

  @Test func notHTTP() {
    #expect(throws: HTTPResponseParser.Failure.notHTTP) { try HTTPResponseParser.parse(bytes("SSH-2.0-OpenSSH\r\n"), atEOF: false) }
  }

  @Test func engineMessages() {
    #expect(DockerEngine.engineMessage(Array("{\"message\":\"No such container: x\"}\n".utf8)) == "No such container: x")
    #expect(DockerEngine.engineMessage(Array("page not found\n".utf8)) == "page not found")
  }

  @Test func demultiplex() {
    let frames: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 2] + Array("hi".utf8) + [2, 0, 0, 0, 0, 0, 0, 3] + Array("err".utf8)
    let (out, err) = DockerEngine.demultiplex(frames)
    #expect(out == Array("hi".utf8))
    #expect(err == Array("err".utf8))
  }

  @Test func queryEscaping() {
    #expect(DockerEngine.queryString([("name", "a b/c"), ("v", "true")]) == "?name=a%20b%2Fc&v=true")
  }
}

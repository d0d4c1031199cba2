import NIOCore

/// Holds a sender back while the session connection's socket has more than
/// `limit` bytes waiting to be written, so that memory stays bounded when the
/// daemon reads slowly.
///
/// The daemon's HTTP/2 window (Go grows it to 16 MiB) would otherwise let
/// that much pile up in NIO's write queue; the connection's write watermark
/// stays high on purpose (see ``InjectedConnectionListener``), so the bound
/// is kept here, above NIOHTTP2, instead of through channel writability.
struct OutboundPacing: Sendable {
  let channel: any Channel
  var limit = 4 << 20

  /// Returns once the socket's queue is at or under the limit (or its size
  /// cannot be read: a channel without the option is not paced).
  func wait() async {
    while !Task.isCancelled, channel.isActive {
      guard let buffered = try? await channel.getOption(ChannelOptions.bufferedWritableBytes).get(), buffered > limit else { return }
      try? await Task.sleep(for: .milliseconds(2))
    }
  }
}

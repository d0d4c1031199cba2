public import KilnCore
public import Transport

/// `remote`: a BuildKit daemon someone else runs, reached by address
/// (`unix://`, `tcp://` with TLS options, or a connection-helper scheme).
public struct RemoteDriver: Driver {
  public var name: String { "remote" }
  public var allowsInstances: Bool { true }

  static let options: Set<String> = ["cacert", "cert", "key", "servername", "default-load"]

  public init() {}

  public func validate(_ node: NodeGroup.Node) throws(KilnError) {
    for key in node.driverOptions.keys.sorted() where !Self.options.contains(key) {
      throw KilnError(.invalidArgument, "invalid driver option \(key) for remote driver")
    }
    if let value = node.driverOptions["default-load"], Bool(goBool: value) == nil {
      throw KilnError(.invalidArgument, "invalid value \"\(value)\" for driver option default-load: expected true or false")
    }
    let address: BuildKitAddress
    do {
      address = try BuildKitAddress.parse(node.endpoint)
    } catch {
      throw error as? KilnError ?? KilnError(.invalidAddress, "invalid endpoint \(node.endpoint)", underlying: error)
    }
    if case .builder = address {
      throw KilnError(.invalidArgument, "the remote driver cannot point at another builder (\(node.endpoint))")
    }
    if !node.files.isEmpty || !node.buildkitdFlags.isEmpty {
      throw KilnError(.invalidArgument, "the remote driver does not run buildkitd, so it takes no --buildkitd-flags or --buildkitd-config")
    }
  }

  public func status(_ context: NodeContext) async throws -> NodeStatus { .running }
  public func bootstrap(_ context: NodeContext) async throws {}
  public func stop(_ context: NodeContext) async throws {}
  public func remove(_ context: NodeContext, keepState: Bool, keepDaemon: Bool, force: Bool) async throws {}

  public func dialer(_ context: NodeContext) throws -> any StreamDialer {
    let options = context.node.driverOptions
    let tls = TLSFiles(caCertificate: options["cacert"], certificate: options["cert"], key: options["key"], serverName: options["servername"])
    let endpoint = context.node.endpoint
    return try BuildKitAddress.parse(endpoint).dialer(environment: context.environment, tls: tls == TLSFiles() ? nil : tls, original: endpoint)
  }
}

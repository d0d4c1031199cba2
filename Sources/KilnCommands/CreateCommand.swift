import ArgumentParser
import Builders
import Foundation
import KilnCore
import Transport

/// `kiln create`: a new builder, or a node added to, changed in or removed
/// from one, as `docker buildx create` does.
struct CreateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a new builder instance")

  @Argument(help: "A Docker context or endpoint (docker-container), or a BuildKit address (remote)")
  var endpoint: String?

  @Option(help: "Builder instance name")
  var name: String?

  @Option(help: "Driver to use (available: \"docker-container\", \"remote\")")
  var driver: String?

  @Option(name: .customLong("driver-opt"), help: "Options for the driver")
  var driverOptions: [String] = []

  @Option(name: .customLong("buildkitd-flags"), help: "BuildKit daemon flags")
  var buildkitdFlags: String?

  @Option(name: [.customLong("buildkitd-config"), .customLong("config")], help: "BuildKit daemon config file")
  var buildkitdConfig: String?

  @Option(help: "Fixed platforms for current node")
  var platform: [String] = []

  @Option(name: .customLong("node"), help: "Create/modify node with given name")
  var nodeName: String?

  @Flag(help: "Append a node to builder instead of changing it")
  var append = false

  @Flag(help: "Remove a node from builder instead of changing it")
  var leave = false

  @Flag(help: "Set the current builder instance")
  var use = false

  @Flag(help: "Boot builder after creation")
  var bootstrap = false

  @Option(help: "Timeout for loading builder status, e.g. 20s")
  var timeout = "20s"

  func run() async throws {
    let environment = Environment.current
    let resolver = BuilderResolver(environment: environment)
    if leave {
      try await leaveNode(resolver)
      return
    }
    let builder = try await resolver.store.withTransaction { tx in try await create(tx, resolver: resolver) }
    if bootstrap {
      for node in builder.nodeGroup.nodes { try await builder.driver.bootstrap(builder.context(for: node)) }
    }
    print(builder.name)
  }

  private func leaveNode(_ resolver: BuilderResolver) async throws {
    guard let name, !name.isEmpty else { throw KilnError(.invalidArgument, "leave requires instance name") }
    guard let nodeName, !nodeName.isEmpty else { throw KilnError(.invalidArgument, "leave requires node name") }
    try await resolver.store.withTransaction { tx in
      guard var group = try tx.nodeGroupIfPresent(named: name) else {
        throw KilnError(.notFound, "failed to find instance \"\(name)\" for leave")
      }
      try group.leave(node: nodeName)
      try tx.save(group)
    }
  }

  private func create(_ tx: StoreTransaction, resolver: BuilderResolver) async throws -> ResolvedBuilder {
    let environment = resolver.environment
    if name == "default" {
      throw KilnError(.invalidArgument, "default is a reserved name and cannot be used to identify builder instance")
    }
    if append && (name ?? "").isEmpty { throw KilnError(.invalidArgument, "append requires a builder name") }
    var builderName = name ?? ""
    if builderName.isEmpty {
      for attempt in 0..<6 where builderName.isEmpty {
        let candidate = BuilderNames.random(attempt: attempt)
        if try tx.nodeGroupIfPresent(named: candidate) == nil { builderName = candidate }
      }
      guard !builderName.isEmpty else { throw KilnError(.invalidArgument, "failed to generate random name") }
    }
    if !append, resolver.contextNames().contains(builderName) {
      throw KilnError(.invalidArgument, "instance name \"\(builderName)\" already exists as context builder")
    }
    let existing = try tx.nodeGroupIfPresent(named: builderName)
    if existing == nil, append { throw KilnError(.notFound, "failed to find instance \"\(builderName)\" for append") }
    let buildkitHost = environment["BUILDKIT_HOST"]
    let driverName = driver ?? existing?.driver ?? (endpoint == nil && buildkitHost != nil ? "remote" : "docker-container")
    if let existing {
      if (nodeName ?? "").isEmpty && !append {
        throw KilnError(.invalidArgument, "existing instance for \"\(builderName)\" but no append mode, specify the node name to make changes for existing instances")
      }
      if driverName != existing.driver {
        throw KilnError(.invalidArgument, "existing instance for \"\(builderName)\" but has mismatched driver \"\(existing.driver)\"")
      }
    }
    let driverImpl = try Drivers.named(driverName)
    guard driverImpl.allowsInstances else {
      throw KilnError(.invalidArgument, "the \(driverName) driver cannot be used for new builders: each Docker context already has one (use --builder <context>)")
    }
    let options = try Self.parseDriverOptions(driverOptions)
    let config = try buildkitdConfig.map { try BuildkitdConfigFile.load(path: $0) }
    if config != nil, driverName != "docker-container" {
      throw KilnError(.invalidArgument, "the \(driverName) driver does not run its own buildkitd, so it cannot use --buildkitd-config")
    }
    let flags = try BuildkitdFlags.resolve(buildkitdFlags, driver: driverName, driverOptions: options ?? [:], configEntitlements: config?.entitlements ?? [])
    let (nodeEndpoint, endpointIsSet) = try resolveEndpoint(driver: driverName, buildkitHost: buildkitHost, environment: environment)
    var group = existing ?? NodeGroup(name: builderName, driver: driverName)
    try group.update(
      NodeUpdate(
        nodeName: nodeName ?? "", endpoint: nodeEndpoint, endpointIsSet: endpointIsSet, platforms: platform, append: append,
        buildkitdFlags: flags, configFiles: config?.files, driverOptions: options
      )
    )
    for node in group.nodes { try driverImpl.validate(node) }
    try tx.save(group)
    let builder = ResolvedBuilder(nodeGroup: group, fromDockerContext: false, driver: driverImpl, environment: environment)
    // As buildx does: a node whose daemon cannot even be asked for its status rolls the change back.
    let limit = try DurationParser.parse(timeout, flag: "--timeout")
    for report in await NodeReport.load(builder, timeout: limit) {
      guard let error = report.error, driverName != "remote" else { continue }
      if let existing { try tx.save(existing) } else { try tx.remove(named: group.name) }
      throw KilnError(error.code, "failed to initialize builder \(group.name) (\(report.node.name)): \(error.description)")
    }
    if use, !nodeEndpoint.isEmpty {
      try tx.setCurrent(key: try resolver.currentKey(), name: group.name, global: false, default: false)
    }
    return builder
  }

  private func resolveEndpoint(driver: String, buildkitHost: String?, environment: Environment) throws -> (String, Bool) {
    if driver == "remote" {
      guard let address = endpoint ?? buildkitHost else { throw KilnError(.invalidArgument, "no remote endpoint provided") }
      _ = try BuildKitAddress.parse(address)
      return (address, true)
    }
    if let endpoint {
      // A Docker context name or a Docker host address.
      _ = try DockerEndpoint.host(endpoint, environment: environment)
      return (endpoint, true)
    }
    let host = try DockerHost.resolve(environment: environment)
    if host.contextName == "default", host.tls != nil {
      throw KilnError(.invalidArgument, "could not create a builder instance with TLS data loaded from environment. Please use `docker context create <context-name>` to create a context for current environment and then create a builder instance with context set to <context-name>")
    }
    return (try DockerEndpoint.current(environment: environment), false)
  }

  /// `--driver-opt` values, each a CSV list of `key=value`.
  static func parseDriverOptions(_ values: [String]) throws -> [String: String]? {
    guard !values.isEmpty else { return nil }
    var result: [String: String] = [:]
    for value in values {
      for field in CSVFields.split(value) {
        let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw KilnError(.invalidArgument, "invalid value \(field), expecting k=v") }
        result[String(parts[0])] = String(parts[1])
      }
    }
    return result
  }
}

/// One CSV record (Go's `encoding/csv`): commas separate, double quotes group.
enum CSVFields {
  static func split(_ text: String) -> [String] {
    var fields: [String] = []
    var current = ""
    var quoted = false
    var chars = Array(text)[...]
    while let c = chars.popFirst() {
      if c == "\"" {
        if quoted, chars.first == "\"" {
          current.append("\"")
          chars = chars.dropFirst()
        } else {
          quoted.toggle()
        }
      } else if c == ",", !quoted {
        fields.append(current)
        current = ""
      } else {
        current.append(c)
      }
    }
    fields.append(current)
    return fields
  }
}

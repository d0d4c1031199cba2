public import DockerEngine
public import KilnCore

/// The `docker-container` driver options (buildx's table), checked and
/// turned into the container's configuration. Pure: tested without an engine.
public struct DockerContainerSettings: Sendable, Equatable {
  public static let defaultImage = "moby/buildkit:buildx-stable-1"
  public static let stateDirectory = "/var/lib/buildkit"
  public static let configDirectory = "/etc/buildkit"

  public var image = DockerContainerSettings.defaultImage
  public var network: String?
  public var memory: Int64?
  public var memorySwap: Int64?
  public var cpuQuota: Int64?
  public var cpuPeriod: Int64?
  public var cpuShares: Int64?
  public var cpusetCpus: String?
  public var cpusetMems: String?
  public var cgroupParent: String?
  public var restartPolicy = RestartPolicy(name: "unless-stopped")
  public var env: [String] = []
  public var defaultLoad = false

  public init(options: [String: String]) throws(KilnError) {
    // Sorted so that errors and `env.*` order do not depend on hashing.
    for key in options.keys.sorted() {
      let value = options[key] ?? ""
      switch key {
      case "image": image = value
      case "network": network = value
      case "memory": memory = try Self.ramBytes(value, option: key)
      case "memory-swap": memorySwap = value == "-1" ? -1 : try Self.ramBytes(value, option: key)
      case "cpu-quota": cpuQuota = try Self.integer(value, option: key)
      case "cpu-period": cpuPeriod = try Self.integer(value, option: key)
      case "cpu-shares": cpuShares = try Self.integer(value, option: key)
      case "cpuset-cpus": cpusetCpus = value
      case "cpuset-mems": cpusetMems = value
      case "cgroup-parent": cgroupParent = value
      case "restart-policy": restartPolicy = try Self.restartPolicy(value)
      case "default-load", "provenance-add-gha", "allow-untrusted-image":
        guard let flag = Bool(goBool: value) else {
          throw KilnError(.invalidArgument, "invalid value \"\(value)\" for driver option \(key): expected true or false")
        }
        if key == "default-load" { defaultLoad = flag }
      case _ where key.hasPrefix("env."):
        let name = key.dropFirst(4)
        guard !name.isEmpty else { throw KilnError(.invalidArgument, "invalid env option \"\(key)\", expecting env.FOO=bar") }
        env.append("\(name)=\(value)")
      default:
        throw KilnError(.invalidArgument, "invalid driver option \(key) for docker-container driver")
      }
    }
  }

  public static func containerName(node: String) -> String { "buildx_buildkit_" + node }
  public static func volumeName(node: String) -> String { containerName(node: node) + "_state" }

  /// The container as buildx creates it. `cgroupfs` engines get the
  /// `/docker/buildx` parent (or the option), user-namespaced ones `host`.
  public func containerConfig(node: String, buildkitdFlags: [String], hasConfigFile: Bool, cgroupDriver: String?, usernsRemap: Bool) -> ContainerConfig {
    var host = HostConfig()
    host.privileged = true
    host.initProcess = true
    host.restartPolicy = restartPolicy
    host.mounts = [Mount(type: "volume", source: Self.volumeName(node: node), target: Self.stateDirectory)]
    host.networkMode = network.flatMap { $0.isEmpty ? nil : $0 }
    host.memory = memory.flatMap { $0 == 0 ? nil : $0 }
    host.memorySwap = memorySwap.flatMap { $0 == 0 ? nil : $0 }
    host.cpuQuota = cpuQuota.flatMap { $0 == 0 ? nil : $0 }
    host.cpuPeriod = cpuPeriod.flatMap { $0 == 0 ? nil : $0 }
    host.cpuShares = cpuShares.flatMap { $0 == 0 ? nil : $0 }
    host.cpusetCpus = cpusetCpus.flatMap { $0.isEmpty ? nil : $0 }
    host.cpusetMems = cpusetMems.flatMap { $0.isEmpty ? nil : $0 }
    if cgroupDriver == "cgroupfs" { host.cgroupParent = cgroupParent.flatMap { $0.isEmpty ? nil : $0 } ?? "/docker/buildx" }
    if usernsRemap { host.usernsMode = "host" }
    // The config is copied to a fixed path; user flags come after so they can override it.
    let cmd = (hasConfigFile ? ["--config", Self.configDirectory + "/buildkitd.toml"] : []) + buildkitdFlags
    return ContainerConfig(image: image, env: env, cmd: cmd.isEmpty ? nil : cmd, hostConfig: host)
  }

  /// go-units `RAMInBytes`: a number with an optional b, k, m, g, t, p suffix (binary multiples).
  static func ramBytes(_ text: String, option: String) throws(KilnError) -> Int64 {
    let lower = text.lowercased()
    var digits = Substring(lower)
    if digits.hasSuffix("ib") { digits = digits.dropLast(2) } else if digits.hasSuffix("b") && digits.count > 1 && !(digits.dropLast().last?.isNumber ?? true) {
      digits = digits.dropLast()
    }
    var multiplier: Double = 1
    if let last = digits.last, last.isLetter {
      let powers: [Character: Double] = ["b": 0, "k": 1, "m": 2, "g": 3, "t": 4, "p": 5]
      guard let power = powers[last] else {
        throw KilnError(.invalidArgument, "invalid size \"\(text)\" for driver option \(option)")
      }
      multiplier = Double(1 << (10 * Int(power)))
      digits = digits.dropLast()
    }
    guard let number = Double(digits), number >= 0 else {
      throw KilnError(.invalidArgument, "invalid size \"\(text)\" for driver option \(option)")
    }
    return Int64(number * multiplier)
  }

  static func integer(_ text: String, option: String) throws(KilnError) -> Int64 {
    guard let value = Int64(text) else {
      throw KilnError(.invalidArgument, "invalid value \"\(text)\" for driver option \(option): expected an integer")
    }
    return value
  }

  /// The Docker CLI's `--restart` syntax: `no`, `always`, `unless-stopped`, `on-failure[:max]`.
  static func restartPolicy(_ text: String) throws(KilnError) -> RestartPolicy {
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    let name = parts.first ?? ""
    guard ["no", "always", "unless-stopped", "on-failure"].contains(name) else {
      throw KilnError(.invalidArgument, "invalid restart policy \"\(text)\": use no, always, unless-stopped or on-failure[:max-retries]")
    }
    if parts.count == 2 {
      guard name == "on-failure", let count = Int(parts[1]), count >= 0 else {
        throw KilnError(.invalidArgument, "invalid restart policy \"\(text)\": only on-failure takes a maximum retry count")
      }
      return RestartPolicy(name: name, maximumRetryCount: count)
    }
    return RestartPolicy(name: name)
  }
}

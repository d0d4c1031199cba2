/// The parts of the engine's container configuration that Kiln sets or
/// reads, with the engine's JSON names. Optional fields left `nil` are not
/// sent, so the engine applies its defaults.
public struct ContainerConfig: Codable, Sendable, Equatable {
  public var image: String
  public var env: [String]?
  public var cmd: [String]?
  public var entrypoint: [String]?
  public var labels: [String: String]?
  public var hostConfig: HostConfig?

  public init(image: String, env: [String]? = nil, cmd: [String]? = nil, entrypoint: [String]? = nil, labels: [String: String]? = nil, hostConfig: HostConfig? = nil) {
    self.image = image
    self.env = env
    self.cmd = cmd
    self.entrypoint = entrypoint
    self.labels = labels
    self.hostConfig = hostConfig
  }

  enum CodingKeys: String, CodingKey {
    case image = "Image", env = "Env", cmd = "Cmd", entrypoint = "Entrypoint", labels = "Labels", hostConfig = "HostConfig"
  }
}

public struct HostConfig: Codable, Sendable, Equatable {
  public var privileged: Bool?
  public var initProcess: Bool?
  public var restartPolicy: RestartPolicy?
  public var mounts: [Mount]?
  public var networkMode: String?
  public var memory: Int64?
  public var memorySwap: Int64?
  public var cpuQuota: Int64?
  public var cpuPeriod: Int64?
  public var cpuShares: Int64?
  public var cpusetCpus: String?
  public var cpusetMems: String?
  public var cgroupParent: String?
  public var usernsMode: String?

  public init() {}

  enum CodingKeys: String, CodingKey {
    case privileged = "Privileged", initProcess = "Init", restartPolicy = "RestartPolicy", mounts = "Mounts"
    case networkMode = "NetworkMode", memory = "Memory", memorySwap = "MemorySwap", cpuQuota = "CpuQuota"
    case cpuPeriod = "CpuPeriod", cpuShares = "CpuShares", cpusetCpus = "CpusetCpus", cpusetMems = "CpusetMems"
    case cgroupParent = "CgroupParent", usernsMode = "UsernsMode"
  }
}

public struct RestartPolicy: Codable, Sendable, Equatable {
  public var name: String
  public var maximumRetryCount: Int?

  public init(name: String, maximumRetryCount: Int? = nil) {
    self.name = name
    self.maximumRetryCount = maximumRetryCount
  }

  enum CodingKeys: String, CodingKey { case name = "Name", maximumRetryCount = "MaximumRetryCount" }
}

/// A mount as `HostConfig.Mounts` takes it (volume or bind).
public struct Mount: Codable, Sendable, Equatable {
  public var type: String
  public var source: String
  public var target: String

  public init(type: String, source: String, target: String) {
    self.type = type
    self.source = source
    self.target = target
  }

  enum CodingKeys: String, CodingKey { case type = "Type", source = "Source", target = "Target" }
}

/// What `GET /containers/{id}/json` says about a container.
public struct ContainerDetails: Decodable, Sendable {
  public var id: String
  public var name: String
  public var state: State
  public var config: ContainerConfig
  public var hostConfig: HostConfig
  public var mounts: [MountPoint]

  public struct State: Decodable, Sendable {
    public var running: Bool
    public var status: String
    enum CodingKeys: String, CodingKey { case running = "Running", status = "Status" }
  }

  /// A mount as the inspect output lists it (`Name` is the volume's).
  public struct MountPoint: Decodable, Sendable {
    public var type: String
    public var name: String?
    public var source: String?
    public var destination: String
    enum CodingKeys: String, CodingKey { case type = "Type", name = "Name", source = "Source", destination = "Destination" }
  }

  enum CodingKeys: String, CodingKey {
    case id = "Id", name = "Name", state = "State", config = "Config", hostConfig = "HostConfig", mounts = "Mounts"
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    id = try c.decode(String.self, forKey: .id)
    name = try c.decode(String.self, forKey: .name)
    state = try c.decode(State.self, forKey: .state)
    config = try c.decode(ContainerConfig.self, forKey: .config)
    hostConfig = try c.decode(HostConfig.self, forKey: .hostConfig)
    mounts = try c.decodeIfPresent([MountPoint].self, forKey: .mounts) ?? []
  }
}

import DockerEngine
import KilnCore
import Testing

@testable import Builders

struct DockerContainerSettingsTests {
  @Test func defaultsMatchBuildx() throws {
    let settings = try DockerContainerSettings(options: [:])
    let config = settings.containerConfig(node: "b0", buildkitdFlags: [], hasConfigFile: false, cgroupDriver: "systemd", usernsRemap: false)
    #expect(config.image == "moby/buildkit:buildx-stable-1")
    #expect(config.hostConfig?.privileged == true)
    #expect(config.hostConfig?.initProcess == true)
    #expect(config.hostConfig?.restartPolicy == RestartPolicy(name: "unless-stopped"))
    #expect(config.hostConfig?.mounts == [Mount(type: "volume", source: "buildx_buildkit_b0_state", target: "/var/lib/buildkit")])
    #expect(config.hostConfig?.cgroupParent == nil)
    #expect(config.cmd == nil)
    #expect(DockerContainerSettings.containerName(node: "b0") == "buildx_buildkit_b0")
  }

  @Test func everyOptionReachesTheContainer() throws {
    let settings = try DockerContainerSettings(options: [
      "image": "busybox:latest", "network": "host", "memory": "512m", "memory-swap": "1g", "cpu-quota": "50000",
      "cpu-period": "100000", "cpu-shares": "512", "cpuset-cpus": "0", "cpuset-mems": "0", "cgroup-parent": "/kiln",
      "restart-policy": "on-failure:3", "env.FOO": "bar", "env.A": "b", "default-load": "true",
    ])
    #expect(settings.defaultLoad)
    let config = settings.containerConfig(node: "n", buildkitdFlags: ["--debug"], hasConfigFile: true, cgroupDriver: "cgroupfs", usernsRemap: true)
    let host = try #require(config.hostConfig)
    #expect(config.image == "busybox:latest")
    #expect(config.env == ["A=b", "FOO=bar"])
    #expect(config.cmd == ["--config", "/etc/buildkit/buildkitd.toml", "--debug"])
    #expect(host.networkMode == "host")
    #expect(host.memory == 512 << 20)
    #expect(host.memorySwap == 1 << 30)
    #expect(host.cpuQuota == 50000)
    #expect(host.cpuPeriod == 100000)
    #expect(host.cpuShares == 512)
    #expect(host.cpusetCpus == "0")
    #expect(host.cpusetMems == "0")
    #expect(host.cgroupParent == "/kiln")
    #expect(host.restartPolicy == RestartPolicy(name: "on-failure", maximumRetryCount: 3))
    #expect(host.usernsMode == "host")
  }

  @Test func cgroupfsGetsBuildxParent() throws {
    let config = try DockerContainerSettings(options: [:]).containerConfig(node: "n", buildkitdFlags: [], hasConfigFile: false, cgroupDriver: "cgroupfs", usernsRemap: false)
    #expect(config.hostConfig?.cgroupParent == "/docker/buildx")
  }

  @Test(arguments: [
    ("bogus", "x", "invalid driver option bogus for docker-container driver"),
    ("memory", "lots", "invalid size \"lots\" for driver option memory"),
    ("cpu-shares", "1.5", "invalid value \"1.5\" for driver option cpu-shares: expected an integer"),
    ("restart-policy", "sometimes", "invalid restart policy \"sometimes\""),
    ("default-load", "yes", "invalid value \"yes\" for driver option default-load: expected true or false"),
    ("env.", "x", "invalid env option \"env.\", expecting env.FOO=bar"),
  ])
  func badOptionsAreRefused(key: String, value: String, message: String) {
    let error = #expect(throws: KilnError.self) { try DockerContainerSettings(options: [key: value]) }
    #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
  }

  @Test func memorySizes() throws {
    #expect(try DockerContainerSettings.ramBytes("1024", option: "memory") == 1024)
    #expect(try DockerContainerSettings.ramBytes("2k", option: "memory") == 2048)
    #expect(try DockerContainerSettings.ramBytes("1.5GB", option: "memory") == 1_610_612_736)
    #expect(try DockerContainerSettings(options: ["memory-swap": "-1"]).memorySwap == -1)
  }
}

struct BuildkitdFlagsTests {
  @Test func defaultEntitlementForContainerDrivers() throws {
    #expect(try BuildkitdFlags.resolve(nil, driver: "docker-container", driverOptions: [:], configEntitlements: []) == ["--allow-insecure-entitlement=network.host"])
    #expect(try BuildkitdFlags.resolve(nil, driver: "remote", driverOptions: [:], configEntitlements: []) == [])
    #expect(try BuildkitdFlags.resolve("--debug", driver: "docker-container", driverOptions: [:], configEntitlements: ["network.host"]) == ["--debug"])
  }

  @Test func userEntitlementsWin() throws {
    let flags = try BuildkitdFlags.resolve("--allow-insecure-entitlement=security.insecure", driver: "docker-container", driverOptions: [:], configEntitlements: [])
    #expect(flags == ["--allow-insecure-entitlement=security.insecure"])
    let host = try BuildkitdFlags.resolve("--allow-insecure-entitlement security.insecure", driver: "docker-container", driverOptions: ["network": "host"], configEntitlements: [])
    #expect(host == ["--allow-insecure-entitlement", "security.insecure", "--allow-insecure-entitlement=network.host"])
  }

  @Test func shellSplitting() throws {
    #expect(try BuildkitdFlags.split(#"--debug --oci-worker-gc-keepstorage "10 GB" 'a b' c\ d"#) == ["--debug", "--oci-worker-gc-keepstorage", "10 GB", "a b", "c d"])
    #expect(throws: KilnError.self) { try BuildkitdFlags.split("\"open") }
  }
}

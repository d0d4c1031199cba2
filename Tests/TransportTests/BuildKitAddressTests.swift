import KilnCore
import Testing

@testable import Transport

struct BuildKitAddressTests {
  @Test(arguments: [
    ("unix:///run/buildkit/buildkitd.sock", BuildKitAddress.unix(path: "/run/buildkit/buildkitd.sock")),
    ("tcp://127.0.0.1:1234", .tcp(host: "127.0.0.1", port: 1234)),
    ("tcp://[::1]:1234", .tcp(host: "::1", port: 1234)),
    ("docker://", .docker(host: nil)),
    ("docker:///var/run/docker.sock", .docker(host: "unix:///var/run/docker.sock")),
    ("docker://unix:///tmp/d.sock", .docker(host: "unix:///tmp/d.sock")),
    ("docker://10.0.0.1:2376", .docker(host: "tcp://10.0.0.1:2376")),
    ("docker-container://buildkitd", .helper(scheme: "docker-container", executable: "docker", arguments: ["exec", "-i", "buildkitd", "buildctl", "dial-stdio"])),
    ("docker-container://bk?context=remote", .helper(scheme: "docker-container", executable: "docker", arguments: ["--context=remote", "exec", "-i", "bk", "buildctl", "dial-stdio"])),
    ("podman-container://bk", .helper(scheme: "podman-container", executable: "podman", arguments: ["exec", "-i", "bk", "buildctl", "dial-stdio"])),
    ("nerdctl-container://bk?namespace=ns1", .helper(scheme: "nerdctl-container", executable: "nerdctl", arguments: ["exec", "--namespace", "ns1", "-i", "bk", "buildctl", "dial-stdio"])),
    ("kube-pod://buildkitd-0?context=kind&namespace=ci&container=bk", .helper(scheme: "kube-pod", executable: "kubectl", arguments: ["--context=kind", "--namespace=ci", "exec", "--container=bk", "-i", "buildkitd-0", "--", "buildctl", "dial-stdio"])),
    ("kubepod://pod", .helper(scheme: "kubepod", executable: "kubectl", arguments: ["--context=", "--namespace=", "exec", "--container=", "-i", "pod", "--", "buildctl", "dial-stdio"])),
    ("ssh://me@host:2222/run/buildkit/buildkitd.sock", .helper(scheme: "ssh", executable: "ssh", arguments: ["-l", "me", "-p", "2222", "--", "host", "buildctl", "--addr", "unix:///run/buildkit/buildkitd.sock", "dial-stdio"])),
    ("ssh://host", .helper(scheme: "ssh", executable: "ssh", arguments: ["--", "host", "buildctl", "dial-stdio"])),
    ("buildx://mybuilder", .builder(name: "mybuilder")),
    ("buildx://", .builder(name: nil)),
  ])
  func parses(_ text: String, _ expected: BuildKitAddress) throws {
    #expect(try BuildKitAddress.parse(text) == expected)
  }

  @Test(arguments: [
    ("ssh://me:secret@host", "plain-text password is not supported"),
    ("ssh://host?x=1", "extra query or fragment"),
    ("kube-pod://pod?namespace=Bad_NS", "unsupported namespace name \"Bad_NS\""),
    ("tcp://host:0", "bad port \"0\""),
    ("tcp://host:1/path", "unexpected path /path"),
  ])
  func rejects(_ text: String, _ reason: String) {
    #expect {
      try BuildKitAddress.parse(text)
    } throws: { error in
      let kiln = error as? KilnError
      return kiln?.code == .invalidAddress && kiln?.message.contains(reason) == true && kiln?.message.contains(text) == true
    }
  }
}

struct DockerHostTests {
  @Test func dockerHostWinsOverContext() throws {
    let env = Environment(["DOCKER_HOST": "tcp://1.2.3.4:2376", "DOCKER_CONTEXT": "other", "HOME": "/nonexistent"])
    let host = try DockerHost.resolve(environment: env)
    #expect(host.host == "tcp://1.2.3.4:2376")
    #expect(host.tls == nil)
  }

  @Test func tlsFromEnvironment() throws {
    let env = Environment(["DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/certs"])
    let host = try DockerHost.resolve(environment: env)
    #expect(host.tls == TLSFiles(caCertificate: "/certs/ca.pem", certificate: "/certs/cert.pem", key: "/certs/key.pem"))
  }

  @Test func defaultSocket() throws {
    let host = try DockerHost.resolve(environment: Environment(["HOME": "/nonexistent"]))
    #expect(host.host == "unix:///var/run/docker.sock")
  }

  @Test func missingContextIsNamed() {
    #expect {
      try DockerHost.resolve(environment: Environment(["HOME": "/nonexistent", "DOCKER_CONTEXT": "ghost"]))
    } throws: { error in
      (error as? KilnError)?.message.hasPrefix("Docker context ghost not found") == true
    }
  }
}

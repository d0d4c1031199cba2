/// Instance files as buildx v0.36 writes them (Go `json.Marshal` of
/// `store.NodeGroup`: compact, fields in struct order, no `omitempty`,
/// nil slices and maps as `null`, map keys sorted, `[]byte` as base64).
enum Fixtures {
  /// `docker buildx create --name mybuilder --driver docker-container
  ///   --driver-opt image=moby/buildkit:v0.23.2,network=host
  ///   --driver-opt env.BUILDKIT_STEP_LOG_MAX_SIZE=10485760
  ///   --buildkitd-flags --debug --buildkitd-config buildkitd.toml
  ///   --platform linux/amd64,linux/arm`
  static let dockerContainer =
    #"{"Name":"mybuilder","Driver":"docker-container","Nodes":[{"Name":"mybuilder0","Endpoint":"unix:///var/run/docker.sock","#
    + #""Platforms":[{"architecture":"amd64","os":"linux"},{"architecture":"arm","os":"linux","variant":"v7"}],"#
    + #""DriverOpts":{"env.BUILDKIT_STEP_LOG_MAX_SIZE":"10485760","image":"moby/buildkit:v0.23.2","network":"host"},"#
    + #""Flags":["--debug","--allow-insecure-entitlement=network.host"],"#
    + #""Files":{"buildkitd.toml":"\#(buildkitdTOMLBase64)","certs/myregistry.io/ca.pem":"\#(caBase64)"}}],"Dynamic":false}"#

  static let buildkitdTOML = "debug = true\n\n[registry]\n[registry.'myregistry.io']\nca = ['/etc/buildkit/certs/myregistry.io/ca.pem']\n"
  static let buildkitdTOMLBase64 =
    "ZGVidWcgPSB0cnVlCgpbcmVnaXN0cnldCltyZWdpc3RyeS4nbXlyZWdpc3RyeS5pbyddCmNhID0gWycvZXRjL2J1aWxka2l0L2NlcnRzL215cmVnaXN0cnkuaW8vY2EucGVtJ10K"
  static let ca = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"
  static let caBase64 = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJmYWtlCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K"

  /// `docker buildx create --name remote-builder --driver remote
  ///   --driver-opt cacert=...,cert=...,key=...,servername=buildkitd.example.com
  ///   tcp://buildkitd.example.com:1234`
  static let remote =
    #"{"Name":"remote-builder","Driver":"remote","Nodes":[{"Name":"remote-builder0","Endpoint":"tcp://buildkitd.example.com:1234","#
    + #""Platforms":null,"#
    + #""DriverOpts":{"cacert":"/home/me/certs/ca.pem","cert":"/home/me/certs/cert.pem","key":"/home/me/certs/key.pem","servername":"buildkitd.example.com"},"#
    + #""Flags":null,"Files":null}],"Dynamic":false}"#

  /// Two nodes; the second, appended with `--append --node arm --platform
  /// linux/arm64 ssh://me@arm-host`, took linux/arm64 from the first.
  static let twoNodes =
    #"{"Name":"multi","Driver":"docker-container","Nodes":["#
    + #"{"Name":"multi0","Endpoint":"desktop-linux","Platforms":[{"architecture":"amd64","os":"linux"}],"DriverOpts":null,"Flags":["--allow-insecure-entitlement=network.host"],"Files":null},"#
    + #"{"Name":"arm","Endpoint":"ssh://me@arm-host","Platforms":[{"architecture":"arm64","os":"linux"}],"DriverOpts":null,"Flags":["--allow-insecure-entitlement=network.host"],"Files":null}"#
    + #"],"Dynamic":false}"#
}

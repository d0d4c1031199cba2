import ArgumentParser
import Build

/// The flags of `kiln build`, named and described as in `docker buildx build`.
struct BuildOptions: ParsableArguments {
  @Option(name: [.short, .customLong("tag")], help: "Image identifier (format: \"[registry/]repository[:tag]\")")
  var tags: [String] = []

  @Option(name: [.short, .customLong("file")], help: "Name of the Dockerfile (default: \"PATH/Dockerfile\")")
  var file: String?

  @Option(name: .customLong("build-arg"), help: "Set build-time variables")
  var buildArgs: [String] = []

  @Option(name: .customLong("label"), help: "Set metadata for an image")
  var labels: [String] = []

  @Option(help: "Set the target build stage to build")
  var target: String?

  @Option(name: .customLong("platform"), help: "Set target platform for build")
  var platforms: [String] = []

  @Option(help: "Set type of progress output (\"auto\", \"none\", \"plain\", \"quiet\", \"rawjson\", \"tty\"). Use plain to show container output")
  var progress: String?

  @Flag(name: .customLong("no-cache"), help: "Do not use cache when building the image")
  var noCache = false

  @Flag(help: "Always attempt to pull all referenced images")
  var pull = false

  @Flag(help: "Shorthand for \"--output=type=docker\"")
  var load = false

  @Flag(name: [.short, .customLong("quiet")], help: "Suppress the build output and print image ID on success")
  var quiet = false

  @Option(help: "Set the networking mode for the \"RUN\" instructions during build")
  var network: String?

  @Option(name: .customLong("add-host"), help: "Add a custom host-to-IP mapping (format: \"host:ip\")")
  var addHosts: [String] = []

  @Option(name: [.short, .customLong("output")], help: "Output destination (format: \"type=local,dest=path\")")
  var outputs: [String] = []

  @Option(name: .customLong("secret"), help: "Secret to expose to the build (format: \"id=mysecret[,src=/local/secret]\")")
  var secrets: [String] = []

  @Option(name: .customLong("ssh"), help: "SSH agent socket or keys to expose to the build (format: \"default|<id>[=<socket>|<key>[,<key>]]\")")
  var ssh: [String] = []

  @Flag(help: "Shorthand for \"--output=type=registry,unpack=false\"")
  var push = false

  @Option(name: .customLong("build-context"), help: "Additional build contexts (e.g., name=path)")
  var buildContexts: [String] = []

  @Option(name: .customLong("cache-from"), help: "External cache sources (e.g., \"user/app:cache\", \"type=local,src=path/to/dir\")")
  var cacheFrom: [String] = []

  @Option(name: .customLong("cache-to"), help: "Cache export destinations (e.g., \"user/app:cache\", \"type=local,dest=path/to/dir\")")
  var cacheTo: [String] = []

  @Option(name: .customLong("no-cache-filter"), help: "Do not cache specified stages")
  var noCacheFilter: [String] = []

  @Option(name: .customLong("allow"), help: "Allow extra privileged entitlement (e.g., \"network.host\", \"security.insecure\")")
  var allow: [String] = []

  @Option(name: .customLong("attest"), help: "Attestation parameters (format: \"type=sbom,generator=image\")")
  var attests: [String] = []

  @Option(help: "Shorthand for \"--attest=type=sbom\"")
  var sbom: String?

  @Option(help: "Shorthand for \"--attest=type=provenance\"")
  var provenance: String?

  @Option(name: .customLong("shm-size"), help: "Shared memory size for build containers")
  var shmSize: String?

  @Option(name: .customLong("ulimit"), help: "Ulimit options")
  var ulimits: [String] = []

  @Option(name: .customLong("annotation"), help: "Add annotation to the image")
  var annotations: [String] = []

  @Option(name: .customLong("cgroup-parent"), help: "Set the parent cgroup for the \"RUN\" instructions during build")
  var cgroupParent: String?

  @Option(name: .customLong("metadata-file"), help: "Write build result metadata to a file")
  var metadataFile: String?

  @Option(name: .customLong("iidfile"), help: "Write the image ID to a file")
  var imageIDFile: String?

  var flags: BuildFlags {
    var f = BuildFlags()
    f.tags = tags
    f.file = file
    f.buildArgs = buildArgs
    f.labels = labels
    f.target = target
    f.platforms = platforms
    f.progress = progress
    f.noCache = noCache
    f.pull = pull
    f.load = load
    f.quiet = quiet
    f.network = network
    f.addHosts = addHosts
    f.metadataFile = metadataFile
    f.imageIDFile = imageIDFile
    f.outputs = outputs
    f.secrets = secrets
    f.ssh = ssh
    f.push = push
    f.buildContexts = buildContexts
    f.cacheFrom = cacheFrom
    f.cacheTo = cacheTo
    f.noCacheFilter = noCacheFilter
    f.allow = allow
    f.attests = attests
    f.sbom = sbom
    f.provenance = provenance
    f.shmSize = shmSize
    f.ulimits = ulimits
    f.annotations = annotations
    f.cgroupParent = cgroupParent
    return f
  }
}

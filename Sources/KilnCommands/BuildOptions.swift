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
    return f
  }
}

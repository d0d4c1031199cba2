import ArgumentParser
import Builders
import KilnCore

/// `--builder`, taken by every command that uses a builder (buildx's persistent flag).
struct BuilderOptions: ParsableArguments {
  @Option(name: .customLong("builder"), help: "Override the configured builder instance (default: $BUILDX_BUILDER, else the current builder)")
  var builder: String?

  func resolve(environment: Environment = .current) async throws -> ResolvedBuilder {
    try await BuilderResolver(environment: environment).resolve(name: builder)
  }
}

# The example's bake definition: `kiln bake --print` shows it resolved as buildx would, and
# `kiln bake` builds both targets at once into the engine.
variable "TAG" {
  default = "latest"
}

group "default" {
  targets = ["hello", "hello-stage"]
}

target "hello" {
  context = "."
  tags    = ["kiln-example/hello:${TAG}"]
  args    = { BASE = "busybox:latest" }
  labels  = { "org.opencontainers.image.title" = "kiln example" }
}

# The build stage alone, from the same Dockerfile: the two targets share its steps.
target "hello-stage" {
  inherits = ["hello"]
  target   = "build"
  tags     = ["kiln-example/hello-stage:${TAG}"]
}

# The example's bake definition: `kiln bake --print` shows it resolved as buildx would.
variable "TAG" {
  default = "latest"
}

group "default" {
  targets = ["hello"]
}

target "hello" {
  context = "."
  tags    = ["kiln-example/hello:${TAG}"]
  args    = { BASE = "busybox:latest" }
}

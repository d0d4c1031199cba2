import Testing

/// Compose files alone and with HCL overrides; expected output printed by buildx v0.36.1.
let composeCases: [PrintCase] = [
  PrintCase(
    "compose c1 ",
    files: [("compose.yaml", #"""
      services:
        db:
          build: ./db
          command: ./entrypoint.sh
          image: docker.io/tonistiigi/db
        webapp:
          build:
            context: ./dir
            additional_contexts:
              foo: ./bar
              base: service:db
            dockerfile: Dockerfile-alternate
            network:
              none
            args:
              buildno: 123
              FROMENV:
              PLAIN: "${TAG:-dflt}-$$x"
            labels:
              - "a=b"
            cache_from:
              - type=local,src=path/to/cache
            cache_to:
              - type=local,dest=path/to/cache
            extra_hosts:
              - "somehost:162.242.195.82"
              - "somehost:162.242.195.83"
              - "myhostv6:::1"
            ssh:
              - key=p/key
              - default
            secrets:
              - token
              - aws
            platforms: [linux/amd64, linux/arm64]
            target: final
            x-bake:
              tags: [x:1, x:2]
              output: type=docker
              no-cache: true
          environment:
            FROMENV: fromservice
        webapp2:
          profiles:
            - test
          build:
            context: ./dir
            dockerfile_inline: |
              FROM scratch
            sbom: true
            provenance: mode=max
        noBuild:
          image: nginx
      secrets:
        token:
          environment: ENV_TOKEN
        aws:
          file: creds
      """#)],
    targets: [], env: ["TAG": "t1"],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "db",
              "webapp",
              "webapp2"
            ]
          }
        },
        "target": {
          "db": {
            "context": "db",
            "dockerfile": "Dockerfile",
            "tags": [
              "docker.io/tonistiigi/db"
            ]
          },
          "webapp": {
            "context": "dir",
            "contexts": {
              "base": "target:db",
              "foo": "bar"
            },
            "dockerfile": "Dockerfile-alternate",
            "args": {
              "FROMENV": "fromservice",
              "PLAIN": "t1-$x",
              "buildno": "123"
            },
            "labels": {
              "a": "b"
            },
            "tags": [
              "x:1",
              "x:2"
            ],
            "cache-from": [
              {
                "src": "path/to/cache",
                "type": "local"
              }
            ],
            "cache-to": [
              {
                "dest": "path/to/cache",
                "type": "local"
              }
            ],
            "target": "final",
            "secret": [
              {
                "id": "token",
                "env": "ENV_TOKEN"
              },
              {
                "id": "aws",
                "src": "creds"
              }
            ],
            "ssh": [
              {
                "id": "default"
              },
              {
                "id": "key",
                "paths": [
                  "p/key"
                ]
              }
            ],
            "platforms": [
              "linux/amd64",
              "linux/arm64"
            ],
            "output": [
              {
                "type": "docker"
              }
            ],
            "no-cache": true,
            "network": "none",
            "extra-hosts": {
              "myhostv6": "::1",
              "somehost": "162.242.195.82,162.242.195.83"
            }
          },
          "webapp2": {
            "attest": [
              {
                "type": "sbom"
              },
              {
                "mode": "max",
                "type": "provenance"
              }
            ],
            "context": "dir",
            "dockerfile": "Dockerfile",
            "dockerfile-inline": "FROM scratch\n"
          }
        }
      }

      """#),
  PrintCase(
    "compose c1 webapp",
    files: [("compose.yaml", #"""
      services:
        db:
          build: ./db
          command: ./entrypoint.sh
          image: docker.io/tonistiigi/db
        webapp:
          build:
            context: ./dir
            additional_contexts:
              foo: ./bar
              base: service:db
            dockerfile: Dockerfile-alternate
            network:
              none
            args:
              buildno: 123
              FROMENV:
              PLAIN: "${TAG:-dflt}-$$x"
            labels:
              - "a=b"
            cache_from:
              - type=local,src=path/to/cache
            cache_to:
              - type=local,dest=path/to/cache
            extra_hosts:
              - "somehost:162.242.195.82"
              - "somehost:162.242.195.83"
              - "myhostv6:::1"
            ssh:
              - key=p/key
              - default
            secrets:
              - token
              - aws
            platforms: [linux/amd64, linux/arm64]
            target: final
            x-bake:
              tags: [x:1, x:2]
              output: type=docker
              no-cache: true
          environment:
            FROMENV: fromservice
        webapp2:
          profiles:
            - test
          build:
            context: ./dir
            dockerfile_inline: |
              FROM scratch
            sbom: true
            provenance: mode=max
        noBuild:
          image: nginx
      secrets:
        token:
          environment: ENV_TOKEN
        aws:
          file: creds
      """#)],
    targets: ["webapp"], env: ["TAG": "t1"],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "webapp"
            ]
          }
        },
        "target": {
          "db": {
            "context": "db",
            "dockerfile": "Dockerfile",
            "tags": [
              "docker.io/tonistiigi/db"
            ],
            "output": [
              {
                "type": "cacheonly"
              }
            ]
          },
          "webapp": {
            "context": "dir",
            "contexts": {
              "base": "target:db",
              "foo": "bar"
            },
            "dockerfile": "Dockerfile-alternate",
            "args": {
              "FROMENV": "fromservice",
              "PLAIN": "t1-$x",
              "buildno": "123"
            },
            "labels": {
              "a": "b"
            },
            "tags": [
              "x:1",
              "x:2"
            ],
            "cache-from": [
              {
                "src": "path/to/cache",
                "type": "local"
              }
            ],
            "cache-to": [
              {
                "dest": "path/to/cache",
                "type": "local"
              }
            ],
            "target": "final",
            "secret": [
              {
                "id": "token",
                "env": "ENV_TOKEN"
              },
              {
                "id": "aws",
                "src": "creds"
              }
            ],
            "ssh": [
              {
                "id": "default"
              },
              {
                "id": "key",
                "paths": [
                  "p/key"
                ]
              }
            ],
            "platforms": [
              "linux/amd64",
              "linux/arm64"
            ],
            "output": [
              {
                "type": "docker"
              }
            ],
            "no-cache": true,
            "network": "none",
            "extra-hosts": {
              "myhostv6": "::1",
              "somehost": "162.242.195.82,162.242.195.83"
            }
          }
        }
      }

      """#),
  PrintCase(
    "compose c1 db webapp2",
    files: [("compose.yaml", #"""
      services:
        db:
          build: ./db
          command: ./entrypoint.sh
          image: docker.io/tonistiigi/db
        webapp:
          build:
            context: ./dir
            additional_contexts:
              foo: ./bar
              base: service:db
            dockerfile: Dockerfile-alternate
            network:
              none
            args:
              buildno: 123
              FROMENV:
              PLAIN: "${TAG:-dflt}-$$x"
            labels:
              - "a=b"
            cache_from:
              - type=local,src=path/to/cache
            cache_to:
              - type=local,dest=path/to/cache
            extra_hosts:
              - "somehost:162.242.195.82"
              - "somehost:162.242.195.83"
              - "myhostv6:::1"
            ssh:
              - key=p/key
              - default
            secrets:
              - token
              - aws
            platforms: [linux/amd64, linux/arm64]
            target: final
            x-bake:
              tags: [x:1, x:2]
              output: type=docker
              no-cache: true
          environment:
            FROMENV: fromservice
        webapp2:
          profiles:
            - test
          build:
            context: ./dir
            dockerfile_inline: |
              FROM scratch
            sbom: true
            provenance: mode=max
        noBuild:
          image: nginx
      secrets:
        token:
          environment: ENV_TOKEN
        aws:
          file: creds
      """#)],
    targets: ["db", "webapp2"], env: ["TAG": "t1"],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "db",
              "webapp2"
            ]
          }
        },
        "target": {
          "db": {
            "context": "db",
            "dockerfile": "Dockerfile",
            "tags": [
              "docker.io/tonistiigi/db"
            ]
          },
          "webapp2": {
            "attest": [
              {
                "type": "sbom"
              },
              {
                "mode": "max",
                "type": "provenance"
              }
            ],
            "context": "dir",
            "dockerfile": "Dockerfile",
            "dockerfile-inline": "FROM scratch\n"
          }
        }
      }

      """#),
  PrintCase(
    "compose c2 ",
    files: [("compose.yaml", #"""
      services:
        db:
          build: ./db
          command: ./entrypoint.sh
          image: docker.io/tonistiigi/db
        webapp:
          build:
            context: ./dir
            additional_contexts:
              foo: ./bar
              base: service:db
            dockerfile: Dockerfile-alternate
            network:
              none
            args:
              buildno: 123
              FROMENV:
              PLAIN: "${TAG:-dflt}-$$x"
            labels:
              - "a=b"
            cache_from:
              - type=local,src=path/to/cache
            cache_to:
              - type=local,dest=path/to/cache
            extra_hosts:
              - "somehost:162.242.195.82"
              - "somehost:162.242.195.83"
              - "myhostv6:::1"
            ssh:
              - key=p/key
              - default
            secrets:
              - token
              - aws
            platforms: [linux/amd64, linux/arm64]
            target: final
            x-bake:
              tags: [x:1, x:2]
              output: type=docker
              no-cache: true
          environment:
            FROMENV: fromservice
        webapp2:
          profiles:
            - test
          build:
            context: ./dir
            dockerfile_inline: |
              FROM scratch
            sbom: true
            provenance: mode=max
        noBuild:
          image: nginx
      secrets:
        token:
          environment: ENV_TOKEN
        aws:
          file: creds
      """#), ("docker-bake.hcl", #"""
      target "webapp" {
        tags = ["hcl:1"]
        args = { EXTRA = "1" }
      }
      group "default" { targets = ["webapp"] }
      """#)],
    targets: [], env: ["TAG": "t1"],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "webapp"
            ]
          }
        },
        "target": {
          "db": {
            "context": "db",
            "dockerfile": "Dockerfile",
            "tags": [
              "docker.io/tonistiigi/db"
            ],
            "output": [
              {
                "type": "cacheonly"
              }
            ]
          },
          "webapp": {
            "context": "dir",
            "contexts": {
              "base": "target:db",
              "foo": "bar"
            },
            "dockerfile": "Dockerfile-alternate",
            "args": {
              "EXTRA": "1",
              "FROMENV": "fromservice",
              "PLAIN": "t1-$x",
              "buildno": "123"
            },
            "labels": {
              "a": "b"
            },
            "tags": [
              "hcl:1"
            ],
            "cache-from": [
              {
                "src": "path/to/cache",
                "type": "local"
              }
            ],
            "cache-to": [
              {
                "dest": "path/to/cache",
                "type": "local"
              }
            ],
            "target": "final",
            "secret": [
              {
                "id": "token",
                "env": "ENV_TOKEN"
              },
              {
                "id": "aws",
                "src": "creds"
              }
            ],
            "ssh": [
              {
                "id": "default"
              },
              {
                "id": "key",
                "paths": [
                  "p/key"
                ]
              }
            ],
            "platforms": [
              "linux/amd64",
              "linux/arm64"
            ],
            "output": [
              {
                "type": "docker"
              }
            ],
            "no-cache": true,
            "network": "none",
            "extra-hosts": {
              "myhostv6": "::1",
              "somehost": "162.242.195.82,162.242.195.83"
            }
          }
        }
      }

      """#),
  PrintCase(
    "compose c2 webapp db",
    files: [("compose.yaml", #"""
      services:
        db:
          build: ./db
          command: ./entrypoint.sh
          image: docker.io/tonistiigi/db
        webapp:
          build:
            context: ./dir
            additional_contexts:
              foo: ./bar
              base: service:db
            dockerfile: Dockerfile-alternate
            network:
              none
            args:
              buildno: 123
              FROMENV:
              PLAIN: "${TAG:-dflt}-$$x"
            labels:
              - "a=b"
            cache_from:
              - type=local,src=path/to/cache
            cache_to:
              - type=local,dest=path/to/cache
            extra_hosts:
              - "somehost:162.242.195.82"
              - "somehost:162.242.195.83"
              - "myhostv6:::1"
            ssh:
              - key=p/key
              - default
            secrets:
              - token
              - aws
            platforms: [linux/amd64, linux/arm64]
            target: final
            x-bake:
              tags: [x:1, x:2]
              output: type=docker
              no-cache: true
          environment:
            FROMENV: fromservice
        webapp2:
          profiles:
            - test
          build:
            context: ./dir
            dockerfile_inline: |
              FROM scratch
            sbom: true
            provenance: mode=max
        noBuild:
          image: nginx
      secrets:
        token:
          environment: ENV_TOKEN
        aws:
          file: creds
      """#), ("docker-bake.hcl", #"""
      target "webapp" {
        tags = ["hcl:1"]
        args = { EXTRA = "1" }
      }
      group "default" { targets = ["webapp"] }
      """#)],
    targets: ["webapp", "db"], env: ["TAG": "t1"],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "db",
              "webapp"
            ]
          }
        },
        "target": {
          "db": {
            "context": "db",
            "dockerfile": "Dockerfile",
            "tags": [
              "docker.io/tonistiigi/db"
            ]
          },
          "webapp": {
            "context": "dir",
            "contexts": {
              "base": "target:db",
              "foo": "bar"
            },
            "dockerfile": "Dockerfile-alternate",
            "args": {
              "EXTRA": "1",
              "FROMENV": "fromservice",
              "PLAIN": "t1-$x",
              "buildno": "123"
            },
            "labels": {
              "a": "b"
            },
            "tags": [
              "hcl:1"
            ],
            "cache-from": [
              {
                "src": "path/to/cache",
                "type": "local"
              }
            ],
            "cache-to": [
              {
                "dest": "path/to/cache",
                "type": "local"
              }
            ],
            "target": "final",
            "secret": [
              {
                "id": "token",
                "env": "ENV_TOKEN"
              },
              {
                "id": "aws",
                "src": "creds"
              }
            ],
            "ssh": [
              {
                "id": "default"
              },
              {
                "id": "key",
                "paths": [
                  "p/key"
                ]
              }
            ],
            "platforms": [
              "linux/amd64",
              "linux/arm64"
            ],
            "output": [
              {
                "type": "docker"
              }
            ],
            "no-cache": true,
            "network": "none",
            "extra-hosts": {
              "myhostv6": "::1",
              "somehost": "162.242.195.82,162.242.195.83"
            }
          }
        }
      }

      """#),
  PrintCase(
    "compose shm_size, ulimits, list args from the environment",
    files: [("compose.yml", #"""
      services:
        app:
          build:
            context: .
            shm_size: 64m
            ulimits:
              nproc: 65535
              nofile:
                soft: 20000
                hard: 40000
            tags: ["a:${TAG-none}"]
        other:
          build:
            context: sub
            shm_size: 1000000
            args:
              - A=1
              - B
      """#)],
    env: ["B": "fromenv"],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "app",
              "other"
            ]
          }
        },
        "target": {
          "app": {
            "context": ".",
            "dockerfile": "Dockerfile",
            "tags": [
              "a:none"
            ],
            "shm-size": "64MiB",
            "ulimits": [
              "nofile=20000:40000",
              "nproc=0:0"
            ]
          },
          "other": {
            "context": "sub",
            "dockerfile": "Dockerfile",
            "args": {
              "A": "1",
              "B": "fromenv"
            },
            "shm-size": "976.6KiB"
          }
        }
      }

      """#),
  PrintCase(
    "several compose files merge as compose-go: lists append, args by key, tags once",
    files: [
      ("compose.yaml", #"""
        services:
          app:
            build:
              context: .
              args:
                A: "1"
                B: "2"
              tags: ["r/app:1"]
              cache_from: ["type=registry,ref=r/cache:a"]
        """#),
      ("compose.override.yaml", #"""
        services:
          app:
            build:
              dockerfile: Other.Dockerfile
              args: ["B=3"]
              tags: ["r/app:2", "r/app:1"]
              cache_from: ["type=registry,ref=r/cache:b"]
        """#),
    ],
    expected: #"""
      {
        "group": {
          "default": {
            "targets": [
              "app"
            ]
          }
        },
        "target": {
          "app": {
            "context": ".",
            "dockerfile": "Other.Dockerfile",
            "args": {
              "A": "1",
              "B": "3"
            },
            "tags": [
              "r/app:1",
              "r/app:2"
            ],
            "cache-from": [
              {
                "ref": "r/cache:a",
                "type": "registry"
              },
              {
                "ref": "r/cache:b",
                "type": "registry"
              }
            ]
          }
        }
      }

      """#),
  PrintCase(
    "compose interpolation requires set variables when asked",
    files: [("compose.yaml", "services:\n  app:\n    build:\n      context: ${CTX:?context is required}\n")],
    error: "required variable CTX is missing a value: context is required"),
  PrintCase(
    "unknown build properties are rejected as compose's schema does",
    files: [("compose.yaml", "services:\n  web:\n    build:\n      context: .\n      foo: bar\n")],
    error: "services.web.build additional properties 'foo' not allowed"),
]

@Test(arguments: composeCases) func printCompose(_ c: PrintCase) { check(c) }

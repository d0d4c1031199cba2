# Kiln: `make demo` and `make test` work on a fresh machine (they install
# what they need); the rest are conveniences.
PREFIX ?= /usr/local
PLUGIN_DIR ?= $(HOME)/.docker/cli-plugins

.PHONY: all build demo test engine-up engine-down bench install generate-api clean

all: build

build:
	swift build

demo:
	scripts/demo

test:
	scripts/test

engine-up:
	scripts/engine up

engine-down:
	scripts/engine down

bench:
	bench/run

# A release binary with the Swift runtime linked in, so it runs without /opt/swift.
install:
	swift build -c release --static-swift-stdlib --product kiln
	install -D -s -m 0755 .build/release/kiln $(DESTDIR)$(PREFIX)/bin/kiln
	install -D -s -m 0755 .build/release/kiln $(DESTDIR)$(PLUGIN_DIR)/docker-buildx

generate-api:
	scripts/generate-api

clean:
	rm -rf .build

# The two commands a new machine needs (see README.md): `make demo` and `make test`.
SWIFT ?= swift

.PHONY: setup build release demo test bench clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

demo: release
	.build/release/hairpin info Captures/two-uplinks.pcapng

test:
	@bash scripts/setup.sh --test-peers
	$(SWIFT) test

bench: setup
	cd Benchmarks && ./compare-peers.sh

clean:
	rm -rf .build Benchmarks/.build

# The two commands a new machine needs (see README.md): `make demo` and `make test`.
SWIFT ?= swift

.PHONY: setup build release demo test bench captures clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

demo: release
	.build/release/hairpin info Captures/vmotion-hsrp-hairpin.pcapng
	.build/release/hairpin decode --filter 'vlan and rarp' Captures/vmotion-hsrp-hairpin.pcapng

# Regenerates the scenario captures in Captures/ from the YAML beside them.
captures: release
	for yaml in Captures/*.yaml; do \
	    name=$${yaml%.yaml}; \
	    .build/release/hairpin synth $$yaml -o $$name.pcapng --truth $$name.truth.json; \
	done

test:
	@bash scripts/setup.sh --test-peers
	$(SWIFT) test

bench: setup
	cd Benchmarks && ./compare-peers.sh

clean:
	rm -rf .build Benchmarks/.build

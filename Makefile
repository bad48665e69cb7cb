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
	.build/release/hairpin analyze --topology Captures/vmotion-hsrp-hairpin.topology.yaml Captures/vmotion-hsrp-hairpin.pcapng

# Regenerates the scenario captures in Captures/ from the YAML beside them, and their reports.
captures: release
	for yaml in $$(ls Captures/*.yaml | grep -v "\.topology\.yaml$$"); do \
	    name=$${yaml%.yaml}; \
	    .build/release/hairpin synth $$yaml -o $$name.pcapng --truth $$name.truth.json --topology $$name.topology.yaml; \
	    .build/release/hairpin analyze --json $$name.pcapng > $$name.report.json; \
	done

test:
	@bash scripts/setup.sh --test-peers
	$(SWIFT) test

bench: setup
	cd Benchmarks && ./compare-peers.sh

clean:
	rm -rf .build Benchmarks/.build

# The two commands a new machine needs (see README.md): `make demo` and `make test`.
SWIFT ?= swift

.PHONY: setup build release demo test bench bench-check bench-thresholds bench-instructions bench-instructions-update captures clean

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

# The Swift runtime and Foundation linked in: a third less start-up (no dynamic loading of them),
# and one binary to copy to a sensor that has no Swift toolchain. Linked by the toolchain's lld,
# which does not repeat the static Foundation's own link-time warnings. Optimised across modules
# at link time: the reader's, decoder's and trackers' code meet in one place (one thread on the
# 64-byte benchmark capture 4% fewer instructions, 91 -> 83 ms; the ERSPAN scenario 165 -> 148).
#
# Relative relocations packed (DT_RELR) where the C library reads them (glibc 2.36: Debian 12,
# Ubuntu 22.10 and later): the loader of a position-independent build (PIE=yes, below) fixes
# 77,000 pointers from 15 KB of table instead of 1.9 MB, about 60 fewer page faults. For a sensor with an older C library: make release PACKED_RELOCATIONS=
# No run path to the build folder either (the binary loads no library of its own from there), so
# the loader no longer looks for each library in it first. Both together, medians of 100-150
# alternating runs: --version 4.61 -> 3.95 ms, a 1 KB capture 6.59 -> 5.81, example.pcap 7.94 -> 7.11.
#
# Generic types' metadata made by direct calls, not from mangled names: the runtime checks the
# generic requirements of a type it makes from a name (a dictionary's key is Hashable, an option's
# value parses) by looking up each conformance, and a lookup first scans every conformance record
# of the binary (6,157 here, half of them Foundation's). A run on a 1 KB capture scanned them 42
# times, 12 of them for types made from names (the command line's options, the trackers' tables),
# now 30; with the names no longer decoded, 22.4 -> 17.6 million instructions a run, example.pcap
# 25.5 -> 21.0, --version 11.3 -> 9.5.
#
# The C++ library the Swift runtime calls (32 functions: strings, a condition variable) linked in
# from its archive where one is installed, as the runtime library exception of GCC allows: the
# loader no longer maps and relocates libstdc++.so nor runs its initialisers. The driver names the
# shared library itself, so a folder searched first holds a linker script of that name that takes
# the archive. A 1 KB capture 7.71 -> 6.95 ms (ten rounds of 25 alternating runs). Without the
# archive (no libstdc++-dev), the shared library as before.
STATIC_CXX_FOLDER = $(CURDIR)/.build/static-libstdc++
STATIC_CXX ?= $(shell a=$$( (clang -print-file-name=libstdc++.a || c++ -print-file-name=libstdc++.a) 2>/dev/null | head -1); [ -f "$$a" ] && echo "-Xswiftc -L$(STATIC_CXX_FOLDER)")
#
# Linked at a fixed address (not position independent): the loader then writes no pointer into the
# binary's data at start-up, where each page it relocated was a private copy made by a page fault
# (the metadata and method tables of the Swift runtime, Foundation and Hairpin: 232 of the 718
# faults of a run on a 1 KB capture). 718 -> 486 faults, 5.90 -> 4.73 ms (ten rounds of 25
# alternating runs). The price is address space layout randomisation of the binary's own code and
# data; the stack, the heap, the mapped captures and the shared libraries are still placed at
# random. For a position-independent binary (hardening over start-up): make release PIE=yes
PIE ?= no
POSITION = $(if $(filter yes,$(PIE)),,-Xswiftc -Xclang-linker -Xswiftc -no-pie)
PACKED_RELOCATIONS ?= $(shell getconf GNU_LIBC_VERSION 2>/dev/null | awk '{ split($$2, v, "."); if (v[1] > 2 || (v[1] == 2 && v[2] >= 36)) print "-Xlinker -z -Xlinker pack-relative-relocs" }')
METADATA_ACCESSORS = -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
RELEASE_FLAGS = -c release --static-swift-stdlib -Xswiftc -use-ld=lld --experimental-lto-mode=full --disable-local-rpath $(PACKED_RELOCATIONS) \
	$(METADATA_ACCESSORS) $(STATIC_CXX) $(POSITION)
release: setup
	@mkdir -p $(STATIC_CXX_FOLDER) && echo 'INPUT(-l:libstdc++.a)' > $(STATIC_CXX_FOLDER)/libstdc++.so
	$(SWIFT) build $(RELEASE_FLAGS)

demo: release
	.build/release/hairpin analyze --topology Captures/vmotion-hsrp-hairpin.topology.yaml Captures/vmotion-hsrp-hairpin.pcapng

# Regenerates the scenario captures in Captures/ from the YAML beside them, and their reports.
captures: release
	for yaml in $$(ls Captures/*.yaml | grep -v "\.topology\.yaml$$"); do \
	    name=$${yaml%.yaml}; \
	    .build/release/hairpin synth $$yaml -o $$name.pcapng --truth $$name.truth.json --topology $$name.topology.yaml; \
	    .build/release/hairpin analyze --json $$name.pcapng > $$name.report.json; \
	done

# The test suite, then the instruction counts of the release build (Benchmarks/instructions.sh):
# a rise of more than 3% a frame in any stage fails as a test does.
test:
	@bash scripts/setup.sh --test-peers
	$(SWIFT) test
	Benchmarks/instructions.sh

bench: setup
	cd Benchmarks && ./compare-peers.sh

# Thresholds per toolchain (as swift --version names it): check a run against the committed ones,
# or commit new ones after a deliberate change.
TOOLCHAIN = $(shell swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9]*\.[0-9]*\).*/\1/p' | head -1)
bench-check: setup
	cd Benchmarks && swift package benchmark thresholds check --path Thresholds/$(TOOLCHAIN)
bench-thresholds: setup
	mkdir -p Benchmarks/Thresholds/$(TOOLCHAIN)
	cd Benchmarks && swift package --allow-writing-to-package-directory benchmark thresholds update --path Thresholds/$(TOOLCHAIN)

# Instructions a frame of each stage (callgrind), checked against or recorded in
# Benchmarks/Instructions/<toolchain>.tsv: repeatable on a machine whose wall clock is not.
bench-instructions:
	@bash scripts/setup.sh --test-peers
	Benchmarks/instructions.sh
bench-instructions-update:
	@bash scripts/setup.sh --test-peers
	Benchmarks/instructions.sh --update

clean:
	rm -rf .build Benchmarks/.build

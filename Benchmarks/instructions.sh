#!/usr/bin/env bash
# Instructions a frame of each stage, counted by callgrind, against the counts committed for the
# toolchain in Benchmarks/Instructions/<toolchain>.tsv:
#
#   Benchmarks/instructions.sh            check: fails when a count rose more than TOLERANCE percent
#   Benchmarks/instructions.sh --update   records the counts measured now
#
# Wall-clock thresholds (make bench-check) move with the machine: on a shared 2-core virtual
# machine the same build's decode p90 went from 39 to 23 M frames/s between two periods, so a
# threshold tight enough to see a 5% regression fails on unchanged code. Callgrind counts the
# instructions a program runs, the same for the same binary, input and environment whatever
# else the machine does; a rise in them is a regression on every machine.
#
# Each input is generated twice, with N and 2N frames, and each stage runs once on each under
# callgrind; the difference divided by N is the stage's count a frame, without start-up, the
# report and exit, which every run pays once. Only what runs the same way every time is counted:
# one thread (two threads share frames by timing, `ParallelAnalysis.SoloPolicy`). The stages:
#   read      hairpin bench --stage read --threads 1    records read, nothing decoded
#   decode    hairpin bench --stage decode --threads 1  every frame decoded into a DecodedPacket
#   analyze   hairpin analyze --threads 1               the whole analysis, every tracker on
#   analyze-once  what that run pays once (start-up, the command line, the report, exit): the
#             count of its first file less its frames' share, in instructions, not a frame's
#   print     hairpin decode: every packet printed as a line of text (the first two scenarios)
#   print-json  hairpin decode --json (the first two scenarios)
# The inputs: Ethernet/IPv4/TCP frames of 64, 1514 and 9014 bytes (pcap, as the benchmark suite
# writes them); 64-byte frames two to a flow (tcp-64-flows: 50,000 and 100,000 flows, all of one
# size, so the report's work grows with the frames and counts in theirs: every flow ties at the
# cut of the top talkers); and the built-in scenarios vmotion-hsrp-hairpin, erspan-mirror and
# vxlan-overlay (pcapng: VLAN tags, jumbo migration frames, HSRP, RARP, ERSPAN II, tenant TCP in
# VXLAN), the second file of each at twice the scale; and hairpin-in-turns, the first scenario
# written as dumpcap writes several interfaces (`synth --interface-turns 2ms`: each capture
# point's frames in turns, the file stepping back in time at each), which the reorder window
# puts back in time order.
#
# The release binary is built as `make release` builds it. TOLERANCE (percent, default 3) allows
# for the C library, which picks its string functions by processor.
set -euo pipefail
export LC_ALL=C
# Hash tables seeded the same way in every run: the report's dictionaries then run the same code.
export SWIFT_DETERMINISTIC_HASHING=1
root=$(cd "$(dirname "$0")/.." && pwd)
update=0
[ "${1:-}" = "--update" ] && update=1
tolerance=${TOLERANCE:-3}
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is needed (Debian: apt-get install valgrind)" >&2; exit 1; }
toolchain=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9]*\.[0-9]*\).*/\1/p' | head -1)
baseline="$root/Benchmarks/Instructions/$toolchain.tsv"
make -s -C "$root" release >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Without its debug information, part of which valgrind 3.19 cannot read (it gives up on the
# binary); the instructions are the same.
"$(command -v strip || command -v llvm-strip)" --strip-debug -o "$work/hairpin" "$root/.build/release/hairpin"
hairpin="$work/hairpin"

# The benchmark suite's frames (CaptureReading.swift's generatedCapture), 1 µs apart: 256 flows.
cat > "$work/frames.c" <<'C'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* frames LENGTH COUNT OUT [FLOWS]: with FLOWS, the frames go round that many flows to port 443 */
int main(int argc, char **argv) {
    int length = atoi(argv[1]);
    long count = atol(argv[2]);
    long flows = argc > 4 ? atol(argv[4]) : 0;
    FILE *out = fopen(argv[3], "wb");
    if (!out || length < 54 || length > 65535 || count < 1) { perror("frames"); return 1; }
    uint32_t header[6] = { 0xa1b23c4d, 2 | 4 << 16, 0, 0, 65535, 1 };
    fwrite(header, 4, 6, out);
    unsigned char *frame = calloc(1, length);
    const unsigned char ethernet[14] = { 0, 0x50, 0x56, 0, 0, 2, 0, 0x50, 0x56, 0, 0, 1, 0x08, 0x00 };
    memcpy(frame, ethernet, 14);
    const unsigned char ip[10] = { 0x45, 0, (length - 14) >> 8, (length - 14) & 0xff, 0, 0, 0x40, 0, 64, 6 };
    memcpy(frame + 14, ip, 10);
    const unsigned char ports[4] = { 0x9c, 0x40, 0x1f, 0x40 };
    memcpy(frame + 34, ports, 4);
    frame[46] = 0x50;
    frame[47] = 0x10;
    for (long index = 0; index < count; index++) {
        uint64_t time = 1700000000000000000ull + (uint64_t)index * 1000;
        uint32_t record[4] = { (uint32_t)(time / 1000000000), (uint32_t)(time % 1000000000), (uint32_t)length, (uint32_t)length };
        const unsigned char address[8] = { 10, 0, 0, 1, 10, 0, 0, index & 0xff };
        memcpy(frame + 26, address, 8);
        if (flows > 0) {
            long flow = index % flows;
            const unsigned char many[10] = { 10, flow >> 16 & 0xff, flow >> 8 & 0xff, flow & 0xff, 10, 200, 0, 1, (1024 + flow % 60000) >> 8, (1024 + flow % 60000) & 0xff };
            memcpy(frame + 26, many, 10);
            frame[36] = 443 >> 8;
            frame[37] = 443 & 0xff;
        }
        fwrite(record, 4, 4, out);
        fwrite(frame, 1, length, out);
    }
    return fclose(out) != 0;
}
C
"$(command -v cc || command -v clang)" -O2 -o "$work/frames" "$work/frames.c"

# name, then how to make its two files ($1: 1 or 2, the multiple; $2: the path).
inputs=(tcp-64 tcp-1514 tcp-9014 tcp-64-flows vmotion-hsrp-hairpin erspan-mirror vxlan-overlay hairpin-in-turns)
make_input() {
    local name=$1 multiple=$2 path=$3
    case $name in
    tcp-64) "$work/frames" 64 $((100000 * multiple)) "$path" ;;
    tcp-1514) "$work/frames" 1514 $((50000 * multiple)) "$path" ;;
    tcp-9014) "$work/frames" 9014 $((20000 * multiple)) "$path" ;;
    tcp-64-flows) "$work/frames" 64 $((100000 * multiple)) "$path" $((50000 * multiple)) ;;
    hairpin-in-turns) "$hairpin" synth vmotion-hsrp-hairpin --interface-turns 2ms --scale $((5 * multiple)) -o "$path" >/dev/null 2>&1 ;;
    *) "$hairpin" synth "$name" --scale $((5 * multiple)) -o "$path" >/dev/null 2>&1 ;;
    esac
}
frames_in() { "$hairpin" info --json "$1" | sed -n 's/.*"packets": *\([0-9]*\).*/\1/p' | head -1; }
# Instructions of one run of stage $1 on file $2 (every thread's).
count() {
    local out="$work/callgrind.out"
    case $1 in
    read | decode) valgrind --tool=callgrind --callgrind-out-file="$out" \
                       "$hairpin" bench --stage "$1" --runs 1 --warmup 0 --threads 1 --json "$2" >/dev/null 2>"$work/valgrind.log" ;;
    analyze) valgrind --tool=callgrind --callgrind-out-file="$out" \
                 "$hairpin" analyze --threads 1 --json "$2" >/dev/null 2>"$work/valgrind.log" ;;
    print) valgrind --tool=callgrind --callgrind-out-file="$out" "$hairpin" decode "$2" >/dev/null 2>"$work/valgrind.log" ;;
    print-json) valgrind --tool=callgrind --callgrind-out-file="$out" "$hairpin" decode --json "$2" >/dev/null 2>"$work/valgrind.log" ;;
    esac
    sed -n 's/^summary: *//p' "$out" | head -1
    rm -f "$out"
}

results="$work/results.tsv"
for name in "${inputs[@]}"; do
    make_input "$name" 1 "$work/$name-1"
    make_input "$name" 2 "$work/$name-2"
    small=$(frames_in "$work/$name-1")
    large=$(frames_in "$work/$name-2")
    # Printing, whose lines differ by frame, on the scenarios' mix (VLANs, tunnels, HSRP, RARP).
    stages=(read decode analyze)
    case $name in vmotion-hsrp-hairpin | erspan-mirror) stages+=(print print-json) ;; esac
    for stage in "${stages[@]}"; do
        a=$(count "$stage" "$work/$name-1")
        b=$(count "$stage" "$work/$name-2")
        awk -v s="$stage" -v n="$name" -v a="$a" -v b="$b" -v f=$((large - small)) 'BEGIN { printf "%s\t%s\t%.1f\n", s, n, (b - a) / f }' >> "$results"
        # What a run pays once, whatever its length: start-up, the report, exit.
        if [ "$stage" = analyze ]; then
            awk -v n="$name" -v a="$a" -v b="$b" -v s="$small" -v l="$large" \
                'BEGIN { printf "analyze-once\t%s\t%.0f\n", n, a - (b - a) / (l - s) * s }' >> "$results"
        fi
    done
    rm -f "$work/$name-1" "$work/$name-2"
done

if [ "$update" = 1 ]; then
    mkdir -p "$(dirname "$baseline")"
    {
        echo "# Instructions a frame (analyze-once: a run), counted by callgrind; Benchmarks/instructions.sh --update, Swift $toolchain"
        printf '# stage\tinput\tinstructions\n'
        cat "$results"
    } > "$baseline"
    echo "recorded in ${baseline#"$root"/}:"
    column -t -s $'\t' "$results"
    exit 0
fi

if [ ! -f "$baseline" ]; then
    echo "no counts recorded for Swift $toolchain (${baseline#"$root"/}): measured, not checked:"
    column -t -s $'\t' "$results"
    exit 0
fi
awk -F '\t' -v tolerance="$tolerance" '
    FNR == NR { if ($0 !~ /^#/) recorded[$1 "\t" $2] = $3; next }
    BEGIN { printf "%-13s %-22s %12s %12s %8s\n", "stage", "input", "recorded", "now", "change" }
    {
        key = $1 "\t" $2
        if (!(key in recorded)) { printf "%-13s %-22s %12s %12.1f %8s\n", $1, $2, "-", $3, "new"; next }
        change = 100 * ($3 - recorded[key]) / recorded[key]
        verdict = change > tolerance ? "  REGRESSION" : change < -tolerance ? "  better: record with --update" : ""
        if (change > tolerance) failed = 1
        printf "%-13s %-22s %12.1f %12.1f %+7.1f%%%s\n", $1, $2, recorded[key], $3, change, verdict
    }
    END {
        if (failed) { printf "instructions a frame rose more than %s%% over the recorded counts\n", tolerance; exit 1 }
        printf "every count within %s%% of the recorded one or below it\n", tolerance
    }' "$baseline" "$results"

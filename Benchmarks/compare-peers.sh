#!/usr/bin/env bash
# The benchmark suite, then Hairpin next to its peers (compare.sh: tcpdump, tshark, a libpcap
# read loop, cat) on the captures the suite generates, so the numbers come from one run on one
# machine. Arguments go to `swift package benchmark`.
set -euo pipefail
cd "$(dirname "$0")"
swift package benchmark --format markdown "$@"
tmp=$(dirname "$(mktemp -u)")
for length in 64 1514 9014; do
    file="$tmp/hairpin-bench-tcp-$length.pcap"
    [ -f "$file" ] && ./compare.sh "$file" 3
done

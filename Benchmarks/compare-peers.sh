#!/usr/bin/env bash
# Times the peers on the captures the benchmark suite generates, right after the suite, so
# the numbers come from one run on one machine: tcpdump reading and rewriting every record
# (`tcpdump -r FILE -w /dev/null`) and `cat FILE | cat > /dev/null` (a plain copy through a
# pipe; `cat FILE > /dev/null` alone is answered by the kernel without copying).
set -euo pipefail
cd "$(dirname "$0")"
swift package benchmark --format markdown "$@"
best() { # best of three wall-clock seconds of a command
    local best=""
    for _ in 1 2 3; do
        local start end
        start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
        best=$(echo "$start $end ${best:-999999}" | awk '{d=$2-$1; print (d<$3)?d:$3}')
    done
    echo "$best"
}
tmp=$(dirname "$(mktemp -u)")
# A plain libpcap read loop that only counts records: the ceiling of any libpcap-based reader.
loop="$tmp/hairpin-pcap-count"
cat > "$loop.c" <<'C'
#include <pcap/pcap.h>
#include <stdio.h>
int main(int argc, char **argv) {
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(argv[1], errbuf);
    if (!p) { fprintf(stderr, "%s\n", errbuf); return 1; }
    struct pcap_pkthdr *h; const u_char *d; long n = 0;
    while (pcap_next_ex(p, &h, &d) == 1) n++;
    printf("%ld\n", n);
    return 0;
}
C
cc -O2 -o "$loop" "$loop.c" -lpcap
for length in 64 1514; do
    file="$tmp/hairpin-bench-$length.pcap"
    [ -f "$file" ] || continue
    cat "$file" >/dev/null
    packets=1000000
    size=$(stat -c %s "$file")
    t=$(best "$loop" "$file")
    echo "libpcap pcap_next_ex count loop, ${length}-byte frames: $t s, $(awk -v p=$packets -v t=$t 'BEGIN{printf "%.2f", p/t/1e6}') M packets/s"
    if command -v tcpdump >/dev/null; then
        t=$(best tcpdump -r "$file" -w /dev/null)
        echo "tcpdump -r -w /dev/null, ${length}-byte frames: $t s, $(awk -v p=$packets -v t=$t 'BEGIN{printf "%.2f", p/t/1e6}') M packets/s"
    fi
    t=$(best sh -c "cat '$file' | cat > /dev/null")
    echo "cat | cat > /dev/null, ${length}-byte frames: $t s, $(awk -v s=$size -v t=$t 'BEGIN{printf "%.0f", s/t/1e6}') MB/s"
done

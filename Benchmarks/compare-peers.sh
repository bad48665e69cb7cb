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

# A million 64-byte frames take some 60 ms, of which about a fifth is what every run pays once
# (start-up, the reorder window's first look-ahead, handing the mapping back, the report). The
# same frames ten times over, each copy a second after the one before (800 MB), show the rate a
# long capture is read at: every record of the small capture, its seconds raised by the copy's
# number.
small="$tmp/hairpin-bench-tcp-64.pcap"
large="$tmp/hairpin-bench-tcp-64-x10.pcap"
if [ -f "$small" ]; then
    if [ ! -f "$large" ] || [ "$large" -ot "$small" ]; then
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        cat > "$work/repeat.c" <<'C'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* repeat IN OUT COPIES: a little-endian pcap's records COPIES times, each copy's seconds raised by its number. */
int main(int argc, char **argv) {
    FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");
    int copies = atoi(argv[3]);
    if (!in || !out || copies < 1) { perror("repeat"); return 1; }
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    unsigned char *bytes = malloc(size);
    rewind(in);
    if (!bytes || fread(bytes, 1, size, in) != (size_t)size) { perror("read"); return 1; }
    fwrite(bytes, 1, 24, out);
    for (int copy = 0; copy < copies; copy++) {
        for (long offset = 24; offset + 16 <= size;) {
            uint32_t seconds, captured;
            memcpy(&seconds, bytes + offset, 4);
            memcpy(&captured, bytes + offset + 8, 4);
            if (offset + 16 + (long)captured > size) break;
            seconds += copy;
            fwrite(&seconds, 4, 1, out);
            fwrite(bytes + offset + 4, 1, 12 + captured, out);
            offset += 16 + captured;
        }
    }
    return fclose(out) == 0 ? 0 : 1;
}
C
        cc -O2 -o "$work/repeat" "$work/repeat.c"
        "$work/repeat" "$small" "$large.partial" 10
        mv "$large.partial" "$large"
    fi
    ./compare.sh "$large" 3
fi

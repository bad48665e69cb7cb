#!/usr/bin/env bash
# Hairpin next to its peers on one capture, measured the same way in one run:
#
#   Benchmarks/compare.sh FILE [RUNS]
#
# Each command runs RUNS times (default 5), the commands taking turns so that a slow moment of
# the machine hits all of them, after one warm-up pass that puts the file in the page cache.
# The table gives each median, packets/s, file bytes/s and the ratio of Hairpin's analysis to it
# (above 1: Hairpin is faster). Every time is a whole process, start-up included. The commands:
#   hairpin analyze        the whole analysis and its report (process wall time; two threads on
#                          a machine with two cores, as hairpin analyze runs by default)
#   analyze --threads 1    the same on one thread
#   hairpin decode-only    read + decode of every frame (`hairpin bench --stage decode --runs 1 --warmup 0`;
#                          a pcap file of 16 MB or more is read in pieces, one per core up to 3)
#   libpcap count loop     a C program that only counts records with pcap_next_ex (built here)
#   mmap page-touch loop   a C program that maps the file and reads one byte of each page (built
#                          here): what the kernel charges for mapping it, a floor for any reader
#                          of mapped memory on one thread
#   tcpdump -r -w          tcpdump reading every record and writing it to /dev/null
#   tshark io,stat         `tshark -q -z io,stat,1`, on the first TSHARK_PACKETS records (default
#                          200000) when the file has more, extrapolated to the whole file
#   cat > /dev/null        GNU cat (which may hand the copy to the kernel)
#   cat | cat              a copy through a pipe: every byte passes user space
#   hairpin start-up       `hairpin --version`: what every hairpin row above pays before it reads
#                          a byte (loading, the Swift runtime, the command line, exit); on a
#                          capture of a few thousand packets it is most of the run
#
# Below the table, what two cores of the machine gave at the time, measured in every round by a C
# program built here (`cores`, below): the same work on one thread and then split over two, each
# on a core of its own, on a table in each core's cache and on one in memory, and the time one
# core takes to hand the other a record through a ring. On a virtual machine the second core
# does not always give a whole core's worth: hairpin's own ratio of one thread to two is to be
# read against these.
#
# A second table gives the time inside the process, without start-up and exit, of the same runs
# where the program keeps its own clock: the decode-only row (`hairpin bench`'s median, from the
# opening of the file to the last record decoded), the libpcap loop (from pcap_open_offline to its
# last record), and the analysis as `hairpin bench --stage analyze --runs 1 --warmup 0` times it
# (run for this table; it reads as `hairpin analyze` does, without printing the report). Its
# ratios are to the libpcap loop's: the reading speeds of the two, start-up aside.
#
# PRINT=1 adds a third table: every packet printed as a line of text to /dev/null, Hairpin's
# decode next to tcpdump's printer (tcpdump -n -r FILE, and with -e -tttt, which prints the MACs
# and the date as hairpin decode does) and tshark's (on a prefix when the file is larger, as for
# io,stat), and hairpin decode --json.
#
# How the file came into the page cache changes what reading it costs. A file read from disk is
# held in large folios (up to 2 MB each): mapping it costs the kernel almost nothing and copying
# it is faster too. A file written on this machine (a capture just taken, or made by hairpin
# synth) is held in 4 KB pages, and every reader pays for each page: on a 2-core virtual machine,
# touching each page of a 1.5 GB capture took 0.11 s in 4 KB pages and 0.006 s in large folios,
# and cat took 0.11 s and 0.056 s. FROM_DISK=1 drops the file from the page cache first
# (`dd iflag=nocache`) and reads it back from disk with cat, as a capture copied from elsewhere
# is first read; by default the file is measured as it is cached.
set -euo pipefail
# Times are read from bash's clock ($EPOCHREALTIME, with a "." in the C locale): a `date` process
# per reading added about a millisecond to every command, which shrank every ratio toward 1.
export LC_ALL=C
file=${1:?usage: Benchmarks/compare.sh FILE [RUNS]}
runs=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
hairpin="$root/.build/release/hairpin"
# Built as `make release` builds it (its flags are the Makefile's).
[ -x "$hairpin" ] || make -s -C "$root" release >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/count.c" <<'C'
#include <pcap/pcap.h>
#include <stdio.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
    char errbuf[PCAP_ERRBUF_SIZE];
    double start = now();
    pcap_t *p = pcap_open_offline(argv[1], errbuf);
    if (!p) { fprintf(stderr, "%s\n", errbuf); return 1; }
    struct pcap_pkthdr *h; const u_char *d; long n = 0;
    while (pcap_next_ex(p, &h, &d) == 1) n++;
    /* Records, then the seconds of the loop itself (opening the file included). */
    printf("%ld %.6f\n", n, now() - start);
    return 0;
}
C
cc -O2 -o "$work/count" "$work/count.c" -lpcap

cat > "$work/touch.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv) {
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) { perror(argv[1]); return 1; }
    const volatile unsigned char *p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) { perror("mmap"); return 1; }
    madvise((void *)p, st.st_size, MADV_SEQUENTIAL);
    long page = sysconf(_SC_PAGESIZE);
    unsigned long sum = 0;
    for (off_t i = 0; i < st.st_size; i += page) sum += p[i];
    printf("%lu\n", sum);
    return 0;
}
C
cc -O2 -o "$work/touch" "$work/touch.c"

# cores: the seconds of a fixed amount of work on one thread, then of the same work split over
# two threads, each kept on one of the first two cores the process may use, twice: sums over a
# table of 64 KB per thread, several at once (in each core's own cache, many instructions a
# cycle, as Hairpin's per-frame code runs: a core whose other half the host gives to someone
# else slows most on such code), then reads and writes of a table of 64 MB per thread at places
# its arithmetic picks (in memory, as a large flow table is). The tables are made and touched
# before the clock starts. Then the nanoseconds one core takes to hand the other a
# record of 128 bytes through a ring of 8 batches of 512, as the frame ring hands on a frame's
# summary: on a virtual machine whose two cores the host sometimes places apart, 15-20 ns in one
# moment and 75 in the next.
cat > "$work/cores.c" <<'C'
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static int cores[2];
struct share { int core; long steps; uint64_t *table; uint64_t mask; uint64_t result; };
static void pin(int core) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(core, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}
/* Passes over the whole table, six sums at once. */
static void *sums(void *argument) {
    struct share *share = argument;
    pin(share->core);
    const uint64_t *table = share->table;
    uint64_t a = 0, b = 0, c = 0, d = 0, e = 0, f = 0;
    for (long pass = 0; pass < share->steps; pass++) {
        for (uint64_t i = 0; i + 6 <= share->mask + 1; i += 6) {
            a += table[i]; b ^= table[i + 1]; c += table[i + 2] >> 1; d |= table[i + 3]; e += table[i + 4] ^ a; f += table[i + 5] + b;
        }
        __asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(e), "+r"(f));
    }
    share->result = a + b + c + d + e + f;
    return NULL;
}
/* Reads and writes at places a xorshift picks. */
static void *scattered(void *argument) {
    struct share *share = argument;
    pin(share->core);
    uint64_t x = 0x9E3779B97F4A7C15ull, sum = 0;
    for (long i = 0; i < share->steps; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        uint64_t *slot = share->table + (x & share->mask);
        sum += *slot;
        *slot += x;
    }
    share->result = sum;
    return NULL;
}
/* The seconds of `steps` steps on one thread, then split over two. */
static void run(void *(*work)(void *), long steps, long words, double *one, double *two) {
    uint64_t *tables[2];
    for (int t = 0; t < 2; t++) { tables[t] = malloc(words * sizeof(uint64_t)); memset(tables[t], 1, words * sizeof(uint64_t)); }
    for (int threads = 1; threads <= 2; threads++) {
        pthread_t ids[2];
        struct share shares[2];
        double start = now();
        for (int t = 0; t < threads; t++) {
            shares[t] = (struct share){ cores[t], steps / threads, tables[t], words - 1, 0 };
            pthread_create(&ids[t], NULL, work, &shares[t]);
        }
        for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
        *(threads == 1 ? one : two) = now() - start;
    }
    for (int t = 0; t < 2; t++) free(tables[t]);
}
/* The hand-over: the writer fills batches of records, the reader reads every word of them. */
enum { RECORD = 128, BATCH = 512, BATCHES = 8, HANDED = 1 << 21 };
static unsigned char *ring;
static volatile long published, consumed;
static volatile uint64_t kept; /* the reader's sum, so that its reads are not left out */
static void *writer(void *argument) {
    pin(cores[0]);
    for (long batch = 0; batch < HANDED / BATCH; batch++) {
        while (batch - __atomic_load_n(&consumed, __ATOMIC_ACQUIRE) >= BATCHES) {}
        uint64_t *words = (uint64_t *)(ring + (batch % BATCHES) * BATCH * RECORD);
        for (long word = 0; word < BATCH * RECORD / 8; word++) words[word] = batch + word;
        __atomic_store_n(&published, batch + 1, __ATOMIC_RELEASE);
    }
    return argument;
}
static double handOver(void) {
    ring = calloc(BATCHES * BATCH, RECORD);
    published = consumed = 0;
    pthread_t id;
    double start = now();
    pthread_create(&id, NULL, writer, NULL);
    pin(cores[1]);
    uint64_t sum = 0;
    for (long batch = 0; batch < HANDED / BATCH; batch++) {
        while (__atomic_load_n(&published, __ATOMIC_ACQUIRE) <= batch) {}
        const uint64_t *words = (const uint64_t *)(ring + (batch % BATCHES) * BATCH * RECORD);
        for (long word = 0; word < BATCH * RECORD / 8; word++) sum += words[word];
        __atomic_store_n(&consumed, batch + 1, __ATOMIC_RELEASE);
    }
    pthread_join(id, NULL);
    double seconds = now() - start;
    free(ring);
    kept = sum;
    return seconds * 1e9 / HANDED;
}
int main(void) {
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return 1;
    int found = 0;
    for (int c = 0; c < CPU_SETSIZE && found < 2; c++) if (CPU_ISSET(c, &allowed)) cores[found++] = c;
    if (found < 2) return 1;
    double cachedOne, cachedTwo, memoryOne, memoryTwo;
    run(sums, 32768, 1L << 13, &cachedOne, &cachedTwo);
    run(scattered, 1L << 21, 1L << 23, &memoryOne, &memoryTwo);
    printf("%.6f %.6f %.6f %.6f %.1f\n", cachedOne, cachedTwo, memoryOne, memoryTwo, handOver());
    return 0;
}
C
# Linux only (thread affinity): elsewhere the two-core line is left out.
cc -O2 -o "$work/cores" "$work/cores.c" -lpthread 2>/dev/null || true

packets=$("$work/count" "$file" | cut -d' ' -f1)
size=$(stat -L -c %s "$file")
tshark_packets=${TSHARK_PACKETS:-200000}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }

names=("hairpin analyze" "analyze --threads 1" "hairpin decode-only" "libpcap count loop" "tcpdump -r -w" "tshark io,stat"
       "cat > /dev/null" "cat | cat" "mmap page-touch loop" "hairpin start-up")
# The seconds inside the process of the run just made of command $1, kept for the second table.
inner() { echo "$2" >> "$work/inner.$1"; }
median_seconds() { sed -n 's/.*"median_seconds": *\([0-9.e+-]*\).*/\1/p' "$1" | head -1; }
# One run of command $1 (an index into names); prints its seconds for the whole file.
run() {
    local start end
    case $1 in
    0) start=$EPOCHREALTIME; "$hairpin" analyze --json "$file" >/dev/null; end=$EPOCHREALTIME; elapsed "$start" "$end" ;;
    1) start=$EPOCHREALTIME; "$hairpin" analyze --json --threads 1 "$file" >/dev/null; end=$EPOCHREALTIME; elapsed "$start" "$end" ;;
    2) start=$EPOCHREALTIME; "$hairpin" bench --stage decode --runs 1 --warmup 0 --json "$file" >"$work/bench.json"; end=$EPOCHREALTIME
       inner decode "$(median_seconds "$work/bench.json")"; elapsed "$start" "$end" ;;
    3) start=$EPOCHREALTIME; "$work/count" "$file" >"$work/count.out"; end=$EPOCHREALTIME
       inner libpcap "$(cut -d' ' -f2 "$work/count.out")"; elapsed "$start" "$end" ;;
    4) command -v tcpdump >/dev/null || { echo NA; return; }
       start=$EPOCHREALTIME; tcpdump -r "$file" -w /dev/null 2>/dev/null; end=$EPOCHREALTIME; elapsed "$start" "$end" ;;
    5) command -v tshark >/dev/null || { echo NA; return; }
       local limit=$packets
       [ "$packets" -gt "$tshark_packets" ] && limit=$tshark_packets
       start=$EPOCHREALTIME; tshark -n -q -z io,stat,1 -c "$limit" -r "$file" >/dev/null 2>&1; end=$EPOCHREALTIME
       awk -v a="$start" -v b="$end" -v n="$packets" -v l="$limit" 'BEGIN { printf "%.6f", (b - a) * n / l }' ;;
    6) start=$EPOCHREALTIME; cat "$file" >/dev/null; end=$EPOCHREALTIME; elapsed "$start" "$end" ;;
    7) start=$EPOCHREALTIME; cat "$file" | cat >/dev/null; end=$EPOCHREALTIME; elapsed "$start" "$end" ;;
    8) start=$EPOCHREALTIME; "$work/touch" "$file" >/dev/null; end=$EPOCHREALTIME; elapsed "$start" "$end" ;;
    9) start=$EPOCHREALTIME; "$hairpin" --version >/dev/null; end=$EPOCHREALTIME; elapsed "$start" "$end"
       # Only inside the process: the analysis as hairpin bench times it.
       "$hairpin" bench --stage analyze --runs 1 --warmup 0 --json "$file" >"$work/bench.json"
       inner analyze "$(median_seconds "$work/bench.json")"
       # And the machine's two cores at this moment.
       if [ -x "$work/cores" ] && read -r one two memory_one memory_two hand_over < <("$work/cores"); then
           inner cores1 "$one"
           inner cores2 "$two"
           inner memory1 "$memory_one"
           inner memory2 "$memory_two"
           inner handover "$hand_over"
           # Its tables pushed everything else out of the caches: the next round's first command
           # would pay for that on the clock (hairpin analyze of example.pcap right after it
           # 5.4 ms, the same run once more 4.8; medians of 12 rounds). An untimed run brings
           # hairpin's code and tables back first.
           "$hairpin" analyze --json "$file" >/dev/null
       fi ;;
    esac
}

if [ "${FROM_DISK:-0}" = 1 ]; then
    dd if="$file" iflag=nocache count=0 status=none
    cat "$file" >/dev/null
    echo "$file: dropped from the page cache and read back from disk"
fi
for index in "${!names[@]}"; do run "$index" >/dev/null; done
rm -f "$work"/inner.*
declare -A times
for _ in $(seq "$runs"); do
    for index in "${!names[@]}"; do times[$index]+="$(run "$index") "; done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (v[1] == "NA") print "NA"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

hairpin_seconds=$(echo "${times[0]}" | median)
echo "$file: $packets packets, $size bytes; median of $runs runs each"
[ "$packets" -gt "$tshark_packets" ] && command -v tshark >/dev/null && \
    echo "tshark read the first $tshark_packets packets; its time is extrapolated to the whole file"
printf '%-22s %12s %14s %14s %18s\n' command median packets/s "file bytes/s" "hairpin analyze is"
for index in "${!names[@]}"; do
    seconds=$(echo "${times[$index]}" | median)
    if [ "$seconds" = NA ]; then printf '%-22s %12s\n' "${names[$index]}" "not installed"; continue; fi
    if [ "$index" = 9 ]; then
        # Not a reader: its share of the analysis' time instead of rates.
        awk -v name="${names[$index]}" -v s="$seconds" -v h="$hairpin_seconds" 'BEGIN {
            printf "%-22s %10.3f s %12s %17s %15.0f%% of it\n", name, s, "-", "-", 100 * s / h }'
        continue
    fi
    awk -v name="${names[$index]}" -v s="$seconds" -v p="$packets" -v b="$size" -v h="$hairpin_seconds" 'BEGIN {
        printf "%-22s %10.3f s %12.2f M %12.2f GB/s %16.2fx\n", name, s, p / s / 1e6, b / s / 1e9, s / h }'
done

if [ -s "$work/inner.cores1" ]; then
    # Medians of each loop's ratio of one thread's time to two threads'.
    ratios() { paste "$work/inner.$1" "$work/inner.$2" | awk '{ print $1 / $2 }' | median; }
    echo "two cores meanwhile: a C loop split over two threads ran $(ratios cores1 cores2 | xargs printf '%.2f')x its one-thread speed in each core's cache, $(ratios memory1 memory2 | xargs printf '%.2f')x in memory"
    read -r fastest slowest < <(sort -g "$work/inner.handover" | sed -n '1p;$p' | paste -sd' ')
    printf "one core handed the other a 128-byte record (a frame summary's size) in %.0f ns (median; %.0f-%.0f over the rounds)\n" \
        "$(median < "$work/inner.handover")" "$fastest" "${slowest:-$fastest}"
fi

# Inside the process: no start-up or exit, each program's own clock.
echo
echo "inside the process (each program's own clock), median of $runs runs each"
printf '%-22s %12s %14s %14s %18s\n' command median packets/s "file bytes/s" "vs libpcap loop"
libpcap_inner=$(median < "$work/inner.libpcap" 2>/dev/null || true)
for row in "analyze:hairpin analyze" "decode:hairpin decode-only" "libpcap:libpcap count loop"; do
    key=${row%%:*}; name=${row#*:}
    seconds=$([ -s "$work/inner.$key" ] && median < "$work/inner.$key")
    if [ -z "$seconds" ] || [ -z "$libpcap_inner" ]; then printf '%-22s %12s\n' "$name" "not measured"; continue; fi
    awk -v name="$name" -v s="$seconds" -v p="$packets" -v b="$size" -v l="$libpcap_inner" 'BEGIN {
        printf "%-22s %10.3f s %12.2f M %12.2f GB/s %16.2fx\n", name, s, p / s / 1e6, b / s / 1e9, l / s }'
done

[ "${PRINT:-0}" = 1 ] || exit 0
# Printing every packet: a line of text each, to /dev/null.
print_names=("hairpin decode" "hairpin decode --json" "tcpdump -n -r" "tcpdump -n -e -tttt -r" "tshark -r")
print_run() {
    local start end
    case $1 in
    0) start=$EPOCHREALTIME; "$hairpin" decode "$file" >/dev/null 2>&1; end=$EPOCHREALTIME; elapsed "$start" "$end" ;;
    1) start=$EPOCHREALTIME; "$hairpin" decode --json "$file" >/dev/null 2>&1; end=$EPOCHREALTIME; elapsed "$start" "$end" ;;
    2) command -v tcpdump >/dev/null || { echo NA; return; }
       start=$EPOCHREALTIME; tcpdump -n -r "$file" >/dev/null 2>&1; end=$EPOCHREALTIME; elapsed "$start" "$end" ;;
    3) command -v tcpdump >/dev/null || { echo NA; return; }
       start=$EPOCHREALTIME; tcpdump -n -e -tttt -r "$file" >/dev/null 2>&1; end=$EPOCHREALTIME; elapsed "$start" "$end" ;;
    4) command -v tshark >/dev/null || { echo NA; return; }
       local limit=$packets
       [ "$packets" -gt "$tshark_packets" ] && limit=$tshark_packets
       start=$EPOCHREALTIME; tshark -n -c "$limit" -r "$file" >/dev/null 2>&1; end=$EPOCHREALTIME
       awk -v a="$start" -v b="$end" -v n="$packets" -v l="$limit" 'BEGIN { printf "%.6f", (b - a) * n / l }' ;;
    esac
}
declare -A print_times
for _ in $(seq "$runs"); do
    for index in "${!print_names[@]}"; do print_times[$index]+="$(print_run "$index") "; done
done
echo
echo "every packet printed as text to /dev/null, median of $runs runs each"
printf '%-22s %12s %14s %18s\n' command median packets/s "hairpin decode is"
decode_seconds=$(echo "${print_times[0]}" | median)
for index in "${!print_names[@]}"; do
    seconds=$(echo "${print_times[$index]}" | median)
    if [ "$seconds" = NA ]; then printf '%-22s %12s\n' "${print_names[$index]}" "not installed"; continue; fi
    awk -v name="${print_names[$index]}" -v s="$seconds" -v p="$packets" -v h="$decode_seconds" 'BEGIN {
        printf "%-22s %10.3f s %12.2f M %17.2fx\n", name, s, p / s / 1e6, s / h }'
done

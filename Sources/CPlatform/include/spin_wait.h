#ifndef HAIRPIN_SPIN_WAIT_H
#define HAIRPIN_SPIN_WAIT_H

/// One turn of a loop waiting for another core to change a value: tells the core so (x86
/// PAUSE, Arm YIELD), so the waiting thread does not crowd a sibling hyperthread or flood the
/// memory order machinery while it waits.
static inline void hairpin_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// Asks for the cache line at `address` ahead of its use: a hint, which never faults.
static inline void hairpin_prefetch(const void *address) {
    __builtin_prefetch(address);
}

/// Asks for the cache line at `address` to be written soon: fetched for ownership, so the
/// stores that follow need not each wait for another core to give the line up.
static inline void hairpin_prefetch_for_write(void *address) {
#if defined(__x86_64__)
    // PREFETCHW, which the compiler emits only when told the machine has it: x86-64 processors
    // without it (Intel's before Broadwell) run it as a no-op.
    __asm__ __volatile__("prefetchw %0" : : "m"(*(const char *)address));
#else
    __builtin_prefetch(address, 1);
#endif
}

/// Copies `pairs` 16-byte pairs of words to `destination` (16-byte aligned) past the caches
/// (x86 MOVNTDQ, SSE2, which every x86-64 processor has): for a line another core reads next,
/// which the writer would otherwise first have to take back from that core's cache. Half the
/// instructions of 8-byte MOVNTI stores (a 128-byte frame summary: 16 against 32). Ordered
/// before later stores only by `hairpin_store_fence`.
static inline void hairpin_stream_pairs(void *destination, const void *source, unsigned long pairs) {
    typedef long long aligned_pair __attribute__((vector_size(16), aligned(16)));
    typedef long long unaligned_pair __attribute__((vector_size(16), aligned(1)));
    aligned_pair *to = (aligned_pair *)destination;
    const unaligned_pair *from = (const unaligned_pair *)source;
    for (unsigned long index = 0; index < pairs; index++) {
#if defined(__x86_64__)
        __builtin_nontemporal_store((aligned_pair)from[index], &to[index]);
#else
        to[index] = from[index];
#endif
    }
}

/// Makes the streamed stores before it visible before any store after it (x86 SFENCE).
static inline void hairpin_store_fence(void) {
#if defined(__x86_64__)
    __builtin_ia32_sfence();
#endif
}

#endif

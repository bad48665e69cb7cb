// The header's inline functions, and what needs the C library's GNU extensions.
#define _GNU_SOURCE
#include <sched.h>
#include "spin_wait.h"

int hairpin_cores_available(void) {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    return CPU_COUNT(&set);
#else
    return 1;
#endif
}

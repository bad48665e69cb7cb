// How many cores the process may use, threads' names and cores: what needs the C library's GNU extensions.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "threads.h"

#if defined(__linux__)
// Reads a small text file into `buffer` (NUL-terminated); false when it cannot be read.
static int read_small_file(const char *path, char *buffer, size_t size) {
    int descriptor = open(path, O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return 0;
    ssize_t count = read(descriptor, buffer, size - 1);
    close(descriptor);
    if (count <= 0) return 0;
    buffer[count] = 0;
    return 1;
}

// Cores a CPU quota of `quota` microseconds per `period` allows, rounded up; 0 for none.
static int cores_of_quota(long long quota, long long period) {
    if (quota <= 0 || period <= 0) return 0;
    long long cores = (quota + period - 1) / period;
    return cores > 0 && cores < 1 << 20 ? (int)cores : 0;
}

// The CPU quota of the cgroup at `directory` (v2 `cpu.max`, or v1 `cpu.cfs_quota_us` over
// `cpu.cfs_period_us`) in whole cores; 0 when there is none or it cannot be read.
static int cores_of_quota_in(const char *directory, int version2) {
    char path[4200], text[64], period[64];
    snprintf(path, sizeof path, "%s/%s", directory, version2 ? "cpu.max" : "cpu.cfs_quota_us");
    if (!read_small_file(path, text, sizeof text)) return 0;
    if (version2) {
        if (strncmp(text, "max", 3) == 0) return 0;
        char *end = NULL;
        long long quota = strtoll(text, &end, 10);
        return end == text ? 0 : cores_of_quota(quota, strtoll(end, NULL, 10));
    }
    snprintf(path, sizeof path, "%s/cpu.cfs_period_us", directory);
    if (!read_small_file(path, period, sizeof period)) return 0;
    return cores_of_quota(strtoll(text, NULL, 10), strtoll(period, NULL, 10));
}

// The CPU quota of the process's own cgroup (found in /proc/self/cgroup) in whole cores; 0 when
// there is none or it cannot be read.
static int cores_of_cgroup_quota(void) {
    char groups[4096];
    if (!read_small_file("/proc/self/cgroup", groups, sizeof groups)) return 0;
    char *saved = NULL;
    for (char *line = strtok_r(groups, "\n", &saved); line; line = strtok_r(NULL, "\n", &saved)) {
        // "hierarchy:controllers:path"; v2's has no controllers.
        char *controllers = strchr(line, ':');
        if (!controllers) continue;
        controllers++;
        char *path = strchr(controllers, ':');
        if (!path) continue;
        *path++ = 0;
        char directory[4160];
        if (*controllers == 0) {
            snprintf(directory, sizeof directory, "/sys/fs/cgroup%s", path);
            int cores = cores_of_quota_in(directory, 1);
            if (cores > 0) return cores;
            continue;
        }
        // v1: the line whose controllers include "cpu" itself (not only "cpuacct" or "cpuset").
        char list[256];
        snprintf(list, sizeof list, ",%s,", controllers);
        if (!strstr(list, ",cpu,")) continue;
        const char *mounts[] = {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"};
        for (size_t index = 0; index < sizeof mounts / sizeof mounts[0]; index++) {
            snprintf(directory, sizeof directory, "%s%s", mounts[index], path);
            int cores = cores_of_quota_in(directory, 0);
            if (cores > 0) return cores;
        }
    }
    return 0;
}
#endif

int hairpin_cores_available(void) {
#if defined(__linux__)
    // Worked out once per process: the standby thread's start and the default thread count both
    // ask, and each answer reads several files. Two threads that ask at once both work it out.
    static int known = 0;
    int cached = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (cached > 0) return cached;
    cpu_set_t set;
    int cores = 1;
    if (sched_getaffinity(0, sizeof set, &set) == 0) cores = CPU_COUNT(&set);
    int quota = cores_of_cgroup_quota();
    int answer = quota > 0 && quota < cores ? quota : cores > 0 ? cores : 1;
    __atomic_store_n(&known, answer, __ATOMIC_RELAXED);
    return answer;
#else
    return 1;
#endif
}

void hairpin_name_this_thread(const char *name) {
#if defined(__linux__)
    pthread_setname_np(pthread_self(), name);
#else
    (void)name;
#endif
}

#if defined(__linux__)
// The cores the process may use, read once (`hairpin_pin_this_thread_here`).
static cpu_set_t process_cores;
static pthread_once_t process_cores_once = PTHREAD_ONCE_INIT;
static int process_cores_known = 0;

static void read_process_cores(void) {
    process_cores_known = sched_getaffinity(0, sizeof process_cores, &process_cores) == 0;
}

static int known_process_cores(void) {
    pthread_once(&process_cores_once, read_process_cores);
    return process_cores_known;
}

static int pin_to(int core) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(core, &one);
    return pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0 ? core : -1;
}
#endif

int hairpin_pin_this_thread_here(void) {
#if defined(__linux__)
    if (!known_process_cores()) return -1;
    int core = sched_getcpu();
    if (core < 0 || core >= CPU_SETSIZE || !CPU_ISSET(core, &process_cores)) return -1;
    return pin_to(core);
#else
    return -1;
#endif
}

int hairpin_pin_this_thread_apart_from(int avoided) {
#if defined(__linux__)
    if (!known_process_cores()) return -1;
    int current = sched_getcpu();
    if (current >= 0 && current < CPU_SETSIZE && current != avoided && CPU_ISSET(current, &process_cores)) return pin_to(current);
    int start = avoided >= 0 && avoided < CPU_SETSIZE ? avoided : 0;
    for (int step = 1; step <= CPU_SETSIZE; step++) {
        int core = (start + step) % CPU_SETSIZE;
        if (core != avoided && CPU_ISSET(core, &process_cores)) return pin_to(core);
    }
    return -1;
#else
    (void)avoided;
    return -1;
#endif
}

void hairpin_unpin_this_thread(void) {
#if defined(__linux__)
    if (known_process_cores()) pthread_setaffinity_np(pthread_self(), sizeof process_cores, &process_cores);
#endif
}

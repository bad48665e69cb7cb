#ifndef HAIRPIN_THREADS_H
#define HAIRPIN_THREADS_H

/// The cores this process may run on: its affinity mask, as `taskset` sets it (1 when it
/// cannot be read), or fewer when its cgroup's CPU quota allows fewer (a container limited to
/// 1.5 CPUs: 2). Read with a few system calls: Foundation's `activeProcessorCount` (which read
/// the root cgroup's quota only) cost a small capture's analysis 0.9 ms of start-up. Worked out
/// on the first call; later calls give the same answer.
int hairpin_cores_available(void);

/// Names the calling thread (15 bytes at most), as `top -H` and `/proc/<pid>/task/*/comm` show
/// it; does nothing where threads have no names.
void hairpin_name_this_thread(const char *name);

#endif

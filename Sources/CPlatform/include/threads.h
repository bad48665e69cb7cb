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

/// Keeps the calling thread on the core it runs on now, if the process may run there; returns
/// that core, or -1 (nothing changed). The process's cores are taken from the calling thread's
/// affinity at the first call of these functions: the first must come from a thread not pinned.
int hairpin_pin_this_thread_here(void);

/// Keeps the calling thread on one core other than `avoided` among the process's: the one it
/// runs on now when that is another, else the next after `avoided`. Returns the core, or -1
/// (nothing changed: no other core).
int hairpin_pin_this_thread_apart_from(int avoided);

/// Lets the calling thread run on every core of the process again.
void hairpin_unpin_this_thread(void);

#endif

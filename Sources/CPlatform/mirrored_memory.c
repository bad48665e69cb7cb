#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>
#include "mirrored_memory.h"

void *hairpin_map_mirrored(size_t size) {
#if defined(__linux__)
    if (size == 0 || size > ((size_t)1 << 40)) return NULL;
    int descriptor = memfd_create("hairpin-stream", MFD_CLOEXEC);
    if (descriptor < 0) return NULL;
    if (ftruncate(descriptor, (off_t)size) != 0) {
        close(descriptor);
        return NULL;
    }
    // Room for both views first, so that no other mapping can come between them.
    char *base = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        close(descriptor);
        return NULL;
    }
    if (mmap(base, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, descriptor, 0) == MAP_FAILED
        || mmap(base + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, descriptor, 0) == MAP_FAILED) {
        munmap(base, 2 * size);
        close(descriptor);
        return NULL;
    }
    // The mappings keep the memory; the descriptor is not needed.
    close(descriptor);
    return base;
#else
    (void)size;
    return NULL;
#endif
}

void hairpin_unmap_mirrored(void *base, size_t size) {
    if (base != NULL) munmap(base, 2 * size);
}

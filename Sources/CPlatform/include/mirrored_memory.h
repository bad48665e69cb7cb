#ifndef HAIRPIN_MIRRORED_MEMORY_H
#define HAIRPIN_MIRRORED_MEMORY_H

#include <stddef.h>

/// Maps `size` bytes (a multiple of the page size) of fresh memory twice, back to back: the
/// byte at `base + i` is also at `base + size + i`, so any `size` bytes from an offset below
/// `size` are contiguous however they wrap. Pages are made only when first written. NULL when
/// the system cannot (no anonymous memory files, no room for the addresses).
void *hairpin_map_mirrored(size_t size);

/// Unmaps what `hairpin_map_mirrored(size)` returned.
void hairpin_unmap_mirrored(void *base, size_t size);

#endif

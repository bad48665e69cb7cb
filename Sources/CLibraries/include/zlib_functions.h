#ifndef HAIRPIN_ZLIB_FUNCTIONS_H
#define HAIRPIN_ZLIB_FUNCTIONS_H

#include <zlib.h>

/// The zlib functions that inflate gzip captures, found in the library when the first one is
/// read rather than linked: other runs neither load it nor need it on the machine.
typedef struct {
    int (*inflate_init2)(z_streamp stream, int window_bits, const char *version, int stream_size);
    int (*inflate)(z_streamp stream, int flush);
    int (*inflate_reset)(z_streamp stream);
    int (*inflate_end)(z_streamp stream);
    const char *(*version)(void);
} hairpin_zlib;

/// Loads zlib on the first call (any thread; later calls return the same answer). NULL when it
/// cannot be loaded or lacks a function: `hairpin_zlib_error` then says why.
const hairpin_zlib *hairpin_zlib_load(void);

/// Why loading failed, or an empty string.
const char *hairpin_zlib_error(void);

#endif

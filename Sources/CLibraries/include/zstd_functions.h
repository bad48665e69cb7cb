#ifndef HAIRPIN_ZSTD_FUNCTIONS_H
#define HAIRPIN_ZSTD_FUNCTIONS_H

#include <zstd.h>

/// The zstd functions that decompress zstd captures, found in the library when the first one
/// is read rather than linked: other runs neither load it nor need it on the machine.
typedef struct {
    ZSTD_DStream *(*create_stream)(void);
    size_t (*init_stream)(ZSTD_DStream *stream);
    size_t (*decompress_stream)(ZSTD_DStream *stream, ZSTD_outBuffer *output, ZSTD_inBuffer *input);
    size_t (*free_stream)(ZSTD_DStream *stream);
    unsigned (*is_error)(size_t code);
    const char *(*error_name)(size_t code);
} hairpin_zstd;

/// Loads zstd on the first call (any thread; later calls return the same answer). NULL when it
/// cannot be loaded or lacks a function: `hairpin_zstd_error` then says why.
const hairpin_zstd *hairpin_zstd_load(void);

/// Why loading failed, or an empty string.
const char *hairpin_zstd_error(void);

#endif

#include "zstd_functions.h"
#include "library_loader.h"

static hairpin_zstd functions;

static const char *const names[] = { "libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib" };

// In the order of the fields of `hairpin_zstd`.
static const char *const symbols[] = {
    "ZSTD_createDStream", "ZSTD_initDStream", "ZSTD_decompressStream", "ZSTD_freeDStream",
    "ZSTD_isError", "ZSTD_getErrorName",
};
_Static_assert(sizeof(hairpin_zstd) == sizeof symbols, "one symbol for each function");

static hairpin_library library = HAIRPIN_LIBRARY("zstd", names, symbols, functions);

HAIRPIN_LIBRARY_ACCESSORS(hairpin_zstd, hairpin_zstd_load, hairpin_zstd_error, library, functions)

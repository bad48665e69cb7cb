#include "zlib_functions.h"
#include "library_loader.h"

static hairpin_zlib functions;

static const char *const names[] = { "libz.so.1", "libz.so", "libz.1.dylib", "libz.dylib" };

// In the order of the fields of `hairpin_zlib`.
static const char *const symbols[] = { "inflateInit2_", "inflate", "inflateReset", "inflateEnd", "zlibVersion" };
_Static_assert(sizeof(hairpin_zlib) == sizeof symbols, "one symbol for each function");

static hairpin_library library = HAIRPIN_LIBRARY("zlib", names, symbols, functions);

HAIRPIN_LIBRARY_ACCESSORS(hairpin_zlib, hairpin_zlib_load, hairpin_zlib_error, library, functions)

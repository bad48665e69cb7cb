#ifndef HAIRPIN_LIBRARY_LOADER_H
#define HAIRPIN_LIBRARY_LOADER_H

#include <pthread.h>
#include <stddef.h>

/// A shared library opened when first needed (dlopen), not linked: a run that never needs it
/// neither maps nor relocates it, and a machine without it runs everything else.
typedef struct {
    /// The library's name in messages.
    const char *label;
    /// Its file names to try, in order.
    const char *const *names;
    size_t name_count;
    /// The functions to find, and where their addresses go, in the same order.
    const char *const *symbols;
    void **slots;
    size_t symbol_count;
    pthread_mutex_t lock;
    int attempted;
    int loaded;
    /// Why loading failed, or an empty string.
    char error[256];
} hairpin_library;

#define HAIRPIN_LIBRARY(label, names, symbols, functions) \
    { label, names, sizeof names / sizeof names[0], symbols, (void **)&functions, \
      sizeof symbols / sizeof symbols[0], PTHREAD_MUTEX_INITIALIZER, 0, 0, { 0 } }

/// Loads the library on the first call (any thread; later calls give the same answer).
/// Returns 1 when it was opened and has every function.
int hairpin_library_load(hairpin_library *library);

/// Defines the two functions a library's header declares: `load_name`, its functions (NULL when
/// it cannot be loaded), and `error_name`, why not.
#define HAIRPIN_LIBRARY_ACCESSORS(type, load_name, error_name, library, functions) \
    const type *load_name(void) { return hairpin_library_load(&library) ? &functions : NULL; } \
    const char *error_name(void) { \
        hairpin_library_load(&library); \
        return library.error; \
    }

#endif

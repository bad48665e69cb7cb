#include "libpcap_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static hairpin_libpcap functions;
static const hairpin_libpcap *loaded;
static char load_error[512];

// Sonames in the order distributions ship them: Debian's historic 0.8, upstream's 1, the
// development link, macOS.
static const char *const library_names[] = {
    "libpcap.so.0.8", "libpcap.so.1", "libpcap.so", "libpcap.A.dylib", "libpcap.dylib",
};

static int find(void *library, const char *name, void **slot) {
    *slot = dlsym(library, name);
    if (*slot == NULL) {
        snprintf(load_error, sizeof load_error, "libpcap has no %s", name);
        return 0;
    }
    return 1;
}

static void load(void) {
    void *library = NULL;
    for (size_t i = 0; i < sizeof library_names / sizeof library_names[0] && library == NULL; i++) {
        library = dlopen(library_names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(load_error, sizeof load_error, "cannot load libpcap (%s)", reason ? reason : "not found");
        return;
    }
    if (find(library, "pcap_open_dead", (void **)&functions.open_dead)
        && find(library, "pcap_close", (void **)&functions.close)
        && find(library, "pcap_compile", (void **)&functions.compile)
        && find(library, "pcap_freecode", (void **)&functions.freecode)
        && find(library, "pcap_geterr", (void **)&functions.geterr)
        && find(library, "pcap_offline_filter", (void **)&functions.offline_filter)
        && find(library, "pcap_datalink_val_to_name", (void **)&functions.datalink_val_to_name)) {
        loaded = &functions;
    }
}

const hairpin_libpcap *hairpin_libpcap_load(void) {
    pthread_once(&load_once, load);
    return loaded;
}

const char *hairpin_libpcap_error(void) {
    pthread_once(&load_once, load);
    return load_error;
}

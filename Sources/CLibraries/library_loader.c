#include "library_loader.h"

#include <dlfcn.h>
#include <stdio.h>

static int open_library(hairpin_library *library) {
    void *handle = NULL;
    for (size_t i = 0; i < library->name_count && handle == NULL; i++) {
        handle = dlopen(library->names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (handle == NULL) {
        const char *reason = dlerror();
        snprintf(library->error, sizeof library->error, "cannot load %s (%s)", library->label,
                 reason ? reason : "not found");
        return 0;
    }
    for (size_t i = 0; i < library->symbol_count; i++) {
        library->slots[i] = dlsym(handle, library->symbols[i]);
        if (library->slots[i] == NULL) {
            snprintf(library->error, sizeof library->error, "%s has no %s", library->label, library->symbols[i]);
            return 0;
        }
    }
    return 1;
}

int hairpin_library_load(hairpin_library *library) {
    pthread_mutex_lock(&library->lock);
    if (!library->attempted) {
        library->attempted = 1;
        library->loaded = open_library(library);
    }
    int loaded = library->loaded;
    pthread_mutex_unlock(&library->lock);
    return loaded;
}

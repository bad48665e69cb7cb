#include "libpcap_functions.h"
#include "library_loader.h"

static hairpin_libpcap functions;

// Sonames in the order distributions ship them: Debian's historic 0.8, upstream's 1, the
// development link, macOS.
static const char *const names[] = {
    "libpcap.so.0.8", "libpcap.so.1", "libpcap.so", "libpcap.A.dylib", "libpcap.dylib",
};

// In the order of the fields of `hairpin_libpcap`.
static const char *const symbols[] = {
    "pcap_open_dead", "pcap_close", "pcap_compile", "pcap_freecode", "pcap_geterr",
    "pcap_offline_filter", "pcap_datalink_val_to_name",
};
_Static_assert(sizeof(hairpin_libpcap) == sizeof symbols, "one symbol for each function");

static hairpin_library library = HAIRPIN_LIBRARY("libpcap", names, symbols, functions);

HAIRPIN_LIBRARY_ACCESSORS(hairpin_libpcap, hairpin_libpcap_load, hairpin_libpcap_error, library, functions)

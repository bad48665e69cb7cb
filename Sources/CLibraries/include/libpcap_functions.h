#ifndef HAIRPIN_LIBPCAP_FUNCTIONS_H
#define HAIRPIN_LIBPCAP_FUNCTIONS_H

#include <stddef.h>
#include <pcap/pcap.h>

/// The libpcap functions Hairpin calls, found in the library when it is first needed rather
/// than linked: reading and analysing files never load libpcap and the eight libraries it
/// pulls in (dbus, systemd, gcrypt, ...), which cost every run half a millisecond of start-up,
/// and a machine without libpcap still reads captures.
typedef struct {
    pcap_t *(*open_dead)(int linktype, int snaplen);
    void (*close)(pcap_t *handle);
    int (*compile)(pcap_t *handle, struct bpf_program *program, const char *expression, int optimize,
                   bpf_u_int32 netmask);
    void (*freecode)(struct bpf_program *program);
    char *(*geterr)(pcap_t *handle);
    int (*offline_filter)(const struct bpf_program *program, const struct pcap_pkthdr *header,
                          const u_char *packet);
    const char *(*datalink_val_to_name)(int linktype);
} hairpin_libpcap;

/// Loads libpcap on the first call (any thread; later calls return the same answer). NULL when
/// it cannot be loaded or lacks a function: `hairpin_libpcap_error` then says why.
const hairpin_libpcap *hairpin_libpcap_load(void);

/// Why loading failed, or an empty string.
const char *hairpin_libpcap_error(void);

#endif

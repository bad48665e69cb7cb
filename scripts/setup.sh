#!/usr/bin/env bash
# Installs the system libraries Hairpin builds against when they are missing
# (Debian/Ubuntu: libpcap, zlib and zstd headers, pkg-config). Idempotent.
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
have() { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1"; }
have libpcap || missing+=(libpcap-dev)
have zlib || missing+=(zlib1g-dev)
have libzstd || missing+=(libzstd-dev)
# --test-peers: tools the test suite compares Hairpin with (tshark) and counts its instructions
# with (valgrind), installed when missing.
if [ "${1:-}" = "--test-peers" ]; then
    command -v tshark >/dev/null 2>&1 || missing+=(tshark)
    command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
fi

if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup: please install: ${missing[*]} (no apt-get on this system)" >&2
        exit 1
    fi
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    # tshark asks whether non-root users may capture; the default answer (no) is fine here.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: the Swift toolchain (6.1 or later) must be on PATH" >&2
    exit 1
fi

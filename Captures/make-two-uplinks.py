#!/usr/bin/env python3
"""Writes two-uplinks.pcapng: a small, deterministic capture on two 10G uplinks.

One vMotion-like TCP stream (port 8000) between two VMkernel addresses, with the source's
jumbo frames seen on uplink-a and the destination's ACKs on uplink-b, followed by the
destination host's RARP announcement of the moved VM. Timestamps are nanoseconds; uplink-b's
records are written in a batch that steps back in time, as dumpcap does on several interfaces.
"""
import struct, sys

def pad4(b): return b + b"\0" * (-len(b) % 4)
def option(code, value): return struct.pack("<HH", code, len(value)) + pad4(value)
def block(kind, body): 
    total = 12 + len(body)
    return struct.pack("<II", kind, total) + body + struct.pack("<I", total)

def shb():
    opts = option(4, b"make-two-uplinks.py") + option(0, b"")
    return block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + opts)

def idb(name, description):
    opts = (option(2, name.encode()) + option(3, description.encode())
            + option(8, struct.pack("<Q", 10_000_000_000)) + option(9, bytes([9])) + option(0, b""))
    return block(1, struct.pack("<HHI", 1, 0, 262144) + opts)

def epb(interface, ns, frame, snap=128, direction=1):
    captured = frame[:snap]
    opts = option(2, struct.pack("<I", direction)) + option(0, b"")
    body = struct.pack("<IIIII", interface, ns >> 32, ns & 0xFFFFFFFF, len(captured), len(frame))
    return block(6, body + pad4(captured) + opts)

def checksum(data):
    if len(data) % 2: data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16: s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def tcp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, dport, seq, ack, flags, payload_len, vlan=20):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    ip_len = 20 + len(tcp) + payload_len
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, 1, 0x4000, 64, 6, 0, bytes(src_ip), bytes(dst_ip))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = bytes(dst_mac) + bytes(src_mac) + struct.pack("!HHH", 0x8100, vlan, 0x0800)
    return eth + ip + tcp + bytes(payload_len)

def rarp_frame(host_mac, vm_mac, vlan=10):
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 3) + bytes(vm_mac) + bytes(4) + bytes(vm_mac) + bytes(4)
    eth = b"\xff" * 6 + bytes(host_mac) + struct.pack("!HHH", 0x8100, vlan, 0x8035)
    return (eth + body).ljust(64, b"\0")

SRC_MAC, DST_MAC = [0x00, 0x50, 0x56, 0x6a, 0x00, 0x01], [0x00, 0x50, 0x56, 0x6b, 0x00, 0x02]
SRC_IP, DST_IP = [10, 20, 0, 11], [10, 20, 0, 12]
VM_MAC = [0x00, 0x50, 0x56, 0xaa, 0xbb, 0x01]
T0 = 1_764_165_600_000_000_000  # 2025-11-26 14:00:00 UTC

out = [shb(), idb("uplink-a", "leaf1 Eth1/49 to spine1"), idb("uplink-b", "leaf1 Eth1/50 to spine2")]
forward, backward = [], []
seq, ack = 1000, 5000
forward.append(epb(0, T0, tcp_frame(SRC_MAC, DST_MAC, SRC_IP, DST_IP, 40000, 8000, seq, 0, 0x02, 0)))
backward.append(epb(1, T0 + 150_000, tcp_frame(DST_MAC, SRC_MAC, DST_IP, SRC_IP, 8000, 40000, ack, seq + 1, 0x12, 0), direction=2))
forward.append(epb(0, T0 + 300_000, tcp_frame(SRC_MAC, DST_MAC, SRC_IP, DST_IP, 40000, 8000, seq + 1, ack + 1, 0x10, 0)))
seq += 1
for i in range(200):
    t = T0 + 1_000_000 + i * 8_000
    forward.append(epb(0, t, tcp_frame(SRC_MAC, DST_MAC, SRC_IP, DST_IP, 40000, 8000, seq, ack + 1, 0x18, 8948)))
    seq += 8948
    if i % 2 == 1:
        backward.append(epb(1, t + 40_000, tcp_frame(DST_MAC, SRC_MAC, DST_IP, SRC_IP, 8000, 40000, ack + 1, seq, 0x10, 0), direction=2))
end = T0 + 1_000_000 + 200 * 8_000
forward.append(epb(0, end, tcp_frame(SRC_MAC, DST_MAC, SRC_IP, DST_IP, 40000, 8000, seq, ack + 1, 0x11, 0)))
backward.append(epb(1, end + 100_000, tcp_frame(DST_MAC, SRC_MAC, DST_IP, SRC_IP, 8000, 40000, ack + 1, seq + 1, 0x11, 0), direction=2))
for burst in range(3):
    backward.append(epb(1, end + 2_000_000 + burst * 1_000_000, rarp_frame(DST_MAC, VM_MAC), direction=1))
# dumpcap-like: uplink-a's records first, then uplink-b's batch, which steps back in time.
out += forward[:120] + backward[:40] + forward[120:] + backward[40:]
sys.stdout.buffer.write(b"".join(out))

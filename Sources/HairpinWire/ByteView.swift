/// Big-endian reads from captured bytes. Callers check `count` before reading (validate once,
/// then read): every accessor is a plain unaligned load.
@usableFromInline
struct ByteView {
    @usableFromInline let base: UnsafeRawPointer
    @usableFromInline let count: Int

    @inlinable init(base: UnsafeRawPointer, count: Int) {
        self.base = base
        self.count = count
    }

    /// The bytes from `offset` (at most `count`) on: a tunnel's inner frame.
    @inlinable @inline(__always) func suffix(from offset: Int) -> ByteView {
        ByteView(base: base + offset, count: count &- offset)
    }

    @inlinable @inline(__always) func u8(_ offset: Int) -> UInt8 {
        assert(offset < count)
        return base.load(fromByteOffset: offset, as: UInt8.self)
    }

    @inlinable @inline(__always) func u16(_ offset: Int) -> UInt16 {
        assert(offset + 2 <= count)
        return UInt16(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always) func u32(_ offset: Int) -> UInt32 {
        assert(offset + 4 <= count)
        return UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable @inline(__always) func mac(_ offset: Int) -> MACAddress {
        assert(offset + 6 <= count)
        return MACAddress(loadingFrom: base + offset)
    }

    @inlinable @inline(__always) func ipv4(_ offset: Int) -> IPv4Address {
        assert(offset + 4 <= count)
        return IPv4Address(loadingFrom: base + offset)
    }

    @inlinable @inline(__always) func ipv6(_ offset: Int) -> IPv6Address {
        assert(offset + 16 <= count)
        return IPv6Address(loadingFrom: base + offset)
    }
}

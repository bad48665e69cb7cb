import HairpinWire

/// Builds frames header by header for decoder tests (big-endian fields, checksums left zero).
struct Frame {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }
    mutating func u32(_ value: UInt32) { u16(UInt16(value >> 16)); u16(UInt16(value & 0xFFFF)) }
    mutating func mac(_ text: String) {
        let mac = MACAddress(text)!
        for index in 0..<6 { bytes.append(mac.byte(index)) }
    }
    mutating func ipv4(_ text: String) { u32(IPv4Address(text)!.rawValue) }
    mutating func ipv6(_ text: String) {
        let address = IPv6Address(text)!
        for group in address.groups { u16(group) }
    }

    static func ethernet(_ destination: String, _ source: String, _ type: UInt16, vlans: [(UInt16, UInt16)] = []) -> Frame {
        var frame = Frame()
        frame.mac(destination)
        frame.mac(source)
        for (tpid, tci) in vlans { frame.u16(tpid); frame.u16(tci) }
        frame.u16(type)
        return frame
    }

    mutating func ipv4Header(_ source: String, _ destination: String, protocol number: UInt8, payloadLength: Int,
                             ttl: UInt8 = 64, fragment: UInt16 = 0, options: [UInt8] = []) {
        u8(0x40 | UInt8((20 + options.count) / 4))
        u8(0)
        u16(UInt16(20 + options.count + payloadLength))
        u16(0x1234)
        u16(fragment)
        u8(ttl)
        u8(number)
        u16(0)
        ipv4(source)
        ipv4(destination)
        bytes += options
    }

    mutating func ipv6Header(_ source: String, _ destination: String, next: UInt8, payloadLength: Int, hopLimit: UInt8 = 64) {
        u32(0x6000_0000)
        u16(UInt16(payloadLength))
        u8(next)
        u8(hopLimit)
        ipv6(source)
        ipv6(destination)
    }

    mutating func udpHeader(_ source: UInt16, _ destination: UInt16, payloadLength: Int) {
        u16(source); u16(destination); u16(UInt16(8 + payloadLength)); u16(0)
    }

    mutating func tcpHeader(_ source: UInt16, _ destination: UInt16, sequence: UInt32, ack: UInt32, flags: UInt8, window: UInt16 = 65535) {
        u16(source); u16(destination); u32(sequence); u32(ack); u8(5 << 4); u8(flags); u16(window); u16(0); u16(0)
    }

    mutating func arpBody(opcode: UInt16, senderMAC: String, senderIP: String, targetMAC: String, targetIP: String) {
        u16(1); u16(0x0800); u8(6); u8(4); u16(opcode)
        mac(senderMAC); ipv4(senderIP); mac(targetMAC); ipv4(targetIP)
    }

    func decoded(_ linkType: LinkType = .ethernet) -> DecodedPacket {
        bytes.withUnsafeBytes { Decoder().decode($0, linkType: linkType) }
    }

    func decoded(prefix length: Int, _ linkType: LinkType = .ethernet) -> DecodedPacket {
        Array(bytes.prefix(length)).withUnsafeBytes { Decoder().decode($0, linkType: linkType) }
    }
}

/// TCP (RFC 9293): ports, sequence and acknowledgment numbers, data offset, flags, window.
@usableFromInline enum TCPHeader {
    @usableFromInline static let minimumLength = 20
    @usableFromInline enum Field {
        @usableFromInline static let sourcePort = 0
        @usableFromInline static let destinationPort = 2
        @usableFromInline static let sequence = 4
        @usableFromInline static let acknowledgment = 8
        @usableFromInline static let dataOffset = 12
        @usableFromInline static let flags = 13
        @usableFromInline static let window = 14
    }
}

extension FrameWalk {
    mutating func tcp(at offset: Int, end: Int) -> Decoder.Step {
        // Ports first: a snapshot length cut after them still leaves the flow key.
        guard has(4, at: offset, .tcp) else { return .done }
        typealias F = TCPHeader.Field
        packet.sourcePort = bytes.u16(offset + F.sourcePort)
        packet.destinationPort = bytes.u16(offset + F.destinationPort)
        packet.layers.append(.tcp)
        guard has(TCPHeader.minimumLength, at: offset, .tcp) else { return .done }
        packet.tcpSequence = bytes.u32(offset + F.sequence)
        packet.tcpAcknowledgment = bytes.u32(offset + F.acknowledgment)
        packet.tcpFlags = bytes.u8(offset + F.flags)
        packet.tcpWindow = bytes.u16(offset + F.window)
        let headerLength = Int(bytes.u8(offset + F.dataOffset) >> 4) * 4
        guard headerLength >= TCPHeader.minimumLength else {
            stop(.malformed, .tcp, at: offset)
            return .done
        }
        packet.payloadOffset = offset + headerLength
        packet.payloadLength = max(0, end - offset - headerLength)
        _ = has(headerLength, at: offset, .tcp)
        return .done
    }
}

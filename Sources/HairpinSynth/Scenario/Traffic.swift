import HairpinCapture
import HairpinWire

/// A deterministic pseudo-random sequence (SplitMix64): the same seed, the same capture.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0 ..< 1.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// One TCP connection carrying bulk data one way and ACKs back, built frame by frame when
/// written (the payload is a fixed pattern whose checksum is computed once).
final class BulkStream {
    let sourceMAC: MACAddress
    let destinationMAC: MACAddress
    let vlan: UInt16
    let sourceIP: IPv4Address
    let destinationIP: IPv4Address
    let sourcePort: UInt16
    let destinationPort: UInt16
    let segmentSize: Int
    let forwardPath: Int
    let reversePath: Int
    let initialSequence: UInt32 = 1_000_000
    let initialAcknowledgment: UInt32 = 5_000_000
    /// Bytes that open the data (QEMU's stream magic, say).
    let preamble: [UInt8]
    /// The tunnel of a connection carried in an overlay, forward: the addresses above are then
    /// the tenant's, its frames untagged inside the tunnel (`vlan` is the underlay's).
    let overlay: OverlayTunnel?
    private let payload: [UInt8]
    private let payloadSum: InternetChecksum

    init(sourceMAC: MACAddress, destinationMAC: MACAddress, vlan: UInt16, sourceIP: IPv4Address, destinationIP: IPv4Address,
         sourcePort: UInt16, destinationPort: UInt16, mtu: Int, forwardPath: Int, reversePath: Int, preamble: [UInt8] = [],
         overlay: OverlayTunnel? = nil) {
        self.sourceMAC = sourceMAC
        self.destinationMAC = destinationMAC
        self.vlan = vlan
        self.sourceIP = sourceIP
        self.destinationIP = destinationIP
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        segmentSize = mtu - 40
        self.forwardPath = forwardPath
        self.reversePath = reversePath
        self.preamble = preamble
        self.overlay = overlay
        payload = (0..<segmentSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var sum = InternetChecksum()
        sum.add(payload)
        payloadSum = sum
    }

    enum Kind {
        case syn, synAck, handshakeAck
        /// `offset` bytes of data already sent; `length` in this segment.
        case data(offset: Int, length: Int)
        /// Acknowledges `acknowledged` data bytes.
        case ack(acknowledged: Int)
        case fin(sent: Int)
        case finAck(sent: Int)
        /// The sender's last ACK, of the receiver's FIN.
        case finalAck(sent: Int)
    }

    /// Ethernet frame for one segment; `forward` is the bulk direction.
    func frame(_ kind: Kind) -> [UInt8] {
        let forward: Bool
        var sequence: UInt32
        var acknowledgment: UInt32
        var flags: UInt8
        var data: [UInt8] = []
        var sum: InternetChecksum?
        var options: [UInt8] = []
        switch kind {
        case .syn:
            forward = true; sequence = initialSequence; acknowledgment = 0; flags = 0x02
            options = TransportSegment.synOptions(mss: UInt16(segmentSize), windowScale: 7)
        case .synAck:
            forward = false; sequence = initialAcknowledgment; acknowledgment = initialSequence &+ 1; flags = 0x12
            options = TransportSegment.synOptions(mss: UInt16(segmentSize), windowScale: 7)
        case .handshakeAck:
            forward = true; sequence = initialSequence &+ 1; acknowledgment = initialAcknowledgment &+ 1; flags = 0x10
        case .data(let offset, let length):
            forward = true
            sequence = initialSequence &+ 1 &+ UInt32(truncatingIfNeeded: offset)
            acknowledgment = initialAcknowledgment &+ 1
            flags = 0x10
            if offset == 0 && !preamble.isEmpty {
                data = preamble + payload.prefix(max(0, length - preamble.count))
                flags |= 0x08
            } else if length == segmentSize {
                data = payload
                sum = payloadSum
            } else {
                data = Array(payload.prefix(length))
                flags |= 0x08
            }
        case .ack(let acknowledged):
            forward = false; sequence = initialAcknowledgment &+ 1
            acknowledgment = initialSequence &+ 1 &+ UInt32(truncatingIfNeeded: acknowledged); flags = 0x10
        case .fin(let sent):
            forward = true; sequence = initialSequence &+ 1 &+ UInt32(truncatingIfNeeded: sent)
            acknowledgment = initialAcknowledgment &+ 1; flags = 0x11
        case .finAck(let sent):
            forward = false; sequence = initialAcknowledgment &+ 1
            acknowledgment = initialSequence &+ 2 &+ UInt32(truncatingIfNeeded: sent); flags = 0x11
        case .finalAck(let sent):
            forward = true; sequence = initialSequence &+ 2 &+ UInt32(truncatingIfNeeded: sent)
            acknowledgment = initialAcknowledgment &+ 2; flags = 0x10
        }
        let (sIP, dIP) = forward ? (sourceIP, destinationIP) : (destinationIP, sourceIP)
        let (sPort, dPort) = forward ? (sourcePort, destinationPort) : (destinationPort, sourcePort)
        let tcp = TransportSegment.tcp(source: .v4(sIP), destination: .v4(dIP), sourcePort: sPort, destinationPort: dPort,
                                       sequence: sequence, acknowledgment: acknowledgment, flags: flags, window: 0xFFFF,
                                       options: options, payload: data, payloadSum: sum)
        let ip = IPPacket.ipv4(source: sIP, destination: dIP, protocol: 6, ttl: 64, payload: tcp)
        let (sMAC, dMAC) = forward ? (sourceMAC, destinationMAC) : (destinationMAC, sourceMAC)
        guard let overlay else { return EthernetFrame.frame(destination: dMAC, source: sMAC, vlans: [vlan], etherType: 0x0800, payload: ip) }
        let inner = EthernetFrame.frame(destination: dMAC, source: sMAC, etherType: 0x0800, payload: ip)
        return (forward ? overlay : overlay.reversed).wrap(inner, sourcePort: OverlayTunnel.sourcePort(innerSourcePort: sPort, innerDestinationPort: dPort))
    }
}

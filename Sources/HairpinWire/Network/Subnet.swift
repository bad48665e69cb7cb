/// An IPv4 or IPv6 prefix ("10.1.10.0/24", "2001:db8:10::/64").
public struct Subnet: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let length: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(parts[0]), let length = Int(parts[1]), length >= 0 else { return nil }
        switch address {
        case .v4: guard length <= 32 else { return nil }
        case .v6: guard length <= 128 else { return nil }
        }
        self.address = address
        self.length = length
    }

    public func contains(_ other: IPAddress) -> Bool {
        switch (address, other) {
        case (.v4(let network), .v4(let host)):
            let mask: UInt32 = length == 0 ? 0 : ~0 << UInt32(32 - length)
            return network.rawValue & mask == host.rawValue & mask
        case (.v6(let network), .v6(let host)):
            let highMask: UInt64 = length == 0 ? 0 : length >= 64 ? ~0 : ~0 << UInt64(64 - length)
            let lowMask: UInt64 = length <= 64 ? 0 : length == 128 ? ~0 : ~0 << UInt64(128 - length)
            return network.high & highMask == host.high & highMask && network.low & lowMask == host.low & lowMask
        default:
            return false
        }
    }

    public var description: String { "\(address)/\(length)" }
}

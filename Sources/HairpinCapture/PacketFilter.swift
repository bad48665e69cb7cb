import CLibraries
import HairpinWire
import Synchronization

/// Serialises pcap_compile: libpcap's parser is not guaranteed reentrant on every version, and
/// filters may be compiled on several threads at once (a filter compiles per link type as
/// records come, on whichever thread reads them).
private let compileLock = Mutex(())

/// A tcpdump/BPF filter expression, compiled by libpcap once per link type and run on the
/// captured bytes of each record (`pcap_offline_filter`), for files as for live capture.
/// libpcap is loaded by the first filter (see `CLibraries`), not at start-up.
public final class PacketFilter {
    public let expression: String
    private let pcap: hairpin_libpcap
    private var programs: [UInt16: UnsafeMutablePointer<bpf_program>] = [:]
    private var header = pcap_pkthdr()

    /// Compiles `expression` for `linkType` now, so a mistake is reported before any reading.
    public init(expression: String, checkingWith linkType: LinkType = .ethernet) throws(CaptureError) {
        guard let pcap = hairpin_libpcap_load() else {
            throw CaptureError(.invalidArgument("filters need libpcap: \(String(cString: hairpin_libpcap_error()))"),
                               file: "--filter", offset: 0)
        }
        self.expression = expression
        self.pcap = pcap.pointee
        _ = try program(for: linkType)
    }

    deinit {
        for program in programs.values {
            pcap.freecode(program)
            program.deallocate()
        }
    }

    private func program(for linkType: LinkType) throws(CaptureError) -> UnsafeMutablePointer<bpf_program> {
        if let program = programs[linkType.rawValue] { return program }
        guard let handle = pcap.open_dead(Int32(linkType.rawValue), 262_144) else {
            throw CaptureError(.invalidArgument("libpcap cannot open a handle for link type \(linkType)"), file: "--filter", offset: 0)
        }
        defer { pcap.close(handle) }
        let program = UnsafeMutablePointer<bpf_program>.allocate(capacity: 1)
        program.initialize(to: bpf_program())
        let status = compileLock.withLock { _ in pcap.compile(handle, program, expression, 1, PCAP_NETMASK_UNKNOWN) }
        if status != 0 {
            let message = pcap.geterr(handle).map { String(cString: $0) } ?? "no reason given"
            program.deallocate()
            throw CaptureError(.invalidArgument("filter \"\(expression)\": \(message) (link type \(linkType.name))"),
                               file: "--filter", offset: 0)
        }
        programs[linkType.rawValue] = program
        return program
    }

    /// True when the record passes. A link type the expression cannot be compiled for lets
    /// nothing through (and throws the first time, so the caller can say why).
    public func matches(_ record: Record) throws(CaptureError) -> Bool {
        let program = try program(for: record.linkType)
        header.caplen = UInt32(record.bytes.count)
        header.len = UInt32(clamping: record.originalLength)
        guard let base = record.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return pcap.offline_filter(program, &header, [0]) != 0
        }
        return pcap.offline_filter(program, &header, base) != 0
    }

    /// libpcap's name for a link type, or nil when it has none or libpcap cannot be loaded.
    public static func linkTypeName(_ linkType: LinkType) -> String? {
        guard let pcap = hairpin_libpcap_load(), let name = pcap.pointee.datalink_val_to_name(Int32(linkType.rawValue)) else {
            return nil
        }
        return String(cString: name)
    }
}

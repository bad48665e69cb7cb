import HairpinCapture
import HairpinWire

/// The three passes whose speed Hairpin measures on a capture (`hairpin bench`, Benchmarks/):
/// reading every record, reading and decoding every frame, and the whole analysis with its
/// report. Each returns a value folded from what it produced, so nothing is optimised away.
public enum Throughput {
    public enum Stage: String, Sendable, CaseIterable {
        case read, decode, analyze
    }

    /// What one pass over the files did: records, their captured and original bytes, and a
    /// checksum of the work.
    public struct Pass: Sendable {
        public var records = 0
        public var capturedBytes = 0
        public var originalBytes = 0
        public var checksum = 0

        public init() {}
    }

    /// `threads` applies to the analysis (see `ParallelAnalysis`); reading and decoding run on one.
    public static func run(_ stage: Stage, paths: [String], reorderWindow: Int64 = 0, analysis options: Analysis.Options = Analysis.Options(),
                           threads: Int = 1) throws -> Pass {
        var pass = Pass()
        if stage == .analyze {
            let outcome = try ParallelAnalysis.run(paths: paths, reading: .init(reorderWindow: reorderWindow), filter: nil, options: options,
                                                   threads: threads) { _, record in
                pass.records += 1
                pass.capturedBytes &+= record.bytes.count
                pass.originalBytes &+= record.originalLength
            }
            let report = outcome.analysis.report(interfaces: outcome.reader.interfaces.all, anomalies: outcome.reader.anomalies)
            pass.checksum = report.uplinks.count &+ report.flows.tracked &+ report.paths.count
            return pass
        }
        let reader = try CaptureReader(paths: paths, options: .init(reorderWindow: reorderWindow))
        switch stage {
        case .read:
            try reader.forEach { record in
                pass.records += 1
                pass.capturedBytes &+= record.bytes.count
                pass.originalBytes &+= record.originalLength
                return true
            }
            pass.checksum = pass.capturedBytes &+ pass.originalBytes
        case .decode:
            let decoder = Decoder()
            var packet = DecodedPacket(linkType: .ethernet, capturedLength: 0)
            try reader.forEach { record in
                pass.records += 1
                pass.capturedBytes &+= record.bytes.count
                pass.originalBytes &+= record.originalLength
                decoder.decode(record.bytes, linkType: record.linkType, into: &packet)
                pass.checksum &+= Int(packet.destinationPort ?? 0) &+ Int(packet.tcpFlags ?? 0) &+ (packet.payloadLength ?? 0)
                return true
            }
        case .analyze:
            break
        }
        return pass
    }
}

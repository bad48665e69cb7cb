import Foundation
import Testing

/// `hairpin bench` on a shipped capture: every stage reads every packet, and the rates follow
/// from the counts and times it prints.
@Suite struct BenchCommandTests {
    @Test func everyStageReadsEveryPacket() throws {
        let output = try Hairpin.run(["bench", "--json", "--runs", "1", "Captures/glbp-split.pcapng"])
        #expect(output.status == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: output.stdoutData) as? [String: Any])
        #expect(json["schema"] as? String == "hairpin.bench/1")
        let size = try FileManager.default.attributesOfItem(atPath: Hairpin.packageRoot.appendingPathComponent("Captures/glbp-split.pcapng").path)[.size] as? Int
        #expect(json["file_bytes"] as? Int == size)
        let report = try #require(try JSONSerialization.jsonObject(with: try Hairpin.run(["analyze", "--json", "Captures/glbp-split.pcapng"]).stdoutData)
            as? [String: Any])
        let packets = (report["capture"] as? [String: Any])?["packets"] as? Int
        let stages = try #require(json["stages"] as? [[String: Any]])
        #expect(stages.map { $0["stage"] as? String } == ["read", "decode", "analyze"])
        for stage in stages {
            #expect(stage["packets"] as? Int == packets)
            // A file under 16 MB is read and decoded in one piece, and analysed on one thread as
            // `hairpin analyze` analyses it unless told how many.
            #expect(stage["threads"] as? Int == 1)
            // The analysis reads as `hairpin analyze` does, with its reorder window; reading and decoding go in file order.
            #expect(stage["reorder_window_ms"] as? Double == (stage["stage"] as? String == "analyze" ? 500 : 0))
            let seconds = try #require(stage["median_seconds"] as? Double)
            #expect(seconds > 0)
            let rate = try #require(stage["packets_per_second"] as? Double)
            #expect(abs(rate - Double(packets ?? 0) / seconds) <= rate * 1e-9)
            // How two threads shared the frames: not a question for one thread.
            #expect(stage["solo_frames"] is NSNull && stage["unsummed_frames"] is NSNull)
            // The scenario is written in time order: read once.
            #expect(stage["read_again"] as? Bool == false)
        }
        // The two uplinks' records interleave out of time order: the analysis reads them again.
        let merged = try Hairpin.run(["bench", "--stage", "analyze", "--runs", "1", "--warmup", "0", "Captures/two-uplinks.pcapng"])
        #expect(merged.status == 0 && merged.stdout.contains("then again through the window"), "\(merged.stdout)")
        let mergedJSON = try Hairpin.run(["bench", "--json", "--stage", "analyze", "--runs", "1", "--warmup", "0", "Captures/two-uplinks.pcapng"])
        let mergedStages = (try JSONSerialization.jsonObject(with: mergedJSON.stdoutData) as? [String: Any])?["stages"] as? [[String: Any]]
        #expect(mergedStages?.first?["read_again"] as? Bool == true)
        let decodeOnly = try Hairpin.run(["bench", "--json", "--runs", "1", "--decode-only", "Captures/glbp-split.pcapng"])
        let decodeStages = (try JSONSerialization.jsonObject(with: decodeOnly.stdoutData) as? [String: Any])?["stages"] as? [[String: Any]]
        #expect(decodeStages?.map { $0["stage"] as? String } == ["read", "decode"])
        #expect(try Hairpin.run(["bench", "-"]).status != 0)
        // Redirected from a plain file, standard input is mapped and can be read again.
        let redirected = try Hairpin.run(["bench", "--json", "--runs", "2", "-"], stdinFile: "Captures/glbp-split.pcapng")
        #expect(redirected.status == 0, "\(redirected.stderr)")
        let redirectedStages = (try JSONSerialization.jsonObject(with: redirected.stdoutData) as? [String: Any])?["stages"] as? [[String: Any]]
        let byPath = try Hairpin.run(["bench", "--json", "--runs", "1", "Captures/glbp-split.pcapng"])
        let byPathStages = (try JSONSerialization.jsonObject(with: byPath.stdoutData) as? [String: Any])?["stages"] as? [[String: Any]]
        #expect(redirectedStages?.map { $0["packets"] as? Int } == byPathStages?.map { $0["packets"] as? Int })
        #expect(redirectedStages?.first?["packets"] as? Int == 9193)
        // Its file bytes are the redirected file's.
        let redirectedBytes = (try JSONSerialization.jsonObject(with: redirected.stdoutData) as? [String: Any])?["file_bytes"] as? Int
        let byPathBytes = (try JSONSerialization.jsonObject(with: byPath.stdoutData) as? [String: Any])?["file_bytes"] as? Int
        #expect(redirectedBytes != nil && redirectedBytes == byPathBytes)
        let one = try Hairpin.run(["bench", "--json", "--stage", "analyze", "--runs", "1", "--warmup", "0", "Captures/glbp-split.pcapng"])
        let oneStages = (try JSONSerialization.jsonObject(with: one.stdoutData) as? [String: Any])?["stages"] as? [[String: Any]]
        #expect(oneStages?.map { $0["stage"] as? String } == ["analyze"])
        // Told how many, the analysis runs on them whatever the input's size.
        let two = try Hairpin.run(["bench", "--json", "--stage", "analyze", "--threads", "2", "--runs", "1", "--warmup", "0", "Captures/glbp-split.pcapng"])
        let twoStages = (try JSONSerialization.jsonObject(with: two.stdoutData) as? [String: Any])?["stages"] as? [[String: Any]]
        #expect(twoStages?.first?["threads"] as? Int == 2)
        #expect(twoStages?.first?["packets"] as? Int == packets)
        // A frame is analysed by the reading thread alone or summed up on one of the two: the
        // shares follow the threads' speeds in that run, and never add up to more than the frames.
        let solo = try #require(twoStages?.first?["solo_frames"] as? Int)
        let unsummed = try #require(twoStages?.first?["unsummed_frames"] as? Int)
        #expect(solo >= 0 && unsummed >= 0 && solo + unsummed <= packets ?? 0)
        let twoText = try Hairpin.run(["bench", "--stage", "analyze", "--threads", "2", "--runs", "1", "--warmup", "0", "Captures/glbp-split.pcapng"])
        let balance = twoText.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(balance.hasPrefix("analyze, 2 threads (median run): the reading thread analysed ")
            && balance.hasSuffix("to it to sum up while it kept up"), "\(twoText.stdout)")
        let unordered = try Hairpin.run(["bench", "--json", "--stage", "analyze", "--reorder-window", "0", "--runs", "1", "--warmup", "0",
                                         "Captures/glbp-split.pcapng"])
        let unorderedStages = (try JSONSerialization.jsonObject(with: unordered.stdoutData) as? [String: Any])?["stages"] as? [[String: Any]]
        #expect(unorderedStages?.first?["reorder_window_ms"] as? Double == 0)
        #expect(unorderedStages?.first?["packets"] as? Int == packets)
        #expect(try Hairpin.run(["bench", "--reorder-window", "-1", "Captures/glbp-split.pcapng"]).status != 0)
        #expect(try Hairpin.run(["bench", "--stage", "encode", "Captures/glbp-split.pcapng"]).status != 0)
        let text = try Hairpin.run(["bench", "--runs", "1", "Captures/glbp-split.pcapng"])
        #expect(text.stdout.contains("analyze") && text.stdout.contains("pkt/s"))
        #expect(!text.stdout.contains("the reading thread analysed"), "one thread: no balance line")
        // The window column: whole milliseconds as such, any other window to the microsecond.
        let rows = text.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.first { $0.first == "analyze" }?[2...3] == ["500", "ms"])
        #expect(rows.first { $0.first == "decode" }?[2...3] == ["0", "ms"])
        let fractional = try Hairpin.run(["bench", "--stage", "read", "--reorder-window", "1.5", "--runs", "1", "--warmup", "0", "Captures/glbp-split.pcapng"])
        #expect(fractional.stdout.split(separator: "\n").last?.split(separator: " ").map(String.init)[2...3] == ["1.500", "ms"])
    }
}

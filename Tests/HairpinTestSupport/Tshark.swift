import Foundation

/// tshark as a peer in tests: where it is, and running it.
public enum Tshark {
    public static let path: String? = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs tshark with `arguments`; returns its exit status and standard output (standard error,
    /// which carries its "running as root" notice, is dropped).
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let path else { return (127, "") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// One row per frame of `fields` (tab-separated `-T fields` output), each field's value or
    /// "" when absent; nil when tshark failed. `occurrence` is tshark's -E occurrence (a: all,
    /// comma-joined; f: first).
    public static func fieldRows(_ path: String, _ fields: [String], occurrence: String = "a") throws -> [[String: String]]? {
        let (status, text) = try run(["-n", "-r", path, "-T", "fields", "-E", "occurrence=\(occurrence)", "-E", "aggregator=,", "-E", "separator=\t"]
            + fields.flatMap { ["-e", $0] })
        guard status == 0 else { return nil }
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(fields, cells + Array(repeating: "", count: max(0, fields.count - cells.count))))
        }
    }
}

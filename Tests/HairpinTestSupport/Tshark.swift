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
}

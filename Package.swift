// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Hairpin",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hairpin", targets: ["hairpin"]),
        .library(name: "HairpinWire", targets: ["HairpinWire"]),
        .library(name: "HairpinCapture", targets: ["HairpinCapture"]),
        .library(name: "HairpinAnalysis", targets: ["HairpinAnalysis"]),
        .library(name: "HairpinReport", targets: ["HairpinReport"]),
        .library(name: "HairpinSynth", targets: ["HairpinSynth"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // libpcap's, zlib's and zstd's headers at build time; each library itself is loaded when
        // first needed (a filter, a compressed capture).
        .target(name: "CLibraries", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // Linked by the tests alone, which compress captures to read them back.
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),
        .target(name: "CPlatform"),
        .target(name: "HairpinWire"),
        .target(
            name: "HairpinCapture",
            dependencies: ["HairpinWire", "CLibraries", "CPlatform"]),
        .target(name: "HairpinAnalysis", dependencies: ["HairpinCapture", "HairpinWire", "CPlatform", .product(name: "Yams", package: "Yams")]),
        .target(name: "HairpinReport", dependencies: ["HairpinAnalysis", "HairpinCapture", "HairpinWire"]),
        .target(
            name: "HairpinSynth",
            dependencies: [
                "HairpinWire", "HairpinCapture", "HairpinReport",
                .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(
            name: "hairpin",
            dependencies: [
                "HairpinWire", "HairpinCapture", "HairpinAnalysis", "HairpinReport", "HairpinSynth", "CPlatform",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "HairpinWireTests", dependencies: ["HairpinWire"]),
        .target(name: "HairpinTestSupport", dependencies: ["HairpinWire", "CZlib", "CZstd"], path: "Tests/HairpinTestSupport"),
        .testTarget(name: "HairpinCaptureTests", dependencies: ["HairpinCapture", "HairpinWire", "HairpinTestSupport"]),
        .testTarget(name: "HairpinReportTests", dependencies: ["HairpinReport", "HairpinWire"]),
        .testTarget(name: "HairpinAnalysisTests", dependencies: ["HairpinAnalysis", "HairpinWire", "HairpinCapture", "HairpinTestSupport"]),
        .testTarget(name: "HairpinSynthTests", dependencies: ["HairpinSynth", "HairpinAnalysis", "HairpinWire", "HairpinCapture", "HairpinTestSupport"]),
        .testTarget(name: "HairpinCLITests", dependencies: ["hairpin", "HairpinCapture", "HairpinTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.1
// Benchmarks live in their own package so that building or testing Hairpin never needs
// package-benchmark. Run with `swift package benchmark` from this folder (or `make bench`).
import PackageDescription

let package = Package(
    name: "HairpinBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Hairpin", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CaptureReading",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HairpinCapture", package: "Hairpin"),
                .product(name: "HairpinWire", package: "Hairpin"),
                .product(name: "HairpinAnalysis", package: "Hairpin"),
                .product(name: "HairpinSynth", package: "Hairpin"),
            ],
            path: "Benchmarks/CaptureReading",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

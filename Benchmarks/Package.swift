// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so that benchmark-only code never enters the library's build graph.
// It depends on the CardKit package by path; library modules that are not products (CardPNG, CardKitJSON) are
// reached through the products that contain them.
let package = Package(
    name: "CardKitBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "CardKit", path: "..")
    ],
    targets: [
        // PNG card reads (Benchmarks/png/run.sh).
        .executableTarget(
            name: "png-bench",
            dependencies: [.product(name: "CardKit", package: "CardKit")],
            path: "Sources/png-bench",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        // JSON Schema validation against Python's jsonschema (Benchmarks/jsonschema/run.sh).
        .executableTarget(
            name: "JSONSchemaBenchmark",
            dependencies: [.product(name: "JSONSchema", package: "CardKit")],
            path: "jsonschema/Sources/JSONSchemaBenchmark",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        // JSON parse + card model against Foundation's JSONSerialization (Benchmarks/json/run.sh).
        .executableTarget(
            name: "json-bench",
            dependencies: [.product(name: "CardKit", package: "CardKit")],
            path: "Sources/json-bench",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        // Card → platform conversion throughput and peak memory (Benchmarks/platforms/run.sh).
        .executableTarget(
            name: "platforms-bench",
            dependencies: [.product(name: "CardKit", package: "CardKit")],
            path: "Sources/platforms-bench",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        // card-corpus and cardkit-suite (Benchmarks/corpus, Benchmarks/suite) are targets of the root package,
        // added with CARDKIT_BENCHMARKS=1: they time `package` API that only CardKit's own targets can see.
    ]
)

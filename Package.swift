// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Set CARDKIT_SKIP_UPLOAD=1 to leave the NIO-based targets (upload, serve) out of a local build.
///
/// For developers who do not touch uploads (SwiftNIO triples a clean build on two cores); CI and users always build
/// everything. A package trait (tools 6.1) cannot replace this switch: a trait can drop a dependency edge
/// (`condition: .when(traits:)`), but not a target, so the upload targets, the fakes and their tests would still be
/// built, each source file wrapped in `#if`.
let includeUpload = ProcessInfo.processInfo.environment["CARDKIT_SKIP_UPLOAD"] == nil

/// Files that use `OrderedDictionary` members (through `JSONObject.members`) import OrderedCollections themselves.
let orderedCollections: Target.Dependency = .product(name: "OrderedCollections", package: "swift-collections")

let package = Package(
    name: "CardKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CardKit", targets: ["CardKit"]),
        .library(name: "JSONSchema", targets: ["JSONSchema"]),
        .executable(name: "cardkit", targets: ["cardkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        // C shim
        .systemLibrary(
            name: "CLibPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev", "zlib1g-dev"])]
        ),
        .target(
            name: "CCardPNG",
            dependencies: ["CLibPNG"],
            linkerSettings: [.linkedLibrary("z")]
        ),
        // CRC-32 (carry-less-multiply folding, zlib's crc32 as the fallback): PNG chunks and CharX entries.
        .target(name: "CCRC32", linkerSettings: [.linkedLibrary("z")]),

        // Library
        .target(
            name: "CardKitJSON",
            dependencies: [orderedCollections]
        ),
        .target(name: "JSONSchema", dependencies: ["CardKitJSON", orderedCollections]),
        .target(name: "CardKitFiles"),
        .target(name: "CardModel", dependencies: ["CardKitJSON", orderedCollections]),
        .target(name: "CardPNG", dependencies: ["CardModel", "CCardPNG", "CCRC32"]),
        .target(
            name: "CardFormats",
            dependencies: ["CardKitFiles", "CardModel", "CardPNG", "ZIPFoundation", "Yams", orderedCollections]
        ),
        .target(name: "CardSchemas", dependencies: ["CardModel", "JSONSchema"]),
        .target(name: "CardPlatforms", dependencies: ["CardKitFiles", "CardModel", orderedCollections]),
        .target(
            name: "CardKit",
            dependencies: [
                "CardKitFiles", "CardKitJSON", "CardModel", "CardPNG", "CardFormats", "CardSchemas", "CardPlatforms",
                orderedCollections,
            ]
        ),

        // CLI
        .executableTarget(
            name: "cardkit",
            dependencies: [
                "CardKit", orderedCollections, .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Tests
        .target(name: "CardKitTestSupport", path: "Tests/CardKitTestSupport"),
        .testTarget(name: "CardKitJSONTests", dependencies: ["CardKitJSON", "CardKitTestSupport", orderedCollections]),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "CardKitTestSupport"]),
        .testTarget(name: "CardModelTests", dependencies: ["CardModel", "CardKitTestSupport"]),
        .testTarget(name: "CardPNGTests", dependencies: ["CardPNG", "CardModel", "CardKitTestSupport"]),
        .testTarget(name: "CardFormatsTests", dependencies: ["CardFormats", "CardKitFiles", "CardKitTestSupport"]),
        .testTarget(name: "CardSchemasTests", dependencies: ["CardKit", "CardSchemas", "CardKitTestSupport"]),
        .testTarget(
            name: "CardPlatformsTests",
            dependencies: [
                "CardKit", "CardKitFiles", "CardPlatforms", "CardSchemas", "CardKitTestSupport", orderedCollections,
            ]),
        .testTarget(name: "CardKitTests", dependencies: ["CardKit", "CardKitFiles", "CardKitTestSupport"]),
        .testTarget(name: "cardkitTests", dependencies: ["cardkit", "CardKit", "CardKitTestSupport", "JSONSchema"]),
        .testTarget(
            name: "HardeningTests", dependencies: ["cardkit", "CardKit", "CardKitTestSupport"], exclude: ["Fixtures"]),
    ]
)

/// Every Swift target: `any` spelled out, imports internal unless marked `public import`, and members visible only
/// from modules the file imports (STYLE C8).
let upcomingFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + upcomingFeatures
}

if includeUpload {
    // Upload and serve: the only parts of the package on SwiftNIO (async-http-client, Hummingbird).
    package.dependencies.append(contentsOf: [
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // The fakes' MD5 (Spicychat's save-image hash); async-http-client already brings it into the graph.
    ])
    package.products.append(contentsOf: [
        .library(name: "CardKitUpload", targets: ["CardKitUpload"]),
        .executable(name: "fake-providers", targets: ["fake-providers"]),
        .library(name: "CardKitServe", targets: ["CardKitServe"]),
    ])
    let uploadTargets: [Target] = [
        // Library
        .target(
            name: "CardKitUpload",
            dependencies: [
                "CardKit", "CardKitFiles", "CardKitJSON", "CardModel", "CardPlatforms", "CardSchemas",
                orderedCollections, .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "FakeProviderServer",
            dependencies: [
                "CardKitJSON", orderedCollections,
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/FakeProviders/FakeProviderServer"
        ),
        // `cardkit serve`: the web app and the HTTP API.
        .target(
            name: "CardKitServe",
            dependencies: [
                "CardKit", "CardKitFiles", "CardKitJSON", "CardModel", "CardPlatforms", "CardSchemas", "CardFormats",
                orderedCollections,
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // CLI
        .executableTarget(
            name: "fake-providers",
            dependencies: [
                "FakeProviderServer", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/FakeProviders/fake-providers"
        ),
        // Tests
        .testTarget(
            name: "CardKitUploadTests",
            dependencies: [
                "CardKitUpload", "FakeProviderServer", "CardKitJSON", "CardModel", "CardPlatforms",
                "CardKitTestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CardKitServeTests",
            dependencies: [
                "CardKitServe", "CardKit", "CardKitFiles", "CardKitJSON", "CardKitTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
    for target in uploadTargets {
        target.swiftSettings = (target.swiftSettings ?? []) + upcomingFeatures
    }
    package.targets.append(contentsOf: uploadTargets)
    if let cli = package.targets.first(where: { $0.name == "cardkit" }) {
        cli.dependencies.append(contentsOf: ["CardKitUpload", "CardKitServe"])
    }
}

/// Set CARDKIT_BENCHMARKS=1 to add the two executables of the benchmark table (`Benchmarks/run-all.sh` does).
///
/// They time calls that CardKit keeps at `package` access (`PNGCardReader`, `PNGImageEncoder`, the splice entry
/// point of `PNGCardWriter`), which only targets of this package can see; without the variable they are not part
/// of the build graph. Build them in a scratch path of their own.
if ProcessInfo.processInfo.environment["CARDKIT_BENCHMARKS"] != nil {
    package.targets.append(contentsOf: [
        .executableTarget(
            name: "card-corpus", dependencies: ["CardKit"], path: "Benchmarks/corpus",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
        .executableTarget(
            name: "cardkit-suite", dependencies: ["CardKit", "JSONSchema"], path: "Benchmarks/suite",
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
    ])
}

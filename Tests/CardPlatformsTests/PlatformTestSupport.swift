import CardKit
import CardKitTestSupport
import Foundation
import OrderedCollections
import Testing

/// Loading cards and comparing golden files for the platform tests.
enum PlatformTestSupport {
    /// This test target's folder.
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// The golden files.
    static let fixturesDirectory = testsDirectory.appendingPathComponent("Fixtures", isDirectory: true)

    /// Loads a card file (JSON, PNG, CharX, YAML) the way the CLI does.
    static func load(_ url: URL) throws -> Card {
        try CardFileLoader.load(data: Data(contentsOf: url), path: url.lastPathComponent).card
    }

    /// A sample card from `samples/`.
    static func sample(_ name: String) throws -> Card {
        try load(SharedFixtures.samplesDirectory.appendingPathComponent(name))
    }

    /// A card from the shared cards.
    static func shared(_ name: String) throws -> Card { try load(SharedFixtures.card(name)) }

    /// A V2 card built in code.
    static func card(_ fields: JSONObject) -> Card {
        var data = Card(spec: .v2).fields
        for (key, value) in fields { data[key] = value }
        return Card(document: ["spec": "chara_card_v2", "spec_version": "2.0", "data": .object(data)], shape: .v2)
    }

    /// Compares `bytes` with the golden file `name`; records it (and fails) when `RECORD_SNAPSHOTS=1` or it is missing.
    static func assertGolden(_ bytes: [UInt8], named name: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let url = fixturesDirectory.appendingPathComponent(name)
        let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
        if record || !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: fixturesDirectory, withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
            Issue.record(
                "recorded golden file \(name); re-run without RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
            return
        }
        let expected = [UInt8](try Data(contentsOf: url))
        if expected != bytes {
            let actual = String(decoding: bytes, as: UTF8.self)
            Issue.record(
                "\(name) differs from the golden file (RECORD_SNAPSHOTS=1 re-records it); got:\n\(actual)",
                sourceLocation: sourceLocation)
        }
    }
}

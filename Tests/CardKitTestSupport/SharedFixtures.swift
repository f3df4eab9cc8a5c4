public import Foundation
public import Testing

/// Locates the read-only test data beside the project (`../shared`, or `CARDKIT_SHARED`).
///
/// Tests gate themselves with ``SharedFixtures/isAvailable`` through
/// `.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason)`, so a checkout without the
/// shared folder skips them with a printed reason instead of failing.
public enum SharedFixtures {
    /// The project root, derived from this file's location.
    public static let projectRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CardKitTestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The shared data root: `$CARDKIT_SHARED`, else `../shared` beside the project.
    public static let root: URL = {
        if let override = ProcessInfo.processInfo.environment["CARDKIT_SHARED"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        return projectRoot.deletingLastPathComponent().appendingPathComponent("shared", isDirectory: true)
    }()

    /// The folder of real-world cards.
    public static var cardsDirectory: URL { root.appendingPathComponent("cards", isDirectory: true) }

    /// Whether the shared cards are present.
    public static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: cardsDirectory.path)
    }

    /// The reason printed when shared data is absent.
    public static var skipReason: Comment {
        "skipped: sample cards not found at \(cardsDirectory.path) (set CARDKIT_SHARED to override)"
    }

    /// The file names in `cards/` with one of the given extensions (lowercased, no dot), sorted; empty when absent.
    public static func cardNames(extensions: Set<String>) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cardsDirectory.path)) ?? []
        return names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
    }

    /// The URL of a file in `cards/`.
    public static func card(_ name: String) -> URL { cardsDirectory.appendingPathComponent(name) }

    /// The bytes of a file in `cards/`.
    public static func cardData(_ name: String) throws -> Data { try Data(contentsOf: card(name)) }

    /// The project's `samples/` folder.
    public static var samplesDirectory: URL { projectRoot.appendingPathComponent("samples", isDirectory: true) }

    /// The sample file names with one of the given extensions, sorted.
    public static func sampleNames(extensions: Set<String>) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: samplesDirectory.path)) ?? []
        return names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
    }

    /// A fresh temporary directory for a test to write into.
    public static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cardkit-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

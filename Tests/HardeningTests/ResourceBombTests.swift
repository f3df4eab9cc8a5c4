import CardKitTestSupport
import Foundation
import Testing

/// Issue 18's reproductions at their reported sizes, through the built `cardkit` under the 1 GiB address-space limit
/// and a time limit: each is refused (or read) with its exact message, never a crash, a hang or gigabytes.
@Suite(.serialized)
struct ResourceBombTests {
    /// One reproduction: the file, and what `cardkit inspect` must print.
    struct Bomb: Sendable, CustomTestStringConvertible {
        var fileName: String
        var make: @Sendable () -> [UInt8]
        /// The exact reason on standard error after `<path>: error: `, or nil when the file reads (exit 0).
        var reason: String?
        /// For a file that reads: a line `inspect`'s report must contain.
        var reported: String?

        var testDescription: String { fileName }
    }

    /// Seconds any one run may take: a debug binary, and the largest input is 60 MB.
    static let timeLimit = 30.0

    static let bombs: [Bomb] = [
        Bomb(
            fileName: "yaml-aliases-1mb.yaml",
            make: { ResourceBombs.yamlAliases(stringBytes: 1 << 20, aliases: 1_000) },
            reason: "refused: line 1, column 7: the YAML expands to more than 16777216 bytes of text (aliases "
                + "repeating a large value?)"),
        Bomb(
            fileName: "yaml-aliases-8mb.yaml",
            make: { ResourceBombs.yamlAliases(stringBytes: 8 << 20, aliases: 1_000) },
            reason: "refused: 8395640 bytes of YAML, more than the limit of 4194304"),
        Bomb(
            fileName: "yaml-million-keys.yaml", make: { ResourceBombs.yamlKeys(count: 1_000_000) },
            reason: "refused: 10888909 bytes of YAML, more than the limit of 4194304"),
        Bomb(
            fileName: "nested-arrays-60mb.json", make: { ResourceBombs.nestedArrays(count: 15_000_000) },
            reason: "invalid JSON: line 1, column 3999999 (byte 3999998): more than 2000000 values in the document"),
        Bomb(
            fileName: "nested-arrays-ztxt.png", make: { ResourceBombs.nestedArraysPNG(units: 3_900_000) },
            reason: "invalid JSON: line 1, column 3999999 (byte 3999998): more than 2000000 values in the document "
                + "(in zTXt 'chara' (chunk 2, byte 60, 453630 bytes, after IDAT))"),
        Bomb(
            fileName: "shared-local-header.charx",
            make: { ResourceBombs.sharedLocalHeaderCharX(sharing: 1_070, entryBytes: 1_000_000) },
            reason: "CharX: damaged ZIP archive: entry 2: shares its local header at byte 120 with entry 1 "
                + "(overlapping entries: a zip bomb)"),
        Bomb(
            fileName: "million-duplicate-keys.json", make: { ResourceBombs.duplicateKeys(count: 1_000_000) },
            reported:
                "999899 more duplicate keys, the first at /a (byte 634), not listed: the later value wins for each"),
        Bomb(
            fileName: "million-entry-book.json", make: { ResourceBombs.cardWithBook(entries: 1_000_000) },
            reason: "refused: /data/character_book/entries: the book has 1000000 entries, more than the limit of "
                + "100000 (real lorebooks have a few thousand)"),
        Bomb(
            fileName: "million-entry-lorebook.json", make: { ResourceBombs.lorebook(entries: 1_000_000) },
            reason: "refused: /data/entries: the book has 1000000 entries, more than the limit of 100000 (real "
                + "lorebooks have a few thousand)"),
        Bomb(
            fileName: "space-padded-base64.png", make: { ResourceBombs.spacePaddedBase64PNG(spaces: 40 << 20) },
            reported: "warning: byte 60: zTXt 'chara': base64 payload contains whitespace (ignored)"),
        Bomb(
            fileName: "hundred-thousand-keywords.png", make: { ResourceBombs.manyKeywordsPNG(count: 100_000) },
            reason: "no card in this PNG: no 'chara' or 'ccv3' text chunk (text chunks: "
                + (0..<20).map { "k\($0)" }.joined(separator: ", ") + ", and 99980 more)"),
    ]

    @Test(arguments: bombs)
    func inspectEndsWithTheExactOutcome(_ bomb: Bomb) throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(bomb.fileName)
        try Data(bomb.make()).write(to: url)
        let run = try BoundedCLI.run(["inspect", url.path], timeout: Self.timeLimit)
        #expect(!run.timedOut, "\(bomb.fileName) took longer than \(Self.timeLimit) s")
        #expect(!run.signaled, "\(bomb.fileName) crashed (status \(run.status)): \(run.stderr.prefix(400))")
        if let reason = bomb.reason {
            #expect(run.status == 1)
            #expect(run.stderr == "cardkit: \(url.path): error: \(reason)\n")
        } else {
            #expect(run.status == 0, "\(run.stderr.prefix(400))")
            #expect(run.stdout.contains(bomb.reported ?? ""), "\(run.stdout.prefix(2_000))")
            // One line per diagnostic: the duplicate keys past the first 100 are one line, not a million.
            #expect(run.stdout.split(separator: "\n").count < 200)
        }
    }

    /// `extract` once wrote 1.1 GB from the 64 KB archive: it now writes nothing.
    @Test func extractWritesNothingFromASharedHeaderArchive() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("shared-local-header.charx")
        try Data(ResourceBombs.sharedLocalHeaderCharX(sharing: 1_070, entryBytes: 1_000_000)).write(to: url)
        let out = directory.appendingPathComponent("out", isDirectory: true)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let run = try BoundedCLI.run(["extract", url.path, "--out-dir", out.path], timeout: Self.timeLimit)
        #expect(!run.signaled && !run.timedOut)
        #expect(run.status == 1)
        #expect(run.stderr.contains("overlapping entries: a zip bomb"), "\(run.stderr)")
        let written = try FileManager.default.subpathsOfDirectory(atPath: out.path)
        #expect(written.isEmpty, "\(written)")
    }

    static func makeDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cardkit-bombs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

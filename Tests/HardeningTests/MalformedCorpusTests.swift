import Foundation
import Testing

/// Runs every generated hostile input through the built `cardkit` under a 1 GiB address-space limit and a
/// time limit, and asserts its exit status and the class of its message.
@Suite(.serialized)
struct MalformedCorpusTests {
    /// Seconds any one input may take (the binary is a debug build; every case takes well under a second of
    /// reading, the 100 MB inputs a few seconds).
    static let timeLimit = 20.0

    @Test(arguments: CorpusGenerator.allCases())
    func endsWithTheExpectedOutcome(_ item: MalformedCase) throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent(item.fileName)
        try item.make().write(to: url)
        let run = try BoundedCLI.run(item.arguments + [url.path], timeout: Self.timeLimit)
        #expect(!run.timedOut, "\(item.name) took longer than \(Self.timeLimit) s")
        #expect(!run.signaled, "\(item.name) crashed (status \(run.status)): \(run.stderr.prefix(400))")
        #expect(
            run.status == item.expected.status,
            "\(item.name): expected \(item.expected), got exit \(run.status): \(run.stderr.prefix(400))")
        // A rejection's reason is on standard error; an accepted input's warnings are in `inspect`'s report.
        let messages =
            item.expected.status == 0 && item.expected.message != .clean ? run.stdout + run.stderr : run.stderr
        #expect(
            item.expected.message.matches(messages),
            "\(item.name): expected \(item.expected.message.rawValue), got: \(messages.prefix(400))")
        if item.expected.status == 1 {
            // The reason is one line that names the file.
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(item.name): \(lines.count) lines on stderr")
            #expect(run.stderr.contains(item.fileName))
        }
    }

    /// The generator covers every class the issue lists, and truncates at every chunk boundary of its PNG.
    @Test func corpusCoversEveryClass() {
        let cases = CorpusGenerator.allCases()
        let classes = Set(cases.map(\.expected.message))
        for needed: MessageClass in [
            .truncated, .badCRC, .lengthTooLarge, .decompressionBomb, .zipBomb, .invalidUTF8, .tooDeep, .stringTooLong,
            .invalidJSON, .byteOrderMark, .duplicateKey,
        ] {
            #expect(classes.contains(needed), "no case of \(needed.rawValue)")
        }
        let boundaries = CorpusGenerator.chunkOffsets(CorpusGenerator.validPNG).count
        #expect(boundaries == 4)
        #expect(cases.filter { $0.name.hasPrefix("png-truncated-at-boundary-") }.count == boundaries)
        #expect(Set(cases.map(\.name)).count == cases.count, "case names are unique")
    }

    /// The valid inputs every mutation starts from read cleanly, so each failure above is the mutation's.
    @Test func baseInputsAreValid() throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let png = directory.appendingPathComponent("base.png")
        try Data(CorpusGenerator.validPNG).write(to: png)
        let json = directory.appendingPathComponent("base.json")
        try Data(CorpusGenerator.cardJSON).write(to: json)
        let ztxt = directory.appendingPathComponent("base-ztxt.png")
        let payload = Array(Data(CorpusGenerator.cardJSON).base64EncodedString().utf8)
        try Data(
            CorpusGenerator.png(textChunks: [
                CorpusGenerator.chunk("zTXt", Array("chara".utf8) + [0, 0] + CorpusGenerator.zlib(payload))
            ])
        )
        .write(to: ztxt)
        let charx = directory.appendingPathComponent("base.charx")
        try CorpusGenerator.zip([("card.json", Data(CorpusGenerator.cardJSON))]).write(to: charx)
        for url in [png, json, ztxt, charx] {
            let run = try BoundedCLI.run(["inspect", url.path])
            #expect(run.status == 0, "\(url.lastPathComponent): \(run.stderr)")
            #expect(run.stdout.contains("Corpus"), "\(url.lastPathComponent): \(run.stdout)")
        }
    }

    /// The 10,000-digit number survives a conversion digit for digit.
    @Test func tenThousandDigitNumberSurvivesConversion() throws {
        let directory = try makeDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let digits = String(repeating: "9", count: 10_000)
        let card = String(decoding: CorpusGenerator.cardJSON, as: UTF8.self)
            .replacingOccurrences(of: #""name":"Corpus""#, with: #""name":"Corpus","fav":"# + digits)
        let url = directory.appendingPathComponent("digits.json")
        try Data(card.utf8).write(to: url)
        let run = try BoundedCLI.run(["convert", url.path, "--to", "v3"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains(#""fav":"# + digits))
    }

    private func makeDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cardkit-hardening-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

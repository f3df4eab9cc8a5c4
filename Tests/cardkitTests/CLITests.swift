import CardKit
import CardKitTestSupport
import Foundation
import Testing

private let samples = SharedFixtures.samplesDirectory

@Suite(.serialized) struct CLITests {
    @Test func convertsASampleToV3OnStandardOutput() throws {
        let run = try CLI.run([
            "convert", samples.appendingPathComponent("v2-archivist-with-lorebook.json").path, "--to", "v3",
        ])
        #expect(run.status == 0)
        let card = try CardReader.read(run.stdout).card
        #expect(card.spec == .v3)
        #expect(card.name == "Archivist Pell")
        #expect(card.characterBook?.entries.count == 3)
        #expect(card.groupOnlyGreetings == [])
    }

    @Test func readsStandardInput() throws {
        let bytes = try Data(contentsOf: samples.appendingPathComponent("v1-lighthouse-keeper.json"))
        let run = try CLI.run(["convert", "-", "--to", "v2"], stdin: bytes)
        #expect(run.status == 0)
        let card = try CardReader.read(run.stdout).card
        #expect(card.spec == .v2)
        #expect(card.creatorNotes.hasPrefix("An original sample card"))
        #expect(card.document["chat"] == .string("Odile Marsh - 2026-11-22 @10h 05m 00s 000ms"))
    }

    @Test func batchReportsTheBadFileAndConvertsTheRest() throws {
        let out = try SharedFixtures.makeTemporaryDirectory()
        let run = try CLI.run(["convert", samples.path, "--to", "v3", "--out-dir", out.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("broken-truncated.json: error: invalid JSON: line 1, column"))
        #expect(run.stderr.contains("converted 4 of 5 inputs to v3; 1 failed"))
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(
            written == [
                "malformed-wrong-types.json", "v1-lighthouse-keeper.json", "v2-archivist-with-lorebook.json",
                "v3-cartographer-with-assets.json",
            ])
        for name in written {
            let card = try CardReader.read(Data(contentsOf: out.appendingPathComponent(name))).card
            #expect(card.spec == .v3)
        }
    }

    @Test func strictRejectsTheMalformedSample() throws {
        let path = samples.appendingPathComponent("malformed-wrong-types.json").path
        let lenient = try CLI.run(["inspect", path])
        #expect(lenient.status == 0)
        #expect(lenient.stdoutText.contains("warning: /data/alternate_greetings: expected an array of strings"))
        let strict = try CLI.run(["inspect", "--strict", path])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("strict reading failed"))
    }

    @Test func usageErrorsExitWithTwo() throws {
        #expect(try CLI.run(["convert", samples.path]).status == 2)
        #expect(try CLI.run(["convert", "a.json", "b.json", "--to", "v3", "-o", "x.json"]).status == 2)
        #expect(try CLI.run(["frobnicate"]).status == 2)
        #expect(try CLI.run(["convert", samples.path, "--to", "v3", "-o", "/tmp/one.json"]).status == 2)
    }

    @Test func missingFileIsNamed() throws {
        let run = try CLI.run(["inspect", "/nonexistent/card.json"])
        #expect(run.status == 1)
        #expect(run.stderr == "cardkit: /nonexistent/card.json: error: no such file or directory\n")
    }

    @Test func neverOverwritesItsInput() throws {
        let directory = try SharedFixtures.makeTemporaryDirectory()
        let card = directory.appendingPathComponent("card.json")
        let original = try Data(contentsOf: samples.appendingPathComponent("v1-lighthouse-keeper.json"))
        try original.write(to: card)
        let run = try CLI.run(["convert", card.path, "--to", "v2", "--out-dir", directory.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("would overwrite the input"))
        #expect(try Data(contentsOf: card) == original)
    }

    @Test func jsonInspectPrintsOneRecordPerInput() throws {
        let run = try CLI.run(["inspect", "--json", samples.path])
        #expect(run.status == 1)
        let lines = run.stdoutText.split(separator: "\n")
        #expect(lines.count == 5)
        let records = try lines.map { try JSONParser.parse(Array($0.utf8)).value }
        #expect(records.map { $0["ok"] } == [false, true, true, true, true].map { JSONValue.bool($0) })
        #expect(records[4]["inspect"]?["spec"] == "v3")
        #expect(records[4]["inspect"]?["lorebook"]?["entries"] == 2)
        #expect(records[0]["diagnostics"]?[0]?["code"] == "invalid-json")
    }
}

/// Hostile inputs end in exit 1 with a one-line reason, quickly and in bounded memory.
@Suite(.serialized) struct HostileInputTests {
    static func write(_ bytes: [UInt8], named name: String) throws -> URL {
        let url = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test func hundredThousandLevelNestedArray() throws {
        let url = try Self.write(
            [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
                + [UInt8](repeating: UInt8(ascii: "]"), count: 100_000),
            named: "deep.json")
        let run = try CLI.run(["inspect", url.path])
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.contains("nesting deeper than 512 levels"))
    }

    @Test func fiftyMegabyteString() throws {
        let bytes =
            Array(#"{"name":""#.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 50 << 20) + Array(#""}"#.utf8)
        let url = try Self.write(bytes, named: "huge.json")
        let run = try CLI.run(["inspect", url.path])
        #expect(run.status == 1)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.contains("a string longer than the limit"))
        if TestSanitizer.boundsResidentMemory {
            #expect(run.peakChildRSSKilobytes < 400_000)
        }
    }

    @Test func invalidUTF8() throws {
        let url = try Self.write(
            Array(#"{"name":"bad "#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8), named: "bad-utf8.json")
        let run = try CLI.run(["inspect", url.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("invalid UTF-8 in a string"))
        #expect(run.stderr.contains("(byte 13)"))
    }

    @Test func truncatedDocument() throws {
        let run = try CLI.run(["extract", samples.appendingPathComponent("broken-truncated.json").path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("truncated"))
        #expect(run.stdout.isEmpty)
    }

    @Test func jpegNamedPNGIsNamedAsJPEG() throws {
        let url = try Self.write([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8), named: "photo.png")
        let run = try CLI.run(["inspect", url.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("not a card: looks like JPEG"))
    }
}

@Suite(.serialized, .enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct CLIRealCardTests {
    @Test func extractPrintsTheStoredJSONExactly() throws {
        let json = SharedFixtures.card("爱.json")
        let run = try CLI.run(["extract", json.path])
        #expect(run.status == 0)
        #expect(run.stdout == (try Data(contentsOf: json)))
        let png = SharedFixtures.card("stc_Gloria_PA.png")
        let pngRun = try CLI.run(["extract", png.path])
        #expect(pngRun.status == 0)
        let expected = try PNGCardReader.read(Data(contentsOf: png)).json
        #expect([UInt8](pngRun.stdout) == expected)
        #expect(try CardReader.read(pngRun.stdout).card.creator.contains("\r\n"))
    }

    @Test func inspectShowsBothChunksAndWhichIsUsed() throws {
        let run = try CLI.run(["inspect", "--json", SharedFixtures.card("st_default_Seraphina_v2+ccv3_2024.png").path])
        #expect(run.status == 0)
        let record = try #require(try JSONParser.parse(Array(run.stdout)).value["inspect"])
        let chunks = try #require(record["chunks"]?.arrayValue)
        #expect(chunks.map { $0["keyword"] } == ["chara", "ccv3"])
        #expect(chunks.map { $0["selected"] } == [false, true])
        #expect(record["spec"] == "v3")
        #expect(record["name"] == "Seraphina")
        #expect(record["lorebook"]?["entries"] == 4)
    }

    @Test func convertToPNGThenExtractRoundTrips() throws {
        let out = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("pell.png")
        let source = samples.appendingPathComponent("v3-cartographer-with-assets.json")
        let run = try CLI.run(["convert", source.path, "--to", "png", "-o", out.path])
        #expect(run.status == 0)
        let extracted = try CLI.run(["extract", out.path])
        let expected = try CardReader.read(Data(contentsOf: source)).card.converted(to: .v3).card
        #expect(try CardReader.read(extracted.stdout).card == expected)
    }
}

@Suite(.serialized, .enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct CLIMixedFolderTests {
    @Test func everyCardInAMixedFolderConvertsToV3InOneCommand() throws {
        let out = try SharedFixtures.makeTemporaryDirectory()
        let run = try CLI.run([
            "convert", SharedFixtures.cardsDirectory.path, samples.path, "--to", "v3", "--out-dir", out.path,
        ])
        let extensions = CardInputCollector.cardExtensions
        let total =
            SharedFixtures.cardNames(extensions: extensions).count
            + SharedFixtures.sampleNames(extensions: extensions).count
        #expect(run.status == 1)
        let errors = run.stderr.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 2)
        #expect(
            errors.contains {
                $0.hasSuffix(
                    "st_worldinfo_Eldoria.json: error: not a character card: /entries: a World Info file or lorebook (entries)"
                )
            })
        #expect(errors.contains { $0.contains("broken-truncated.json: error: invalid JSON") })
        #expect(run.stderr.hasSuffix("converted \(total - 2) of \(total) inputs to v3; 2 failed\n"))
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(written.count == total - 2)
        for name in written {
            let card = try CardReader.read(Data(contentsOf: out.appendingPathComponent(name))).card
            #expect(card.spec == .v3, "\(name)")
            #expect(card.shape == .v3)
        }
        #expect(written.contains("ooba_Example.json"))
        #expect(written.contains("tavernkit_test_character.json"))  // the PNG; the CharX became -2
        #expect(written.contains("tavernkit_test_character-2.json"))
    }

    @Test func inspectDescribesLorebookFiles() throws {
        let run = try CLI.run(["inspect", SharedFixtures.card("st_worldinfo_Eldoria.json").path])
        #expect(run.status == 0)
        #expect(
            run.stdoutText.hasSuffix(
                "st_worldinfo_Eldoria.json: lorebook (worldinfo), 4 entries\n  diagnostics: 0 warnings/errors\n"))
    }

    @Test func inspectNamesTheShapeOfOlderFormats() throws {
        let run = try CLI.run([
            "inspect", "--json", SharedFixtures.card("ooba_Example.yaml").path,
            SharedFixtures.card("tavernai_folder_Aqua.json").path,
            SharedFixtures.card("tavernkit_test_character.charx").path,
        ])
        #expect(run.status == 0)
        let records = try run.stdoutText.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)).value }
        #expect(records.map { $0["inspect"]?["container"] } == ["yaml", "json", "charx"])
        #expect(records.map { $0["inspect"]?["format"] } == ["textgen-yaml", "tavernai-folder", "v3"])
        #expect(records[0]["inspect"]?["name"] == "Chiharu Yamada")
    }
}

@Suite(.serialized) struct CLIPlatformTests {
    @Test func platformConversionWritesAReportAndFailsOnLossWhenAsked() throws {
        let directory = try SharedFixtures.makeTemporaryDirectory()
        let report = directory.appendingPathComponent("losses.json")
        let source = samples.appendingPathComponent("v2-archivist-with-lorebook.json").path
        let run = try CLI.run([
            "convert", source, "--to", "spicychat", "--visibility", "public", "--report", report.path, "--fail-on-loss",
        ])
        #expect(run.status == 1)
        let output = try JSONParser.parse(Array(run.stdout)).value
        #expect(output["name"] == "Archivist Pell")
        #expect(output["visibility"] == "public")
        let records = try #require(try JSONParser.parse(Data(contentsOf: report)).value.arrayValue)
        #expect(records.count == 1)
        let entries = try #require(records[0]["report"]?["entries"]?.arrayValue)
        #expect(entries.contains { $0["pointer"] == "/data/character_book" })
        #expect(run.stderr.contains("fields lost"))
        let lenient = try CLI.run(["convert", source, "--to", "nextchat"])
        #expect(lenient.status == 0)
    }

    @Test func badVisibilityIsAUsageError() throws {
        let run = try CLI.run([
            "convert", samples.appendingPathComponent("v1-lighthouse-keeper.json").path, "--to", "spicychat",
            "--visibility", "secret",
        ])
        #expect(run.status == 2)
    }
}

import CardKit
import CardKitTestSupport
import Foundation
import Testing

private let samples = SharedFixtures.samplesDirectory
private let keeper = samples.appendingPathComponent("v1-lighthouse-keeper.json").path

/// A fresh empty folder.
private func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ck-s-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Issue 14, "What I found → Surprises": one test per item, asserting exit codes and exact messages.
@Suite(.serialized) struct SurpriseTests {
    @Test func outputOntoAnExistingFileIsRefusedUnlessForce() throws {
        let folder = try temporaryFolder()
        let out = folder.appendingPathComponent("out.json")
        try Data("keep".utf8).write(to: out)
        let refused = try CLI.run(["convert", keeper, "--to", "v2", "-o", out.path, "-q"])
        #expect(refused.status == 1)
        #expect(refused.stderr == "cardkit: \(out.path): error: the file exists; pass --force to replace it\n")
        #expect(try String(contentsOf: out, encoding: .utf8) == "keep")
        let forced = try CLI.run(["convert", keeper, "--to", "v2", "-o", out.path, "--force", "-q"])
        #expect(forced.status == 0)
        #expect(forced.stderr == "")
        #expect(try CardReader.read(Data(contentsOf: out)).card.spec == .v2)
    }

    @Test func embedOntoAnExistingFileIsRefusedUnlessForce() throws {
        let folder = try temporaryFolder()
        let png = folder.appendingPathComponent("card.png")
        #expect(try CLI.run(["convert", keeper, "--to", "png", "-o", png.path, "-q"]).status == 0)
        let out = folder.appendingPathComponent("out.png")
        try Data("keep".utf8).write(to: out)
        let refused = try CLI.run(["embed", keeper, png.path, "-o", out.path])
        #expect(refused.status == 1)
        #expect(refused.stderr == "cardkit: \(out.path): error: the file exists; pass --force to replace it\n")
        #expect(try CLI.run(["embed", keeper, png.path, "-o", out.path, "--force"]).status == 0)
    }

    @Test func reportDashIsStandardOutput() throws {
        let folder = try temporaryFolder()
        let run = try CLI.run(
            [
                "convert", keeper, "--to", "spicychat", "-o", folder.appendingPathComponent("s.json").path, "--report",
                "-",
                "-q",
            ], in: folder)
        #expect(run.status == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("-").path))
        let report = try JSONParser.parse([UInt8](run.stdout)).value
        #expect(report.arrayValue?.first?["path"]?.stringValue == keeper)
        let clash = try CLI.run(["convert", keeper, "--to", "spicychat", "--report", "-"])
        #expect(clash.status == 2)
        #expect(
            clash.stderr.hasPrefix(
                "cardkit: error: --report - and the output cannot both go to standard output; give -o or --out-dir.\n"))
    }

    @Test func dashIsStandardInputForTheImage() throws {
        let folder = try temporaryFolder()
        let png = folder.appendingPathComponent("card.png")
        #expect(try CLI.run(["convert", keeper, "--to", "png", "-o", png.path, "-q"]).status == 0)
        let out = folder.appendingPathComponent("embedded.png")
        let embed = try CLI.run(["embed", keeper, "-", "-o", out.path], stdin: Data(contentsOf: png))
        #expect(embed.status == 0, "\(embed.stderr)")
        #expect(try CardFileLoader.load(data: Data(contentsOf: out), path: out.path).card.name == "Odile Marsh")
        let converted = folder.appendingPathComponent("converted.png")
        let convert = try CLI.run(
            ["convert", keeper, "--to", "png", "--image", "-", "-o", converted.path, "-q"], stdin: Data(contentsOf: png)
        )
        #expect(convert.status == 0, "\(convert.stderr)")
        let twice = try CLI.run(["embed", "-", "-", "-o", out.path])
        #expect(twice.status == 2)
        #expect(twice.stderr.hasPrefix("cardkit: error: Standard input can be read once: CARD or IMAGE.\n"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func binaryOutputIsRefusedOnATerminal() throws {
        let (status, text) = try CLI.runOnATerminal(["convert", keeper, "--to", "png"])
        #expect(status == 2)
        #expect(
            text.hasPrefix(
                "cardkit: error: Standard output is a terminal: PNG is binary; give -o FILE or redirect it.\r\n"),
            "\(text)")
        #expect(!text.contains("IHDR"))
    }

    @Test func aRunThatFindsNoInputExitsWithTwo() throws {
        let folder = try temporaryFolder()
        let searched =
            "no card files (.apng, .charx, .jpeg, .jpg, .json, .png, .yaml, .yml) found in this directory or below"
        let validate = try CLI.run(["validate", folder.path])
        #expect(validate.status == 2)
        #expect(validate.stderr == "cardkit: \(folder.path): error: \(searched)\n")
        try Data("notes".utf8).write(to: folder.appendingPathComponent("readme.txt"))
        let convert = try CLI.run([
            "convert", folder.path, "--to", "v3", "--out-dir", folder.appendingPathComponent("x").path,
        ])
        #expect(convert.status == 2)
        #expect(convert.stderr == "cardkit: \(folder.path): error: \(searched)\n")
    }

    @Test func misspeltSubcommandsGetASuggestion() throws {
        let run = try CLI.run(["inpsect", "samples"])
        #expect(run.status == 2)
        #expect(run.stderr == "cardkit: error: unknown command 'inpsect'; did you mean 'cardkit inspect'?\n")
        let nested = try CLI.run(["schema", "lsit"])
        #expect(nested.status == 2)
        #expect(nested.stderr == "cardkit: error: unknown command 'lsit'; did you mean 'cardkit schema list'?\n")
        let far = try CLI.run(["frobnicate"])
        #expect(far.stderr == "cardkit: error: unknown command 'frobnicate'; 'cardkit --help' lists the commands\n")
    }

    @Test func valueOptionsIgnoreLetterCase() throws {
        let convert = try CLI.run(["convert", keeper, "--to", "V3", "-q"])
        #expect(convert.status == 0)
        #expect(try CardReader.read(convert.stdout).card.spec == .v3)
        let validate = try CLI.run(["validate", keeper, "--format", "JSON"])
        #expect(validate.status == 0)
        let visibility = try CLI.run(["convert", keeper, "--to", "spicychat", "--visibility", "Public", "-q"])
        #expect(visibility.status == 0)
    }

    @Test func fileProblemsAreNamedWithoutFoundationText() throws {
        let folder = try temporaryFolder()
        let out = folder.appendingPathComponent("o.png").path
        let directory = try CLI.run(["convert", keeper, "--to", "png", "--image", folder.path, "-o", out])
        #expect(directory.status == 1)
        #expect(directory.stderr == "cardkit: \(folder.path): error: cannot read: it is a folder\n")
        let empty = folder.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        let image = try CLI.run(["convert", keeper, "--to", "png", "--image", empty.path, "-o", out])
        #expect(image.status == 1)
        #expect(image.stderr == "cardkit: \(empty.path): error: the image is not a PNG: looks like an empty file\n")
        let jpeg = folder.appendingPathComponent("photo.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]).write(to: jpeg)
        let wrongKind = try CLI.run(["convert", keeper, "--to", "png", "--image", jpeg.path, "-o", out])
        #expect(wrongKind.stderr == "cardkit: \(jpeg.path): error: the image is not a PNG: looks like JPEG\n")
        let inspect = try CLI.run(["inspect", empty.path])
        #expect(inspect.status == 1)
        #expect(inspect.stderr == "cardkit: \(empty.path): error: not a card: the file is empty (0 bytes)\n")
        for run in [directory, image, wrongKind, inspect] { #expect(!run.stderr.contains("NSCocoaErrorDomain")) }
    }

    @Test func countsArePluralisedByNumber() throws {
        let run = try CLI.run(["convert", keeper, "--to", "v2", "-o", "/dev/null"])
        #expect(run.status == 0)
        #expect(run.stderr.contains(": 1 warning (first: "))
        let inspect = try CLI.run(["inspect", keeper])
        #expect(inspect.stdoutText.contains("diagnostics: 1 warning/error, 1 note"), "\(inspect.stdoutText)")
    }

    @Test func verboseConvertPrintsEachWarningOnce() throws {
        let run = try CLI.run([
            "convert", samples.appendingPathComponent("malformed-wrong-types.json").path, "--to", "v3", "-v", "-o",
            "/dev/null",
        ])
        #expect(run.status == 0)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == Set(lines).count, "\(run.stderr)")
        #expect(lines.filter { $0.hasSuffix("/data/name: the card's name is empty") }.count == 1)
    }

    @Test func theCRCFlagIsNamedForWhatItDoes() throws {
        let help = try CLI.run(["validate", "--help"])
        #expect(help.stdoutText.contains("--accept-bad-crc"))
        #expect(try CLI.run(["inspect", keeper, "--lenient"]).status == 0)
        #expect(try CLI.run(["inspect", keeper, "--accept-bad-crc"]).status == 0)
    }
}

@Suite(.serialized, .enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct SharedSurpriseTests {
    @Test func inspectAndValidateAgreeOnAFlatV2Card() throws {
        let walter = SharedFixtures.card("main_Walter White_tavern.png").path
        let inspect = try CLI.run(["inspect", walter])
        #expect(
            inspect.stdoutText.hasPrefix(
                "\(walter): png card, V2 (chara_card_v2), shape flat-v2, name \"Walter White\"\n"))
        let validate = try CLI.run(["validate", walter])
        #expect(validate.status == 0)
        #expect(
            validate.stdoutText
                == "\(walter) [PNG tEXt 'chara' (chunk 1, byte 33, 4090 bytes, before IDAT)]: valid (v1 layout of a flat V2 card, read as V2, lenient)\n"
        )
        let record = try CLI.run(["validate", walter, "--format", "jsonl"])
        let reason = try JSONParser.parse([UInt8](record.stdout)).value["validate"]?["reason"]?.stringValue
        #expect(
            reason
                == "flat V2 (V2 fields at the root, read as V2), validated against its V1 layout: `system_prompt` at the root without `spec`/`data`"
        )
    }

    @Test func schemaCheckReadsAPNGAsValidateDoes() throws {
        let walter = SharedFixtures.card("main_Walter White_tavern.png").path
        let check = try CLI.run(["schema", "check", "--schema", "v1", walter])
        let validate = try CLI.run(["validate", "--schema", "v1", walter])
        #expect(check.status == 0, "\(check.stdoutText)\(check.stderr)")
        #expect(check.stdoutText == validate.stdoutText)
        #expect(!check.stdoutText.contains("not valid JSON"))
    }
}

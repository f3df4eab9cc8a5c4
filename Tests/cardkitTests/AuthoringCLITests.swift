import CardKit
import CardKitTestSupport
import Foundation
import Testing

private let samples = SharedFixtures.samplesDirectory

/// A temporary copy of the samples folder, to edit in place.
private func copyOfSamples() throws -> URL {
    let directory = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("cards")
    try FileManager.default.copyItem(at: samples, to: directory)
    return directory
}

@Suite(.serialized) struct AuthoringCLITests {
    @Test func editInPlaceKeepsABackup() throws {
        let cards = try copyOfSamples()
        let card = cards.appendingPathComponent("v2-archivist-with-lorebook.json")
        let original = try Data(contentsOf: card)
        let run = try CLI.run(["edit", card.path, "--set", "name=Pell", "--in-place"])
        #expect(run.status == 0)
        #expect(try CardReader.read(Data(contentsOf: card)).card.name == "Pell")
        #expect(try Data(contentsOf: cards.appendingPathComponent("v2-archivist-with-lorebook.json.bak")) == original)
    }

    @Test func anEditThatChangesNothingWritesNothing() throws {
        let cards = try copyOfSamples()
        let card = cards.appendingPathComponent("v2-archivist-with-lorebook.json")
        let out = cards.appendingPathComponent("out.json")
        let run = try CLI.run(["edit", card.path, "--set", "name=Archivist Pell", "-o", out.path])
        #expect(run.status == 0)
        #expect(run.stderr == "cardkit: \(card.path): unchanged; not written\n")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func oneBadFileNeverStopsTheBatch() throws {
        let cards = try copyOfSamples()
        let run = try CLI.run(["edit", cards.path, "--add-tag", "batch", "--in-place", "--no-backup"])
        #expect(run.status == 1)
        let broken = cards.appendingPathComponent("broken-truncated.json").path
        #expect(run.stderr.contains("cardkit: \(broken): error: invalid JSON: line 1, column"))
        #expect(run.stderr.contains("edited 4 of 5 inputs; 0 unchanged; 1 failed"))
        let edited = try CardReader.read(Data(contentsOf: cards.appendingPathComponent("v1-lighthouse-keeper.json")))
        #expect(edited.card.tags.last == "batch")
        #expect(
            !FileManager.default.fileExists(atPath: cards.appendingPathComponent("v1-lighthouse-keeper.json.bak").path))
    }

    @Test(arguments: [
        (
            ["--set", "tags=x"],
            "/data/tags: `tags` is an array of strings, not text; set it as JSON"
        ),
        (
            ["--unset", "name"],
            "/data/name: `name` is required by the V3 spec and cannot be removed; set it to an empty value"
        ),
        (
            ["--set-json", "alternate_greetings=3"],
            "/data/alternate_greetings: `alternate_greetings` must be an array of strings, not a number"
        ),
    ])
    func editErrorsNameTheFieldAndExitWithOne(arguments: [String], message: String) throws {
        let path = samples.appendingPathComponent("v2-archivist-with-lorebook.json").path
        let run = try CLI.run(["edit", path] + arguments)
        #expect(run.status == 1)
        #expect(run.stderr == "cardkit: \(path): error: \(message)\n")
        #expect(run.stdout.isEmpty)
    }

    @Test func aFailedPatchTestGuardsTheEdit() throws {
        let path = samples.appendingPathComponent("v2-archivist-with-lorebook.json").path
        let patch = Data(
            #"[{"op":"test","path":"/data/name","value":"Bob"},{"op":"replace","path":"/data/name","value":"X"}]"#.utf8)
        let run = try CLI.run(["edit", path, "--patch", "-"], stdin: patch)
        #expect(run.status == 1)
        #expect(
            run.stderr
                == #"cardkit: \#(path): error: the patch (standard input): patch operation 0 (test /data/name): the value is "Archivist Pell", not "Bob""#
                + "\n")
    }

    @Test(arguments: [
        [] as [String], ["--set", "name"], ["--set", "a=b", "--no-backup"], ["--set-json", "name={"],
    ])
    func editUsageErrorsExitWithTwo(arguments: [String]) throws {
        let path = samples.appendingPathComponent("v2-archivist-with-lorebook.json").path
        #expect(try CLI.run(["edit", path] + arguments).status == 2)
    }

    @Test func unpackThenPackOnTheCommandLine() throws {
        let directory = try SharedFixtures.makeTemporaryDirectory()
        let card = samples.appendingPathComponent("v2-archivist-with-lorebook.json").path
        let folder = directory.appendingPathComponent("pell").path
        let unpack = try CLI.run(["unpack", card, folder])
        #expect(unpack.status == 0)
        #expect(unpack.stderr == "cardkit: \(card): unpacked 15 files into \(folder)\n")
        let out = directory.appendingPathComponent("pell.png").path
        #expect(try CLI.run(["pack", folder, "-o", out]).status == 0)
        #expect(try CLI.run(["diff", out, card]).status == 0)
        let again = try CLI.run(["unpack", card, folder])
        #expect(again.status == 1)
        #expect(again.stderr == "cardkit: \(folder): error: the folder is not empty; unpack into a new folder\n")
        #expect(try CLI.run(["pack", folder, "-o", directory.appendingPathComponent("pell.txt").path]).status == 2)
    }

    @Test func stripRefusesANonPNG() throws {
        let path = samples.appendingPathComponent("v2-archivist-with-lorebook.json").path
        let out = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("x.png")
        let run = try CLI.run(["strip", path, "-o", out.path])
        #expect(run.status == 1)
        #expect(run.stderr == "cardkit: \(path): error: not a PNG: looks like JSON\n")
    }

    @Test func diffExitCodesFollowDiff() throws {
        let a = samples.appendingPathComponent("v2-archivist-with-lorebook.json").path
        let b = samples.appendingPathComponent("v3-cartographer-with-assets.json").path
        let same = try CLI.run(["diff", a, a])
        #expect(same.status == 0)
        #expect(same.stdoutText == "\(a) and \(a): the same card\n")
        let different = try CLI.run(["diff", a, b])
        #expect(different.status == 1)
        #expect(different.stdoutText.hasPrefix("--- \(a)\n+++ \(b)\n"))
        let missing = try CLI.run(["diff", a, "/nonexistent/card.json"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "cardkit: /nonexistent/card.json: error: cannot read: no such file or directory\n")
    }

    @Test func diffPatchPipedIntoEditGivesB() throws {
        let a = samples.appendingPathComponent("v2-archivist-with-lorebook.json").path
        let b = samples.appendingPathComponent("v3-cartographer-with-assets.json").path
        let patch = try CLI.run(["diff", a, b, "--format", "patch"])
        #expect(patch.status == 1)
        let out = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("b2.json")
        let edit = try CLI.run(["edit", a, "--patch", "-", "-o", out.path], stdin: patch.stdout)
        #expect(edit.status == 0)
        let again = try CLI.run(["diff", out.path, b, "--format", "json"])
        #expect(again.status == 0)
        let record = try JSONParser.parse(again.stdout).value
        #expect(record["same"] == true)
    }
}

@Suite(.serialized, .enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct AuthoringSharedCardCLITests {
    @Test func stripWritesTheImageWithoutTheCard() throws {
        let card = SharedFixtures.card("st_default_Seraphina_v2+ccv3_2024.png")
        let out = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("image.png")
        let run = try CLI.run(["strip", card.path, "-o", out.path])
        #expect(run.status == 0)
        #expect(run.stderr == "cardkit: \(card.path): removed tEXt 'chara', tEXt 'ccv3' -> \(out.path)\n")
        let inspect = try CLI.run(["inspect", out.path])
        #expect(inspect.status == 1)
    }

    @Test func aPNGAndItsExtractAreTheSame() throws {
        let card = SharedFixtures.card("stc_Sakana_lorebook14_eXIf.png")
        let json = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("sakana.json")
        try CLI.run(["extract", card.path]).stdout.write(to: json)
        let run = try CLI.run(["diff", card.path, json.path])
        #expect(run.status == 0)
    }
}

/// The authoring commands refuse, as `convert` does, to write a binary card to a terminal.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
struct AuthoringTerminalTests {
    @Test func stripEditAndPackRefuseBinaryOnATerminal() throws {
        let folder = try SharedFixtures.makeTemporaryDirectory()
        let keeper = SharedFixtures.samplesDirectory.appendingPathComponent("v1-lighthouse-keeper.json").path
        let png = folder.appendingPathComponent("k.png").path
        #expect(try CLI.run(["convert", keeper, "--to", "png", "-o", png]).status == 0)
        let unpacked = folder.appendingPathComponent("k").path
        #expect(try CLI.run(["unpack", keeper, unpacked]).status == 0)
        for arguments in [
            ["strip", png, "-o", "-"], ["edit", png, "--add-tag", "sea"], ["pack", unpacked, "-o", "-", "--to", "png"],
        ] {
            let run = try CLI.runOnATerminal(arguments)
            #expect(run.status == 2, "\(arguments): \(run.text)")
            #expect(run.text.contains("terminal"), "\(arguments): \(run.text)")
            #expect(!run.text.contains("IHDR"), "\(arguments)")
        }
    }
}

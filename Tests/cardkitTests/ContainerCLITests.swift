import CardKit
import CardKitTestSupport
import Foundation
import Testing

private let samples = SharedFixtures.samplesDirectory

/// Issue 19 through the command line: `--tag`, `--canonical-tags`, `--report` for every target, `--drop-assets`.
@Suite(.serialized) struct ContainerCLITests {
    static func tagged(_ tags: [String], in directory: URL) throws -> String {
        var card = Card(spec: .v2, name: "Wren Hollow")
        card[field: "first_mes"] = "Hello."
        card[field: "tags"] = .array(tags.map { .string($0) })
        let url = directory.appendingPathComponent("wren.json")
        try Data(JSONWriter.bytes(card.json)).write(to: url)
        return url.path
    }

    @Test func aCardWithOneTagIsRefusedNamingTheTagAndTheFlag() throws {
        let directory = try SharedFixtures.makeTemporaryDirectory()
        let path = try Self.tagged(["fantasy"], in: directory)
        let run = try CLI.run(["convert", path, "--to", "spicychat"])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(
            run.stderr.contains(
                "\(path): error: Spicychat requires at least 2 tags; the card has 1 (\"fantasy\")"))
        #expect(run.stderr.contains("\(path): note: add tags with --tag NAME (repeatable)"))

        let tagged = try CLI.run(["convert", path, "--to", "spicychat", "--tag", "Adventure"])
        #expect(tagged.status == 0, "\(tagged.stderr)")
        #expect(try JSONParser.parse(Array(tagged.stdout)).value["tags"] == ["fantasy", "Adventure"])
    }

    @Test func canonicalTagsComeFromAFile() throws {
        let directory = try SharedFixtures.makeTemporaryDirectory()
        let path = try Self.tagged(["ANIME", "female", "homebrew"], in: directory)
        let list = directory.appendingPathComponent("app.json")
        try Data(#"{"chatbotsTags":{"tags":["Anime","Female","Romance"]}}"#.utf8).write(to: list)
        let run = try CLI.run(["convert", path, "--to", "spicychat", "--canonical-tags", list.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try JSONParser.parse(Array(run.stdout)).value["tags"] == ["Anime", "Female"])

        let missing = try CLI.run(["convert", path, "--to", "spicychat", "--canonical-tags", "/nonexistent.json"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent.json"))
    }

    @Test func everyTargetWritesAReportAndFailOnLossCountsIt() throws {
        let directory = try SharedFixtures.makeTemporaryDirectory()
        let source = samples.appendingPathComponent("v3-cartographer-with-assets.json").path
        let output = directory.appendingPathComponent("out.json").path
        let run = try CLI.run(["convert", source, "--to", "v1", "-o", output, "--report", "-", "--fail-on-loss"])
        #expect(run.status == 1)
        let records = try #require(try JSONParser.parse(Array(run.stdout)).value.arrayValue)
        #expect(records.count == 1)
        #expect(records[0]["path"]?.stringValue == source)
        #expect(records[0]["report"]?["target"] == "v1")
        #expect(records[0]["report"]?["lossless"] == false)
        let pointers = records[0]["report"]?["entries"]?.arrayValue?.compactMap { $0["pointer"]?.stringValue } ?? []
        #expect(pointers.contains("/data/assets"))

        let lossless = try CLI.run([
            "convert", source, "--to", "v3", "-o", directory.appendingPathComponent("v3.json").path, "--fail-on-loss",
        ])
        #expect(lossless.status == 0, "\(lossless.stderr)")
    }

    @Test func reportToStandardOutputNeedsTheCardElsewhere() throws {
        let source = samples.appendingPathComponent("v1-lighthouse-keeper.json").path
        let run = try CLI.run(["convert", source, "--to", "v2", "--report", "-"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--report -"))
    }

    @Test func dropAssetsAppliesToPNGOnly() throws {
        let source = samples.appendingPathComponent("v1-lighthouse-keeper.json").path
        let run = try CLI.run(["convert", source, "--to", "v2", "--drop-assets"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--drop-assets applies only to --to png"))
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func aCharXBecomesAPNGWithItsOwnPortrait() throws {
        let directory = try SharedFixtures.makeTemporaryDirectory()
        let charx = SharedFixtures.card("tavernkit_test_character.charx")
        let output = directory.appendingPathComponent("out.png")
        let run = try CLI.run(["convert", charx.path, "--to", "png", "-o", output.path, "--report", "-"])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try JSONParser.parse(Array(run.stdout)).value
        #expect(records[0]?["report"]?["lossless"] == true)
        let icon = try #require(CharXReader.read(data: Data(contentsOf: charx)).mainIcon?.bytes)
        let scan = try PNGCardReader.scan([UInt8](Data(contentsOf: output)))
        #expect(scan.assets.map(\.location.keyword) == ["chara-ext-asset_:assets/emotions/happy.png"])
        // The portrait's IDAT is the icon's.
        let iconScan = try PNGCardReader.scan([UInt8](icon))
        #expect(scan.header == iconScan.header)
    }
}

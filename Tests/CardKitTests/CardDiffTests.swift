import CardKit
import CardKitTestSupport
import Foundation
import Testing

private let samples = SharedFixtures.samplesDirectory

/// Applies `diff A B --format patch` to A with `edit --patch` and checks that `diff` calls the result the same as B.
private func checkPatchReproduces(_ a: (Data, String), _ b: (Data, String)) throws -> CardDiffResult {
    let result = try CardDiff.compare((a.0, a.1), (b.0, b.1))
    let edited = try CardEditor.edit(data: a.0, path: a.1, edits: [.patch(result.patch, source: "diff")])
    let again = try CardDiff.compare((Data(edited.bytes), a.1), (b.0, b.1))
    #expect(again.changes.isEmpty, "\(a.1) -> \(b.1): \(again.changes.map(\.what))")
    return result
}

@Suite(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct CardDiffSharedCardTests {
    static let cards = SharedFixtures.cardNames(extensions: ["png", "charx", "json", "yaml"])
        .filter { $0 != "st_worldinfo_Eldoria.json" }

    /// A card and its own JSON extract are the same card.
    @Test(arguments: cards) func aCardAndItsJSONExtractAreTheSame(name: String) throws {
        let data = try SharedFixtures.cardData(name)
        let loaded = try CardFileLoader.load(data: data, path: name)
        let result = try CardDiff.compare((data, name), (Data(loaded.storedJSON), "extract.json"))
        #expect(result.isSame, "\(result.changes.map(\.what))")
        #expect(result.patch.isEmpty)
    }

    /// Pairs that differ in many fields, lorebook entries, tags, containers and specs.
    static let pairs: [(String, String)] = [
        ("st_default_Seraphina_v2_2023.png", "st_default_Seraphina_v2+ccv3_2024.png"),
        ("st_default_Seraphina_v2+ccv3_2024.png", "st_default_Seraphina_v2_2023.png"),
        ("stc_Amy_2024-05_v2_eXIf.png", "stc_Amy_2025-08_chara_holds_v3.png"),
        ("tavernai_v1_Aqua_2023-01.png", "tavernai_v1_Aqua_2023-05_stringtypes.png"),
        ("tavernai_folder_Aqua.json", "tavernai_v1_Aqua_2023-01.png"),
        ("tavernkit_test_character.charx", "tavernkit_test_character_with_lorebook.charx"),
        ("tavernkit_test_character_with_lorebook.charx", "tavernkit_test_character.png"),
        ("chub_Shodan_v2.png", "stc_Sakana_lorebook14_eXIf.png"),
        ("stc_Sakana_lorebook14_eXIf.png", "白棠-卡.json"),
        ("爱.json", "main_Walter White_tavern.png"),
        ("zoltan_Skynet_v1_metadata.png", "stc_Gloria_PA.png"),
    ]

    @Test(arguments: pairs) func thePatchTurnsAIntoB(a: String, b: String) throws {
        let result = try checkPatchReproduces(
            (SharedFixtures.cardData(a), a), (SharedFixtures.cardData(b), b))
        #expect(!result.changes.isEmpty)
    }

    @Test func imagesAreComparedWhenAsked() throws {
        let name = "st_default_Seraphina_v2+ccv3_2024.png"
        let data = try SharedFixtures.cardData(name)
        let json = try Data(CardFileLoader.load(data: data, path: name).storedJSON)
        var options = CardDiffOptions()
        options.compareImages = true
        let againstJSON = try CardDiff.compare((data, name), (json, "s.json"), options: options)
        #expect(againstJSON.changes.isEmpty)
        #expect(againstJSON.fileChanges.map(\.kind) == [.removed])
        #expect(againstJSON.fileChanges.first?.what.hasPrefix("image (") == true)
        let edited = try CardEditor.edit(data: data, path: name, edits: [.set(field: "name", text: "S")])
        let result = try CardDiff.compare((data, name), (Data(edited.bytes), name), options: options)
        #expect(result.fileChanges.isEmpty)
        #expect(result.changes.map(\.what) == ["name"])
    }

    @Test func noAssetsAndTheSpecsDefaultIconAreTheSameCard() throws {
        // PNG → CharX → PNG adds the default icon descriptor that the V3 spec says an absent `assets` means.
        let json = try Data(contentsOf: samples.appendingPathComponent("v2-archivist-with-lorebook.json"))
        let png = try CardConverter.convert(data: json, path: "a.json", to: .png)
        let charx = try CardConverter.convert(data: Data(png.output.bytes), path: "a.png", to: .charx)
        let again = try CardConverter.convert(data: Data(charx.output.bytes), path: "a.charx", to: .png)
        let result = try CardDiff.compare((Data(png.output.bytes), "a.png"), (Data(again.output.bytes), "b.png"))
        #expect(result.changes.isEmpty, "\(result.changes.map(\.what))")
    }

    @Test func aReorderedBookIsReportedAsReorderedNotAllChanged() throws {
        let name = "stc_Sakana_lorebook14_eXIf.png"
        let data = try SharedFixtures.cardData(name)
        let v3 = try authoringV3(data)
        var reordered = v3
        let entries = try #require(v3["data"]?["character_book"]?["entries"]?.arrayValue)
        #expect(entries.count == 14)
        reordered["data"]?["character_book"]?["entries"] = .array(entries.reversed())
        let result = CardDiff.compare(values: v3, reordered)
        #expect(result.changes.map(\.kind) == [.reordered])
        #expect(result.changes.first?.what == "lorebook entry order (14 matched)")
        #expect(try result.patch.apply(to: v3).isSemanticallyEqual(to: reordered))
    }
}

@Suite struct CardDiffTests {
    private func sample(_ name: String) throws -> Data { try Data(contentsOf: samples.appendingPathComponent(name)) }

    /// B is A with fields, tags and lorebook entries changed, one entry removed, one added, the rest reordered.
    @Test func aManyFieldEditIsFoundAndPatchedBack() throws {
        let a = try sample("v2-archivist-with-lorebook.json")
        let v3 = try authoringV3(a)
        var entries = try #require(v3["data"]?["character_book"]?["entries"]?.arrayValue)
        entries[2]["content"] = "Changed lore.\nWith a second line."
        let removed = entries.remove(at: 0)
        var added = removed
        added["id"] = 99
        added["keys"] = ["new key"]
        entries.reverse()
        entries.insert(added, at: 1)
        let b = try CardEditor.edit(
            data: a, path: "a.json",
            edits: [
                .set(field: "description", text: "New description."),
                .set(field: "first_mes", text: "Hello.\nSecond line."),
                .addTag("new-tag"), .removeTag(CardReader.read(a).card.tags[0]),
                .setJSON(field: "/data/character_book/entries", value: .array(entries)),
                .setJSON(field: "extensions.cardkit_test", value: ["x": 1]),
                .set(field: "character_version", text: ""),
            ])
        let result = try checkPatchReproduces((a, "a.json"), (Data(b.bytes), "b.json"))
        let kinds = Dictionary(grouping: result.changes, by: \.kind).mapValues(\.count)
        #expect(kinds[.reordered] == 1)
        #expect(result.changes.contains { $0.what.hasPrefix("lorebook entry id 99 (new key)") && $0.kind == .added })
        #expect(result.changes.contains { $0.kind == .removed && $0.pointer == "/data/character_book/entries/0" })
        let firstMessage = try #require(result.changes.first { $0.pointer == "/data/first_mes" })
        #expect(firstMessage.lineDiff?.contains("+ Second line.") == true)
        #expect(result.changes.contains { $0.kind == .changed && $0.pointer == "/data/character_version" })
    }

    @Test func datesAreLeftOutUnlessAsked() throws {
        let a = try sample("v3-cartographer-with-assets.json")
        var options = CardEditOptions()
        options.now = Date(timeIntervalSince1970: 1_900_000_000)
        let b = try CardEditor.edit(data: a, path: "a.json", edits: [.addTag("x"), .removeTag("x")], options: options)
        #expect(!b.changed)
        let stamped = try CardEditor.edit(
            data: a, path: "a.json", edits: [.setJSON(field: "tags", value: ["original", "adventure", "maps", "x"])],
            options: options)
        let bytes = Data(stamped.bytes)
        #expect(try CardDiff.compare((a, "a"), (bytes, "b")).changes.map(\.what) == ["tags.3"])
        var withDates = CardDiffOptions()
        withDates.includeModificationDate = true
        #expect(
            try CardDiff.compare((a, "a"), (bytes, "b"), options: withDates).changes.map(\.what) == [
                "tags.3", "modification_date",
            ])
    }

    @Test func lineDiffMarksOnlyTheChangedLines() {
        #expect(LineDiff.lines("a\nb\nc", "a\nB\nc\nd") == ["  a", "- b", "+ B", "  c", "+ d"])
    }
}

import CardKit
import CardKitTestSupport
import Foundation
import Testing

private let samples = SharedFixtures.samplesDirectory

/// The V3 value of a card file, as every authoring call sees it.
func authoringV3(_ bytes: some Sequence<UInt8>, path: String = "card") throws -> JSONValue {
    try AuthoringSource.load(data: Data(bytes), path: path, options: .init()).v3.json
}

/// Options that leave `modification_date` alone, so a result can be compared exactly.
private var keepingDate: CardEditOptions {
    var options = CardEditOptions()
    options.now = nil
    return options
}

/// The text fields `edit --set` is checked on, over every shared card.
private let textFields = [
    "name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes", "system_prompt",
    "post_history_instructions", "creator", "character_version", "nickname",
]

/// The shared cards `edit` can write back (the YAML character and the World Info file are not cards it edits).
let editableSharedCards = SharedFixtures.cardNames(extensions: ["png", "charx", "json"])
    .filter { $0 != "st_worldinfo_Eldoria.json" }

@Suite(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct CardEditorSharedCardTests {
    /// `edit --set` of each text field changes exactly that field of the V3 card, in every container.
    @Test(arguments: editableSharedCards)
    func settingEachTextFieldChangesExactlyThatField(name: String) throws {
        let data = try SharedFixtures.cardData(name)
        let before = try authoringV3(data, path: name)
        for field in textFields {
            let text = "edited \(field) of \(name)\nsecond line"
            let result = try CardEditor.edit(
                data: data, path: name, edits: [.set(field: field, text: text)], options: keepingDate)
            #expect(result.changed, "\(name) \(field)")
            let after = try authoringV3(result.bytes, path: name)
            var expected = before
            expected["data"]?[field] = .string(text)
            #expect(after.isSemanticallyEqual(to: expected), "\(name): --set \(field)")
            #expect(after["data"]?[field] == .string(text))
        }
    }

    /// A PNG keeps its image bytes and every non-card chunk; a CharX keeps every file byte for byte.
    @Test(arguments: editableSharedCards.filter { !$0.hasSuffix(".json") })
    func containersKeepTheirImageAndAssets(name: String) throws {
        let data = try SharedFixtures.cardData(name)
        let result = try CardEditor.edit(data: data, path: name, edits: [.addTag("cardkit-edit-test")])
        #expect(result.changed)
        if name.hasSuffix(".png") {
            #expect(result.fileExtension == "png")
            #expect(try PNGTestChunks.nonCardChunks(result.bytes) == PNGTestChunks.nonCardChunks([UInt8](data)))
            let loaded = try CardFileLoader.load(data: Data(result.bytes), path: name)
            #expect(loaded.card.tags.last == "cardkit-edit-test")
        } else {
            #expect(result.fileExtension == "charx")
            let before = try CharXReader.read(data: data)
            let after = try CharXReader.read(data: Data(result.bytes))
            #expect(after.files == before.files)
            #expect(after.card.card.tags.last == "cardkit-edit-test")
            #expect(after.card.card.modificationDate != nil)
        }
    }

    /// Seraphina's PNG holds a V2 `chara` and a V3 `ccv3`: both are rewritten, each in its own spec.
    @Test func aPNGWithBothChunksGetsBothBack() throws {
        let name = "st_default_Seraphina_v2+ccv3_2024.png"
        var options = CardEditOptions()
        options.now = Date(timeIntervalSince1970: 1_800_000_000)
        let result = try CardEditor.edit(
            data: SharedFixtures.cardData(name), path: name, edits: [.set(field: "name", text: "Sera")],
            options: options)
        let scan = try #require(CardFileLoader.load(data: Data(result.bytes), path: name).pngScan)
        #expect(scan.cardChunks.map(\.role) == [.chara, .ccv3])
        let chara = try CardReader.read(scan.cardChunks[0].json).card
        let ccv3 = try CardReader.read(scan.cardChunks[1].json).card
        #expect(chara.spec == .v2)
        #expect(ccv3.spec == .v3)
        #expect(chara.name == "Sera" && ccv3.name == "Sera")
        #expect(chara.document["name"] == .string("Sera"))  // the root copy follows
        #expect(ccv3.modificationDate == JSONNumber(1_800_000_000))
    }

    /// A V1 card is written as V2 with the V1 fields at the root, as SillyTavern's editor does.
    @Test func aV1CardBecomesV2WithRootCopies() throws {
        let name = "tavernai_v1_Aqua_2023-01.png"
        let result = try CardEditor.edit(
            data: SharedFixtures.cardData(name), path: name, edits: [.set(field: "scenario", text: "A lake.")],
            options: keepingDate)
        let card = try CardFileLoader.load(data: Data(result.bytes), path: name).card
        #expect(card.shape == .v2)
        #expect(card.scenario == "A lake.")
        #expect(card.document["scenario"] == .string("A lake."))
        #expect(result.diagnostics.map(\.code) == [.upgradeDefault])
    }
}

@Suite struct CardEditorTests {
    private func sample(_ name: String) throws -> Data { try Data(contentsOf: samples.appendingPathComponent(name)) }

    @Test func aJSONCardKeepsItsLayoutAndOnlyTheEditedLineChanges() throws {
        // Laid out as SillyTavern writes JSON (`JSON.stringify(card, null, 4)`), with a final newline.
        let card = try CardReader.read(sample("v3-cartographer-with-assets.json")).card
        let data = Data(JSONWriter.bytes(card.json, style: .pretty(indent: 4)) + [0x0A])
        let result = try CardEditor.edit(
            data: data, path: "c.json", edits: [.set(field: "creator", text: "someone else")], options: keepingDate)
        let before = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let after = String(decoding: result.bytes, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        #expect(before.count == after.count)
        let changed = zip(before, after).filter { $0 != $1 }
        #expect(changed.count == 1)
        #expect(changed.first?.1.contains(#""creator": "someone else""#) == true)
    }

    @Test func anEditThatChangesNothingWritesNothing() throws {
        let data = try sample("v2-archivist-with-lorebook.json")
        let tag = try #require(CardReader.read(data).card.tags.first)
        let result = try CardEditor.edit(
            data: data, path: "p.json", edits: [.addTag(tag), .removeTag("not-there"), .unset(field: "nickname")])
        #expect(!result.changed)
        #expect(result.bytes == [UInt8](data))
    }

    @Test func tagsAreAddedOnceAndRemoved() throws {
        let data = try sample("v2-archivist-with-lorebook.json")
        let tags = try CardReader.read(data).card.tags
        let result = try CardEditor.edit(
            data: data, path: "p.json", edits: [.addTag("new"), .addTag("new"), .removeTag(tags[0])])
        #expect(try CardReader.read(result.bytes).card.tags == Array(tags.dropFirst()) + ["new"])
    }

    @Test func nestedFieldsAndPointersAreSet() throws {
        let data = try sample("v2-archivist-with-lorebook.json")
        let result = try CardEditor.edit(
            data: data, path: "p.json",
            edits: [
                .set(field: "extensions.depth_prompt.prompt", text: "Stay in the library."),
                .set(field: "/data/character_book/entries/0/content", text: "New lore."),
                .setJSON(field: "extensions.depth_prompt.depth", value: 2),
            ], options: keepingDate)
        let card = try CardReader.read(result.bytes).card
        #expect(card.extensions["depth_prompt"]?["prompt"] == "Stay in the library.")
        #expect(card.extensions["depth_prompt"]?["depth"] == 2)
        #expect(card.characterBook?.entries.first?.content == "New lore.")
    }

    @Test func aV2JSONGetsNoDateButAV3JSONDoes() throws {
        var options = CardEditOptions()
        options.now = Date(timeIntervalSince1970: 1_800_000_000)
        let v2 = try CardEditor.edit(
            data: sample("v2-archivist-with-lorebook.json"), path: "p.json", edits: [.addTag("x")], options: options)
        #expect(try CardReader.read(v2.bytes).card.modificationDate == nil)
        let v3 = try CardEditor.edit(
            data: sample("v3-cartographer-with-assets.json"), path: "c.json", edits: [.addTag("x")], options: options)
        #expect(try CardReader.read(v3.bytes).card.modificationDate == JSONNumber(1_800_000_000))
        let dated = try CardEditor.edit(
            data: sample("v3-cartographer-with-assets.json"), path: "c.json",
            edits: [.addTag("x"), .setJSON(field: "modification_date", value: 5)], options: options)
        #expect(try CardReader.read(dated.bytes).card.modificationDate == JSONNumber(5))
    }

    @Test(arguments: [
        (
            CardEdit.set(field: "tags", text: "x"),
            "p.json: error: /data/tags: `tags` is an array of strings, not text; set it as JSON"
        ),
        (
            CardEdit.setJSON(field: "name", value: 3),
            "p.json: error: /data/name: `name` must be text, not a number"
        ),
        (
            CardEdit.unset(field: "first_mes"),
            "p.json: error: /data/first_mes: `first_mes` is required by the V3 spec and cannot be removed; set it to an empty value"
        ),
        (
            CardEdit.set(field: "/data/character_book/entries/9/content", text: "x"),
            "p.json: error: /data/character_book/entries/9/content: `/data/character_book/entries/9/content`: the index 9 is outside the array of 3"
        ),
        (
            CardEdit.patch(
                JSONPatch(operations: [.test(path: "/data/name", value: "Bob")]), source: "guard.json"),
            #"p.json: error: the patch guard.json: patch operation 0 (test /data/name): the value is "Archivist Pell", not "Bob""#
        ),
        (
            CardEdit.patch(JSONPatch(operations: [.remove(path: "/data/nope")]), source: "-"),
            "p.json: error: the patch -: patch operation 0 (remove /data/nope): the path names no value"
        ),
        (
            CardEdit.patch(JSONPatch(operations: [.replace(path: "/data/tags", value: "a")]), source: "p"),
            "p.json: error: /data/tags: the patch p makes `tags` text; it must be an array of strings"
        ),
        (
            CardEdit.setJSON(field: "/data/tags/0", value: 3),
            "p.json: error: /data/tags: the edit makes `tags` an array; it must be an array of strings"
        ),
    ])
    func errorsNameTheFieldAndWhy(edit: CardEdit, message: String) throws {
        let data = try sample("v2-archivist-with-lorebook.json")
        #expect {
            try CardEditor.edit(data: data, path: "p.json", edits: [edit])
        } throws: { error in
            (error as? CardAuthoringError)?.description == message
        }
    }

    @Test func anUnknownFieldNamesTheFieldAndTheChoices() throws {
        let data = try sample("v2-archivist-with-lorebook.json")
        #expect {
            try CardEditor.edit(data: data, path: "p.json", edits: [.set(field: "nmae", text: "x")])
        } throws: { error in
            guard let error = error as? CardAuthoringError else { return false }
            return error.kind == .unknownField
                && error.description.hasPrefix("p.json: error: unknown field `nmae`; a card field is one of name, ")
        }
    }
}

/// The chunks of a PNG other than the card chunks, for comparing images.
enum PNGTestChunks {
    /// Every chunk (type and data) except `chara`, `ccv3` and `chara-ext-asset_` text chunks, in order.
    static func nonCardChunks(_ bytes: [UInt8]) throws -> [[UInt8]] {
        try chunks(bytes).filter { !isCardChunk($0) }
    }

    /// Every chunk: its type and data bytes.
    static func chunks(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var result: [[UInt8]] = []
        var position = 8
        while position + 12 <= bytes.count {
            let length =
                Int(bytes[position]) << 24 | Int(bytes[position + 1]) << 16 | Int(bytes[position + 2]) << 8
                | Int(bytes[position + 3])
            result.append(Array(bytes[(position + 4)..<(position + 8 + length)]))
            position += length + 12
        }
        return result
    }

    /// The IDAT chunks.
    static func imageData(_ bytes: [UInt8]) throws -> [[UInt8]] {
        try chunks(bytes).filter { $0.starts(with: Array("IDAT".utf8)) }
    }

    /// Whether a chunk (type and data) is a card chunk.
    static func isCardChunk(_ chunk: [UInt8]) -> Bool {
        let type = String(decoding: chunk.prefix(4), as: UTF8.self)
        guard ["tEXt", "zTXt", "iTXt"].contains(type) else { return false }
        let keyword = String(decoding: chunk.dropFirst(4).prefix { $0 != 0 }, as: UTF8.self).lowercased()
        return keyword == "chara" || keyword == "ccv3" || keyword.hasPrefix("chara-ext-asset_")
    }
}

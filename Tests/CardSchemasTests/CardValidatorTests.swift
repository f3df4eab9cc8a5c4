import CardKit
import CardKitJSON
import CardKitTestSupport
import CardSchemas
import Foundation
import JSONSchema
import Testing

/// The JSON a shared card file holds: a JSON file's bytes, a PNG's selected chunk, a CharX's `card.json`.
private func cardJSON(_ name: String) throws -> (bytes: [UInt8], container: String?) {
    let data = try SharedFixtures.cardData(name)
    let lowered = name.lowercased()
    if lowered.hasSuffix(".png") {
        let result = try PNGCardReader.read(data)
        return (result.json, "PNG \(result.selected.location)")
    }
    if lowered.hasSuffix(".charx") {
        let loaded = try CardFileLoader.load(data: data, path: name)
        return (JSONWriter.bytes(loaded.card.json), "CharX card.json")
    }
    return ([UInt8](data), nil)
}

@Suite struct SharedCardValidationTests {
    /// Every JSON, PNG and CharX file in the shared cards: the schema `auto` picks, and whether it is valid
    /// under the strict and the lenient profile.
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var schema: CardSchemaName
        var strict: Bool
        var lenient: Bool
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        Expectation(file: "chub_Shodan_v2.png", schema: .v2, strict: true, lenient: true),
        Expectation(file: "main_Walter White_tavern.png", schema: .v1, strict: true, lenient: true),
        Expectation(file: "st_default_CodingSensei.png", schema: .v2, strict: false, lenient: true),
        Expectation(file: "st_default_FluxTheCat.png", schema: .v2, strict: false, lenient: true),
        Expectation(file: "st_default_Seraphina_v2+ccv3_2024.png", schema: .v3, strict: false, lenient: true),
        Expectation(file: "st_default_Seraphina_v2_2023.png", schema: .v2, strict: false, lenient: true),
        Expectation(file: "st_worldinfo_Eldoria.json", schema: .worldInfo, strict: true, lenient: true),
        Expectation(file: "stc_Amy_2024-05_v2_eXIf.png", schema: .v2, strict: false, lenient: true),
        Expectation(file: "stc_Amy_2025-08_chara_holds_v3.png", schema: .v3, strict: false, lenient: true),
        Expectation(file: "stc_CapoGPT_chara_before_IDAT.png", schema: .v2, strict: false, lenient: true),
        Expectation(file: "stc_Gloria_PA.png", schema: .v2, strict: false, lenient: true),
        Expectation(file: "stc_Sakana_lorebook14_eXIf.png", schema: .v2, strict: false, lenient: true),
        Expectation(file: "tavernai_folder_Aqua.json", schema: .v1, strict: false, lenient: true),
        Expectation(file: "tavernai_v1_Aqua_2023-01.png", schema: .v1, strict: true, lenient: true),
        Expectation(file: "tavernai_v1_Aqua_2023-05_stringtypes.png", schema: .v1, strict: false, lenient: true),
        Expectation(file: "tavernai_v1_Darkness_2023-01.png", schema: .v1, strict: true, lenient: true),
        Expectation(file: "tavernai_v1_Megumin_2023-05.png", schema: .v1, strict: true, lenient: true),
        Expectation(file: "tavernkit_test_character.charx", schema: .v3, strict: false, lenient: true),
        Expectation(file: "tavernkit_test_character.png", schema: .v3, strict: true, lenient: true),
        Expectation(file: "tavernkit_test_character_with_lorebook.charx", schema: .v3, strict: false, lenient: true),
        Expectation(file: "zoltan_Skynet_v1_metadata.png", schema: .v1, strict: true, lenient: true),
        Expectation(file: "爱.json", schema: .v3, strict: false, lenient: true),
        Expectation(file: "白棠-卡.json", schema: .v2, strict: true, lenient: true),
    ]

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func everySharedCardIsListed() {
        let listed = Set(Self.expectations.map(\.file))
        let present = SharedFixtures.cardNames(extensions: ["json", "png", "charx"])
        #expect(Set(present) == listed)
    }

    @Test(
        .enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason),
        arguments: expectations)
    func sharedCardValidity(_ row: Expectation) throws {
        let (bytes, container) = try cardJSON(row.file)
        for (profile, expected) in [(CardSchemaProfile.strict, row.strict), (.lenient, row.lenient)] {
            let record = CardValidator.record(jsonBytes: bytes, file: row.file, container: container, profile: profile)
            #expect(record.failure == nil)
            #expect(record.schema == row.schema.rawValue)
            #expect(record.isValid == expected, "\(row.file) \(profile): \(record.errors)")
        }
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func seraphinaBookWithoutExtensionsFailsStrictAtTheBook() throws {
        let (bytes, container) = try cardJSON("st_default_Seraphina_v2_2023.png")
        #expect(container?.contains("'chara'") == true)
        let record = CardValidator.record(jsonBytes: bytes, file: "s.png", profile: .strict)
        let bookErrors = record.errors.filter {
            $0.instanceLocation == JSONPointer(tokens: ["data", "character_book"])
        }
        let error = try #require(bookErrors.first)
        #expect(bookErrors.count == 1)
        #expect(error.keywordLocation.description == "/properties/data/$ref/properties/character_book/$ref/required")
        #expect(error.absoluteKeywordLocation == "https://cardkit.dev/schemas/strict/book-v2.json#/required")
        #expect(error.message.contains("extensions"))
        // The other two strict errors are SillyTavern's string `talkativeness`, at the root and in extensions.
        #expect(
            Set(record.errors.map(\.instanceLocation.description))
                == ["/data/character_book", "/talkativeness", "/data/extensions/talkativeness"])
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func aiCardMissesGroupOnlyGreetingsAndBookExtensionsUnderStrict() throws {
        let (bytes, _) = try cardJSON("爱.json")
        let record = CardValidator.record(jsonBytes: bytes, file: "爱.json", profile: .strict)
        let located = Set(record.errors.map { "\($0.instanceLocation) \($0.absoluteKeywordLocation)" })
        #expect(
            located == [
                "/data https://cardkit.dev/schemas/strict/card-v3.json#/$defs/data/required",
                "/data/character_book https://cardkit.dev/schemas/strict/book-v3.json#/required",
                "/talkativeness https://cardkit.dev/schemas/strict/sillytavern.json#/$defs/rootKeys/properties/talkativeness/type",
                "/data/extensions/talkativeness https://cardkit.dev/schemas/strict/sillytavern.json#/$defs/extensions/properties/talkativeness/type",
            ])
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func folderAquaLacksScenarioUnderStrictV1() throws {
        let (bytes, _) = try cardJSON("tavernai_folder_Aqua.json")
        let record = CardValidator.record(jsonBytes: bytes, file: "a.json", profile: .strict)
        #expect(record.errors.count == 1)
        #expect(record.errors.first?.instanceLocation == JSONPointer())
        #expect(record.errors.first?.keywordLocation.description == "/required")
        #expect(record.errors.first?.message.contains("scenario") == true)
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func fluxRootTagsStringFailsOnlyStrict() throws {
        let (bytes, _) = try cardJSON("st_default_FluxTheCat.png")
        let strict = CardValidator.record(jsonBytes: bytes, file: "f.png", profile: .strict)
        let tags = try #require(strict.errors.first { $0.instanceLocation == JSONPointer(tokens: ["tags"]) })
        #expect(
            tags.absoluteKeywordLocation
                == "https://cardkit.dev/schemas/strict/sillytavern.json#/$defs/stringArray/type")
        #expect(CardValidator.record(jsonBytes: bytes, file: "f.png", profile: .lenient).isValid)
    }
}

@Suite struct SampleValidationTests {
    /// Strict and lenient validity of the project's samples; `nil` means the file is not a valid JSON document.
    static let expectations: [String: (strict: Bool, lenient: Bool)?] = [
        "v1-lighthouse-keeper.json": (false, true),
        "v2-archivist-with-lorebook.json": (true, true),
        "v3-cartographer-with-assets.json": (true, true),
        "malformed-wrong-types.json": (false, true),
        "broken-truncated.json": nil,
    ]

    @Test(arguments: SharedFixtures.sampleNames(extensions: ["json"]))
    func sampleValidity(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: SharedFixtures.samplesDirectory.appendingPathComponent(name)))
        let strict = CardValidator.record(jsonBytes: bytes, file: name, profile: .strict)
        let lenient = CardValidator.record(jsonBytes: bytes, file: name, profile: .lenient)
        switch Self.expectations[name] {
        case .some(.some(let expected)):
            #expect(strict.isValid == expected.strict, "\(strict.errors)")
            #expect(lenient.isValid == expected.lenient, "\(lenient.errors)")
        case .some(.none):
            #expect(strict.failure?.hasPrefix("not valid JSON") == true)
            #expect(lenient.failure?.hasPrefix("not valid JSON") == true)
        case .none:
            // A sample added later (for example a persona): it must at least pass the lenient profile.
            #expect(lenient.isValid, "\(lenient.failure ?? "") \(lenient.errors)")
        }
    }

    @Test func malformedSampleErrorsUnderStrict() throws {
        let url = SharedFixtures.samplesDirectory.appendingPathComponent("malformed-wrong-types.json")
        let bytes = try [UInt8](Data(contentsOf: url))
        let record = CardValidator.record(jsonBytes: bytes, file: "m.json", profile: .strict)
        let locations = Set(record.errors.map(\.instanceLocation.description))
        #expect(
            locations.isSuperset(of: [
                "/data/alternate_greetings", "/data/character_book", "/data/character_version",
                "/data/extensions/depth_prompt/depth", "/data/extensions/fav", "/data/extensions/talkativeness",
            ]))
    }
}

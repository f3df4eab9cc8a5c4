import CardKitJSON
import CardKitTestSupport
import CardModel
import Foundation
import Testing

/// Reads a JSON card file from the shared cards or the samples.
private func readCard(_ url: URL, strict: Bool = false) throws -> CardReadResult {
    var options = CardReadOptions()
    options.strict = strict
    return try CardReader.read([UInt8](Data(contentsOf: url)), options: options)
}

/// A diagnostic's code and pointer, for comparing findings as a set.
private struct Finding: Hashable {
    var code: Diagnostic.Code
    var pointer: String

    init(_ code: Diagnostic.Code, _ pointer: String) {
        self.code = code
        self.pointer = pointer
    }

    init(_ diagnostic: Diagnostic) { self.init(diagnostic.code, diagnostic.pointer?.description ?? "") }
}

private let jsonCardNames = SharedFixtures.cardNames(extensions: ["json"]).filter { $0 != "st_worldinfo_Eldoria.json" }
private let readableSamples = SharedFixtures.sampleNames(extensions: ["json"]).filter { !$0.hasPrefix("broken-") }

@Suite(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct RealJSONCardTests {
    @Test(arguments: jsonCardNames)
    func readWriteReadGivesAnEqualValue(_ name: String) throws {
        let first = try readCard(SharedFixtures.card(name))
        let second = try CardReader.read(JSONWriter.bytes(first.card.json))
        #expect(second.card == first.card)
        #expect(JSONWriter.bytes(second.card.json) == JSONWriter.bytes(first.card.json))
    }

    @Test(arguments: jsonCardNames)
    func v3ThenV2ThenV3GivesTheFirstV3Exactly(_ name: String) throws {
        let card = try readCard(SharedFixtures.card(name)).card
        let v3 = card.converted(to: .v3).card
        let v2 = v3.converted(to: .v2).card
        let again = v2.converted(to: .v3).card
        #expect(again.json == v3.json)
        #expect(JSONWriter.string(again.json) == JSONWriter.string(v3.json))
    }

    @Test func loveCardHasTwentySevenLorebookEntries() throws {
        let result = try readCard(SharedFixtures.card("爱.json"))
        #expect(result.card.shape == .v3)
        #expect(result.card.name == "爱")
        let book = try #require(result.card.characterBook)
        #expect(book.entries.count == 27)
        #expect(book.entries.filter { $0.keys.isEmpty }.count == 8)
        // SillyTavern's book has no `extensions`; V3 needs `group_only_greetings`.
        let findings = Set(result.diagnostics.map(Finding.init))
        #expect(findings.contains(Finding(.missingField, "/data/character_book/extensions")))
        #expect(findings.contains(Finding(.missingField, "/data/group_only_greetings")))
        // Root extras survive conversion, and tavern_helper scripts stay untouched.
        let v3 = result.card.converted(to: .v3).card
        #expect(v3.document["create_date"] == result.card.document["create_date"])
        #expect(v3.extensions == result.card.extensions)
    }

    @Test func hybridV2ReportsRootFieldsAndReadsData() throws {
        let result = try readCard(SharedFixtures.card("白棠-卡.json"))
        #expect(result.card.shape == .v2)
        #expect(result.card.name == "白棠")
        #expect(result.diagnostics.contains { $0.code == .rootV1Fields })
    }

    @Test func tavernAIFolderJSONIsV1WithoutScenario() throws {
        let result = try readCard(SharedFixtures.card("tavernai_folder_Aqua.json"))
        #expect(result.card.shape == .v1)
        #expect(result.card.name == "Aqua")
        #expect(result.diagnostics.contains { $0.code == .missingField && $0.pointer?.description == "/scenario" })
        let v2 = result.card.converted(to: .v2).card
        #expect(v2.spec == .v2)
        #expect(v2.document["last_mes"] == result.card.document["last_mes"])
        #expect(v2.document["chat"] == result.card.document["chat"])
        #expect(v2.scenario == "")
    }
}

@Suite struct SampleCardTests {
    @Test(arguments: readableSamples)
    func samplesRoundTrip(_ name: String) throws {
        let url = SharedFixtures.samplesDirectory.appendingPathComponent(name)
        guard (try? readCard(url)) != nil else { return }  // the persona sample is not a card
        let first = try readCard(url)
        let second = try CardReader.read(JSONWriter.bytes(first.card.json, style: .pretty))
        #expect(second.card == first.card)
        let v3 = first.card.converted(to: .v3).card
        #expect(v3.converted(to: .v2).card.converted(to: .v3).card.json == v3.json)
    }

    @Test func v3SampleKeepsEveryV3FieldThroughAV2Downgrade() throws {
        let card = try readCard(
            SharedFixtures.samplesDirectory.appendingPathComponent("v3-cartographer-with-assets.json")
        ).card
        #expect(card.assets.count == 3)
        #expect(card.creatorNotesMultilingual["ja"]?.hasPrefix("CardKit") == true)
        let v2 = card.converted(to: .v2)
        #expect(v2.card.spec == .v2)
        #expect(v2.card[field: "assets"] == nil)
        let stash = try #require(v2.card.extensions[CardFields.v3StashKey]?["fields"]?.objectValue)
        #expect(
            Array(stash.keys)
                == [
                    "group_only_greetings", "nickname", "creator_notes_multilingual", "source", "creation_date",
                    "modification_date", "assets",
                ].filter { stash[$0] != nil }.sorted { a, b in
                    CardFields.v3Only.firstIndex(of: a)! < CardFields.v3Only.firstIndex(of: b)!
                })
        let back = v2.card.converted(to: .v3).card
        #expect(back.json == card.converted(to: .v3).card.json)
        #expect(back.extensions["cardkit_sample"]?["crlf"] == .string("line one\r\nline two"))
    }

    @Test func malformedSampleIsRepairedWithWarningsAndRejectedWhenStrict() throws {
        let url = SharedFixtures.samplesDirectory.appendingPathComponent("malformed-wrong-types.json")
        let result = try readCard(url)
        let found = Set(
            result.diagnostics.filter { $0.severity == .warning }.map(Finding.init))
        #expect(
            found.isSuperset(of: [
                Finding(.emptyName, "/data/name"),
                Finding(.wrongType, "/data/personality"),
                Finding(.wrongType, "/data/alternate_greetings"),
                Finding(.nullBook, "/data/character_book"),
                Finding(.wrongType, "/data/tags"),
                Finding(.wrongType, "/data/character_version"),
                Finding(.wrongType, "/data/extensions/talkativeness"),
                Finding(.wrongType, "/data/extensions/fav"),
                Finding(.wrongType, "/data/extensions/depth_prompt/depth"),
            ]))
        #expect(result.card.alternateGreetings == ["1687194031049"])
        #expect(result.card.characterVersion == "2")
        let v3 = result.card.converted(to: .v3).card
        #expect(v3[field: "alternate_greetings"] == .array(["1687194031049"]))
        #expect(v3[field: "character_book"] == nil)
        #expect(v3[field: "tags"] == .array([]))
        #expect(v3[field: "character_version"] == .string("2"))
        #expect(throws: CardError.self) { try readCard(url, strict: true) }
    }

    @Test func truncatedSampleFailsWithALocatedReason() {
        let url = SharedFixtures.samplesDirectory.appendingPathComponent("broken-truncated.json")
        #expect {
            try readCard(url)
        } throws: { error in
            guard case .invalidJSON(let parseError)? = error as? CardError else { return false }
            return parseError.kind == .unexpectedEnd && parseError.line == 1
        }
    }
}

@Suite struct CardShapeTests {
    @Test func flatV2IsReadAsV2WithAWarning() throws {
        let result = try CardReader.read(
            Array(
                #"{"name":"Flat","description":"d","system_prompt":"sp","alternate_greetings":[],"avatar":"none"}"#.utf8
            ))
        #expect(result.card.shape == .flatV2)
        #expect(result.card.systemPrompt == "sp")
        let v2 = result.card.converted(to: .v2).card
        #expect(v2.document["avatar"] == .string("none"))
        #expect(v2.fields["system_prompt"] == .string("sp"))
        #expect(v2.fields["avatar"] == nil)
    }

    @Test func hybridDisagreementIsReportedAndDataWins() throws {
        let text =
            #"{"name":"Root","tags":"","spec":"chara_card_v2","spec_version":"2.0","data":{"name":"Data","tags":["a"]}}"#
        let result = try CardReader.read(Array(text.utf8))
        #expect(result.card.name == "Data")
        let disagreements = result.diagnostics.filter { $0.code == .rootDisagrees }.compactMap {
            $0.pointer?.description
        }
        #expect(disagreements == ["/name", "/tags"])
    }

    @Test func v1FieldsAtTheRootAreWrittenOnRequest() throws {
        let card = try CardReader.read(
            Array(#"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"N","description":"D"}}"#.utf8)
        ).card
        let withFields = card.converted(to: .v3, options: CardConversionOptions(withV1Fields: true)).card
        #expect(Array(withFields.document.keys.prefix(7)) == CardFields.v1 + ["spec"])
        #expect(withFields.document["description"] == .string("D"))
        let without = card.converted(to: .v3).card
        #expect(without.document["name"] == nil)
    }

    @Test func unknownSpecIsReadAsV2() throws {
        let result = try CardReader.read(Array(#"{"spec":"chara_card_v9","data":{"name":"Future"}}"#.utf8))
        #expect(result.card.shape == .unknownSpec)
        #expect(result.card.name == "Future")
        #expect(result.diagnostics.contains { $0.code == .unknownSpec })
    }

    @Test(arguments: [
        (#"{"spec":"lorebook_v3","data":{"entries":[]}}"#, "lorebook_v3"),
        (#"{"char_name":"P","char_persona":"x"}"#, "Pygmalion"),
        (#"{"entries":{"0":{"key":["a"]}}}"#, "World Info"),
        ("[1,2]", "not an object"),
        (#"{"foo":1}"#, "no `spec`"),
    ])
    func nonCardsAreRefusedWithTheirKind(_ text: String, _ hint: String) {
        do {
            _ = try CardReader.read(Array(text.utf8))
            Issue.record("expected notACard")
        } catch {
            #expect(error.description.contains(hint))
        }
    }

    @Test func newerV3SpecVersionIsAWarning() throws {
        let result = try CardReader.read(
            Array(#"{"spec":"chara_card_v3","spec_version":"3.1","data":{"name":"X"}}"#.utf8))
        #expect(result.diagnostics.contains { $0.code == .newerSpecVersion })
    }

    @Test func expectedSpecMismatchIsReported() throws {
        var options = CardReadOptions()
        options.expectedSpecs = [.v1, .v2]
        options.containerLabel = "the `chara` chunk"
        let result = try CardReader.read(
            Array(#"{"spec":"chara_card_v3","spec_version":"3.0","data":{"name":"X"}}"#.utf8), options: options)
        let mismatch = try #require(result.diagnostics.first { $0.code == .unexpectedSpec })
        #expect(mismatch.message == "the `chara` chunk holds a V3 card")
    }

    @Test func bookEntriesAsWorldInfoObjectAreReadAsAnArray() throws {
        let text =
            #"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"B","character_book":{"entries":{"0":{"keys":"a, b","content":"c"}}}}}"#
        let card = try CardReader.read(Array(text.utf8)).card
        let v3 = card.converted(to: .v3)
        let entry = try #require(v3.card.characterBook?.entries.first)
        #expect(entry.keys == ["a", "b"])
        #expect(entry.object["use_regex"] == .bool(false))
        #expect(entry.object["extensions"] == .object(JSONObject()))
    }

    @Test func v1DowngradeReportsLostFields() throws {
        let card = try CardReader.read(
            Array(
                #"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"N","system_prompt":"S","creator_notes":"C","tags":["t"]}}"#
                    .utf8)
        ).card
        let v1 = card.converted(to: .v1)
        #expect(v1.card.shape == .v1)
        #expect(v1.card.document["creatorcomment"] == .string("C"))
        #expect(v1.card.document["tags"] == .array(["t"]))
        #expect(
            v1.diagnostics.filter { $0.code == .lostField }.compactMap { $0.pointer?.description } == [
                "/data/system_prompt"
            ])
    }

    @Test func decoratorsAreExposedAndKeptInContent() throws {
        let entry = BookEntry(keys: ["k"], content: "@@depth 2\r\n@@@fallback\nbody")
        #expect(entry.decorators == ["@@depth 2", "@@@fallback"])
        #expect(entry.content.hasSuffix("body"))
    }
}

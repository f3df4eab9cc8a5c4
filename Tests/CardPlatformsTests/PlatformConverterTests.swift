import CardKit
import CardKitTestSupport
import Foundation
import Testing

@Suite struct PlatformConverterTests {
    typealias Expected = (kind: LossEntry.Kind, pointer: String, target: String?)

    static func entries(_ report: LossReport) -> [String] {
        report.entries.map { "\($0.kind.rawValue) \($0.pointer) \($0.target ?? "-")" }
    }

    static func strings(_ expected: [Expected]) -> [String] {
        expected.map { "\($0.kind.rawValue) \($0.pointer) \($0.target ?? "-")" }
    }

    static func schemaName(_ platform: Platform) -> CardSchemaName {
        switch platform {
        case .spicychat: .spicychatCharacter
        case .chattr: .chattrCharacter
        case .nextchat: .nextchatCreateCharacterRequest
        case .characterai: .characterAICharacter
        }
    }

    /// What must hold for every card and platform: pointers resolve in the original (a `limit` may point at a
    /// missing field, such as absent tags), limits hold, and the output
    /// is valid against its schema unless the report names a limit the platform will reject.
    static func checkInvariants(_ card: Card, _ platform: Platform, label: String) throws {
        let result = PlatformConverter.convert(card, to: platform)
        let output = try #require(result.output.objectValue, "\(label) → \(platform): output is not an object")
        for entry in result.report.entries where entry.kind != .limit {
            #expect(
                entry.pointer.resolve(in: card.json) != nil,
                "\(label) → \(platform): \(entry.pointer) does not resolve in the original card")
        }
        #expect(
            Set(result.report.entries).count == result.report.entries.count, "\(label) → \(platform): duplicate entries"
        )
        switch platform {
        case .characterai:
            #expect((output["name"]?.stringValue?.unicodeScalars.count ?? 0) <= 20)
            #expect((output["greeting"]?.stringValue?.unicodeScalars.count ?? 0) <= 4096)
            #expect((output["description"]?.stringValue?.unicodeScalars.count ?? 0) <= 500)
            #expect((output["definition"]?.stringValue?.unicodeScalars.count ?? 0) <= 32000)
        case .spicychat:
            let tags = output["tags"]?.arrayValue?.count ?? 0
            if tags < 2 {
                #expect(
                    result.report.entries.contains { $0.kind == .limit && $0.target == "tags" },
                    "\(label): tag limit not reported")
            }
        case .nextchat:
            if card.converted(to: .v3).card.fields["character_book"]?.objectValue != nil {
                #expect(output["personality"]?["characterBook"] != nil, "\(label): lorebook not carried to NextChat")
            }
        case .chattr:
            break
        }
        let validation = try CardValidator.validate(result.output, schema: .named(schemaName(platform)))
        let hitsLimit = result.report.entries.contains { $0.kind == .limit }
        if !hitsLimit {
            #expect(validation.errors.isEmpty, "\(label) → \(platform): \(validation.errors.map(\.description))")
        } else {
            #expect(
                !validation.errors.isEmpty,
                "\(label) → \(platform): a limit is reported but the schema accepts the output")
        }
    }

    // MARK: - Every card, every platform

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func everySharedCardConvertsToEveryPlatform() throws {
        let names = SharedFixtures.cardNames(extensions: ["json", "png", "charx", "yaml"])
        var converted = 0
        for name in names {
            guard let card = try? PlatformTestSupport.shared(name) else { continue }
            converted += 1
            for platform in Platform.allCases { try Self.checkInvariants(card, platform, label: name) }
        }
        // Everything but the World Info file reads as a card.
        #expect(converted >= names.count - 2, "only \(converted) of \(names.count) shared files converted")
    }

    @Test(arguments: SharedFixtures.sampleNames(extensions: ["json"]))
    func everySampleConvertsToEveryPlatform(name: String) throws {
        guard name != "broken-truncated.json" else {
            #expect(throws: CardFileError.self) { try PlatformTestSupport.sample(name) }
            return
        }
        let card = try PlatformTestSupport.sample(name)
        for platform in Platform.allCases { try Self.checkInvariants(card, platform, label: name) }
    }

    // MARK: - Lorebooks

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func sakanaLorebookIsLostForSpicychatAndKeptForNextChat() throws {
        let card = try PlatformTestSupport.shared("stc_Sakana_lorebook14_eXIf.png")
        let book = try #require(card.fields["character_book"]?.objectValue)
        let entries = book["entries"]?.arrayValue?.count ?? 0
        #expect(entries > 0)

        let spicychat = PlatformConverter.convert(card, to: .spicychat)
        let lost = try #require(spicychat.report.entries.first { $0.pointer == "/data/character_book" })
        #expect(lost.kind == .dropped)
        #expect(lost.reason.contains("no write API"))
        #expect(spicychat.output["character_book"] == nil)

        let nextchat = PlatformConverter.convert(card, to: .nextchat)
        #expect(!nextchat.report.entries.contains { $0.pointer.tokens.starts(with: ["data", "character_book"]) })
        let carried = try #require(nextchat.output["personality"]?["characterBook"]?.objectValue)
        #expect(carried["entries"]?.arrayValue?.count == entries)
        #expect(JSONValue.object(carried) == card.converted(to: .v3).card.fields["character_book"])

        for platform in [Platform.chattr, .characterai] {
            let report = PlatformConverter.convert(card, to: platform).report
            #expect(report.entries.contains { $0.kind == .dropped && $0.pointer == "/data/character_book" })
        }
    }

    // MARK: - Exact reports

    @Test func archivistToSpicychatReportsExactly() throws {
        let card = try PlatformTestSupport.sample("v2-archivist-with-lorebook.json")
        let result = PlatformConverter.convert(card, to: .spicychat)
        let expected: [Expected] = [
            (.merged, "/data/personality", "persona"),
            (.dropped, "/data/alternate_greetings", nil),
            (.dropped, "/data/character_book", nil),
            (.dropped, "/data/creator", nil),
            (.dropped, "/data/character_version", nil),
            (.dropped, "/data/extensions/talkativeness", nil),
            (.dropped, "/data/extensions/fav", nil),
            (.dropped, "/data/extensions/world", nil),
            (.dropped, "/data/extensions/depth_prompt", nil),
        ]
        #expect(Self.entries(result.report) == Self.strings(expected))
        #expect(result.report.summary == "spicychat: 9 losses (8 dropped, 1 merged)")
        #expect(!result.report.isLossless)

        let output = try #require(result.output.objectValue)
        #expect(
            Array(output.keys) == [
                "name", "title", "greeting", "persona", "scenario", "dialogue", "tags", "visibility",
            ])
        #expect(output["name"] == "Archivist Pell")
        #expect(
            output["persona"]?.stringValue?.hasSuffix(
                "\n\nPersonality: meticulous, gentle, easily flustered, stubborn about the rules of the reading room")
                == true)
        #expect(output["title"] == .string(card.creatorNotes))
        #expect(output["dialogue"]?.stringValue?.hasPrefix("<START>\n{{user}}:") == true)
        #expect(output["tags"] == ["original", "fantasy", "library"])
        #expect(output["visibility"] == "private")
    }

    @Test func lighthouseV1ToChattrReportsRootPointers() throws {
        let card = try PlatformTestSupport.sample("v1-lighthouse-keeper.json")
        #expect(card.shape == .v1)
        let result = PlatformConverter.convert(card, to: .chattr)
        let expected: [Expected] = [
            (.merged, "/scenario", "configuration.system_prompt"),
            (.merged, "/mes_example", "configuration.system_prompt"),
            (.dropped, "/first_mes", nil),
            (.dropped, "/creatorcomment", nil),
            (.dropped, "/tags", nil),
            (.dropped, "/avatar", nil),
            (.dropped, "/talkativeness", nil),
            (.dropped, "/fav", nil),
            (.dropped, "/chat", nil),
            (.dropped, "/create_date", nil),
        ]
        #expect(Self.entries(result.report) == Self.strings(expected))
        let output = try #require(result.output.objectValue)
        #expect(
            Array(output.keys) == [
                "name", "description", "personality", "voice_model", "capabilities", "configuration",
            ])
        #expect(output["voice_model"] == "default")
        #expect(output["capabilities"] == ["text"])
        let prompt = try #require(output["configuration"]?["system_prompt"]?.stringValue)
        #expect(prompt.hasPrefix(card.description + "\n\nPersonality: dry humour"))
        #expect(prompt.contains("\n\nScenario: {{user}} has been stranded"))
        #expect(prompt.contains("\n\nExample dialogue:\n<START>\n"))
        #expect(output["configuration"]?["temperature"] == .number(JSONNumber(uncheckedLiteral: "0.7")))
    }

    @Test func cartographerV3ToNextChatKeepsCoreFieldsAndReportsV3Extras() throws {
        let card = try PlatformTestSupport.sample("v3-cartographer-with-assets.json")
        let result = PlatformConverter.convert(card, to: .nextchat)
        let expected: [Expected] = [
            (.dropped, "/data/group_only_greetings", nil),
            (.dropped, "/data/creator", nil),
            (.dropped, "/data/character_version", nil),
            (.dropped, "/data/nickname", nil),
            (.dropped, "/data/creator_notes_multilingual", nil),
            (.dropped, "/data/source", nil),
            (.dropped, "/data/creation_date", nil),
            (.dropped, "/data/modification_date", nil),
            (.dropped, "/data/assets/1", nil),
            (.dropped, "/data/assets/2", nil),
            (.dropped, "/data/extensions/cardkit_sample", nil),
        ]
        #expect(Self.entries(result.report) == Self.strings(expected))
        let profile = try #require(result.output["personality"]?.objectValue)
        #expect(profile["systemPrompt"] == "You are {{char}}. Original instructions: {{original}}")
        #expect(profile["alternateGreetings"]?.arrayValue?.count == 1)
        #expect(profile["creatorcomment"] == .string(card.creatorNotes))
        #expect(result.output["isPublic"] == false)
        #expect(result.output["tags"] == ["original", "adventure", "maps"])
    }

    @Test func cartographerV3ToCharacterAIComposesTheDefinition() throws {
        let card = try PlatformTestSupport.sample("v3-cartographer-with-assets.json")
        let result = PlatformConverter.convert(card, to: .characterai)
        let head: [Expected] = [
            (.truncated, "/data/creator_notes", "title"),
            (.merged, "/data/personality", "definition"),
            (.merged, "/data/scenario", "definition"),
            (.merged, "/data/system_prompt", "definition"),
            (.merged, "/data/mes_example", "definition"),
            (.dropped, "/data/alternate_greetings", nil),
            (.dropped, "/data/group_only_greetings", nil),
            (.dropped, "/data/tags", nil),
        ]
        #expect(Array(Self.entries(result.report).prefix(head.count)) == Self.strings(head))
        #expect(result.report.entries.contains { $0.kind == .dropped && $0.pointer == "/data/character_book" })
        let output = try #require(result.output.objectValue)
        let definition = try #require(output["definition"]?.stringValue)
        #expect(definition.hasPrefix("Description: {{char}} is a cartographer"))
        #expect(definition.contains("\n\nSystem prompt: You are {{char}}."))
        #expect(definition.contains("\n\nExample dialogue:\n<START>\n"))
        #expect(output["visibility"] == "PRIVATE")
        #expect(output["copyable"] == false)
        #expect(output["title"]?.stringValue?.unicodeScalars.count == 50)
        let identifier = try #require(output["identifier"]?.stringValue)
        #expect(identifier.hasPrefix("id:") && identifier.count == 39)
        #expect(PlatformConverter.convert(card, to: .characterai).output["identifier"] == .string(identifier))
    }

    // MARK: - Limits

    @Test func characterAILimitsAreEnforcedAndReported() throws {
        let long = PlatformTestSupport.card([
            "name": "Bartholomew Featherstonehaugh III", "first_mes": .string(String(repeating: "a", count: 5000)),
            "description": .string(String(repeating: "d", count: 20000)),
            "mes_example": .string(String(repeating: "e", count: 20000)),
        ])
        let result = PlatformConverter.convert(long, to: .characterai)
        let output = try #require(result.output.objectValue)
        #expect(output["name"] == "Bartholomew")
        #expect(output["greeting"]?.stringValue?.count == 4096)
        #expect(output["description"]?.stringValue?.count == 500)
        #expect(output["definition"]?.stringValue?.count == 32000)
        #expect(
            Self.entries(result.report) == [
                "truncated /data/name name", "truncated /data/first_mes greeting",
                "truncated /data/description description",
                "truncated /data/mes_example definition",
            ])

        let short = PlatformTestSupport.card(["name": "Al", "first_mes": "Hi"])
        let shortReport = PlatformConverter.convert(short, to: .characterai).report
        #expect(Self.entries(shortReport) == ["limit /data/name name", "limit /data/first_mes greeting"])
        #expect(shortReport.entries[0].reason.contains("at least 3"))
    }

    @Test func spicychatNeedsTwoTagsAndCleansThem() throws {
        let card = PlatformTestSupport.card(["name": "Tess", "tags": [" cozy ", "Cozy", ""]])
        let result = PlatformConverter.convert(card, to: .spicychat)
        #expect(result.output["tags"] == ["cozy"])
        #expect(Self.entries(result.report) == ["coerced /data/tags tags", "limit /data/tags tags"])
        #expect(result.report.entries[1].reason == "Spicychat requires at least 2 tags; the card has 1 (\"cozy\")")
    }

    @Test func spicychatCanInlineTheSystemPrompt() throws {
        let card = PlatformTestSupport.card([
            "name": "Tess", "description": "A baker.", "system_prompt": "Stay in character.", "tags": ["a", "b"],
        ])
        var options = PlatformConversionOptions()
        #expect(
            Self.entries(PlatformConverter.convert(card, to: .spicychat, options: options).report) == [
                "dropped /data/system_prompt -"
            ])
        options.inlineSystemPrompt = true
        options.spicychatVisibility = "public"
        let inlined = PlatformConverter.convert(card, to: .spicychat, options: options)
        #expect(inlined.output["persona"] == "A baker.\n\nSystem prompt: Stay in character.")
        #expect(inlined.output["visibility"] == "public")
        #expect(Self.entries(inlined.report) == ["merged /data/system_prompt persona"])
    }

    @Test func avatarsComeFromTheMainIconOrTheOptions() throws {
        let card = PlatformTestSupport.card(["name": "Tess", "tags": ["a", "b"]])
        var withIcon = card.converted(to: .v3).card
        withIcon[field: "assets"] = [
            ["type": "icon", "uri": "https://example.com/tess.png", "name": "main", "ext": "png"]
        ]
        #expect(PlatformConverter.convert(withIcon, to: .spicychat).output["avatar"] == "https://example.com/tess.png")
        #expect(PlatformConverter.convert(withIcon, to: .chattr).output["avatar_url"] == "https://example.com/tess.png")
        #expect(PlatformConverter.convert(withIcon, to: .nextchat).output["avatar"] == "https://example.com/tess.png")
        #expect(PlatformConverter.convert(withIcon, to: .characterai).avatar == "https://example.com/tess.png")

        var embedded = withIcon
        embedded[field: "assets"] = [
            ["type": "icon", "uri": "data:image/png;base64,AAAA", "name": "main", "ext": "png"]
        ]
        let chattr = PlatformConverter.convert(embedded, to: .chattr)
        #expect(chattr.output["avatar_url"] == nil)
        #expect(Self.entries(chattr.report).contains("dropped /data/assets/0 -"))
    }

    @Test func malformedSampleUsesRepairedValues() throws {
        let card = try PlatformTestSupport.sample("malformed-wrong-types.json")
        let result = PlatformConverter.convert(card, to: .characterai)
        #expect(result.output["name"] == "")
        #expect(Self.entries(result.report).contains("limit /data/name name"))
        #expect(Self.entries(result.report).contains("dropped /data/alternate_greetings -"))
        #expect(Self.entries(result.report).contains("dropped /data/character_version -"))
    }

    // MARK: - Personas

    static let persona = Persona(
        name: "Alice Wonderland-Liddell", description: String(repeating: "x", count: 800), title: "Explorer",
        avatar: "Alice.png",
        extensions: [
            "sillytavern": [
                "avatar_id": "1700000000000-Alice.png", "is_default": true, "position": 4, "depth": 2, "role": 0,
                "lorebook": "Wonderland", "connections": [["type": "character", "id": "hatter.png"]],
            ]
        ])

    @Test func personaConvertsToSpicychat() throws {
        let result = try PlatformConverter.convert(Self.persona, to: .spicychat)
        #expect(
            result.output == [
                "name": "Alice Wonderland-Liddell", "highlights": .string(Self.persona.description),
                "avatar": "Alice.png",
                "is_default": true,
            ])
        #expect(
            Self.entries(result.report) == [
                "dropped /title -", "dropped /extensions/sillytavern/position -",
                "dropped /extensions/sillytavern/lorebook -", "dropped /extensions/sillytavern/connections -",
            ])
        #expect(result.avatar == "Alice.png")
        #expect(try CardValidator.validate(result.output, schema: .named(.spicychatPersona)).errors.isEmpty)
    }

    @Test func personaConvertsToCharacterAIWithLimits() throws {
        let result = try PlatformConverter.convert(Self.persona, to: .characterai)
        #expect(result.output["name"] == "Alice Wonderland")
        #expect(result.output["title"] == "Alice Wonderland")
        #expect(result.output["definition"]?.stringValue?.count == 750)
        #expect(
            Self.entries(result.report) == [
                "truncated /name name", "truncated /description definition", "dropped /title -",
                "dropped /extensions/sillytavern/position -", "dropped /extensions/sillytavern/lorebook -",
                "dropped /extensions/sillytavern/connections -",
            ])
        #expect(try CardValidator.validate(result.output, schema: .named(.characterAIPersona)).errors.isEmpty)
    }

    @Test(arguments: [Platform.chattr, .nextchat])
    func personasFailPlainlyWhereThePlatformHasNone(platform: Platform) {
        #expect(throws: PlatformError.personasNotSupported(platform)) {
            try PlatformConverter.convert(Self.persona, to: platform)
        }
        #expect(PlatformError.personasNotSupported(platform).description.contains("has no personas"))
    }
}

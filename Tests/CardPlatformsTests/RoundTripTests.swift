import CardKit
import CardKitTestSupport
import Foundation
import Testing

@Suite struct RoundTripTests {
    static let request: JSONValue = [
        "name": "Mira", "description": "A lighthouse radio operator.",
        "personality": [
            "name": "Mira", "description": "A lighthouse radio operator.", "personality": "calm, wry",
            "scenario": "A storm night.", "firstMes": "Channel sixteen, go ahead.",
            "mesExample": "<START>\n{{char}}: Over.",
            "creatorcomment": "Made by hand.", "avatar": "radio", "viewScreen": "wide",
            "systemPrompt": "Speak in radio procedure.", "alternateGreetings": ["Mayday relay, stand by."],
            "characterBook": [
                "name": "Coast", "extensions": [:],
                "entries": [
                    [
                        "keys": ["buoy"], "content": "Buoy 7 is dark.", "extensions": [:], "enabled": true,
                        "insertion_order": 0, "use_regex": false,
                    ]
                ],
            ],
            "groupOnly": false, "activationGroups": ["coast"], "x-custom": ["kept": 1],
        ],
        "avatar": "https://example.com/mira.png", "voice": ["id": "alto", "speed": 1.1], "isPublic": true,
        "tags": ["radio", "sea"], "x-extra": "kept too",
    ]

    @Test func nextChatToV3ToNextChatIsLossless() throws {
        let card = try PlatformImporter.importCharacter(Self.request, from: .nextchat)
        #expect(card.spec == .v3)
        #expect(card.name == "Mira")
        #expect(card.systemPrompt == "Speak in radio procedure.")
        #expect(card.characterBook?.entries.first?.content == "Buoy 7 is dark.")
        #expect(card.assets.first?.uri == "https://example.com/mira.png")
        #expect(card.extensions["nextchat"]?["personality"]?["viewScreen"] == "wide")

        let back = PlatformConverter.convert(card, to: .nextchat)
        #expect(back.report.isLossless, "\(back.report)")
        #expect(JSONWriter.string(back.output) == JSONWriter.string(Self.request))
        #expect(try CardValidator.validate(back.output, schema: .named(.nextchatCreateCharacterRequest)).errors.isEmpty)
    }

    @Test func minimalNextChatRequestComesBackWithoutAddedKeys() throws {
        let minimal: JSONValue = [
            "name": "Bo", "description": "",
            "personality": [
                "name": "Bo", "description": "", "personality": "", "scenario": "", "firstMes": "Hi", "mesExample": "",
            ],
        ]
        let card = try PlatformImporter.importNextChat(minimal)
        let back = PlatformConverter.convert(card, to: .nextchat)
        #expect(back.report.isLossless)
        #expect(back.output == minimal)
    }

    @Test func storedNextChatCharacterReportsServerFields() throws {
        var object = try #require(Self.request.objectValue)
        object["id"] = "6f1c0e9e-0000-4000-8000-000000000001"
        object["createdAt"] = "2026-01-01T00:00:00Z"
        object["usageCount"] = 12
        object["firstMes"] = "Channel sixteen, go ahead."
        let typed = try NextChatCharacter(json: .object(object))
        #expect(typed.id == "6f1c0e9e-0000-4000-8000-000000000001")
        #expect(typed.server["usageCount"] == 12)
        #expect(typed.firstMes == "Channel sixteen, go ahead.")
        #expect(try CardValidator.validate(typed.jsonValue, schema: .named(.nextchatCharacter)).errors.isEmpty)
        #expect(try NextChatCharacter(json: typed.jsonValue) == typed)

        let card = try PlatformImporter.importNextChat(.object(object))
        let back = PlatformConverter.convert(card, to: .nextchat)
        #expect(
            back.report.entries.map(\.pointer.description) == [
                "/data/extensions/nextchat/request/id", "/data/extensions/nextchat/request/createdAt",
                "/data/extensions/nextchat/request/usageCount",
            ])
        #expect(back.output == Self.request)
    }

    @Test(arguments: SharedFixtures.sampleNames(extensions: ["json"]).filter { !$0.hasPrefix("broken") })
    func cardToNextChatToV3ToNextChatIsStable(name: String) throws {
        let card = try PlatformTestSupport.sample(name)
        let first = PlatformConverter.convert(card, to: .nextchat)
        let imported = try PlatformImporter.importNextChat(first.output)
        let second = PlatformConverter.convert(imported, to: .nextchat)
        // Only limits the output itself breaks (an empty name) can remain.
        #expect(second.report.entries == first.report.entries.filter { $0.kind == .limit }, "\(second.report)")
        #expect(JSONWriter.string(second.output) == JSONWriter.string(first.output))
    }

    @Test func chattrToV3ToChattrIsLossless() throws {
        let detail: JSONValue = [
            "id": "assistant", "name": "Assistant", "description": "A helpful assistant.", "personality": "friendly",
            "avatar_url": "https://example.com/a.png", "voice_model": "expressive", "capabilities": ["text", "voice"],
            "configuration": ["temperature": 0.9, "max_tokens": 2048, "system_prompt": "Be helpful."],
            "video_model": "stable-video",
        ]
        let card = try PlatformImporter.importCharacter(detail, from: .chattr)
        #expect(card.systemPrompt == "Be helpful.")
        #expect(card.extensions["chattr"]?["voice_model"] == "expressive")
        let back = PlatformConverter.convert(card, to: .chattr)
        #expect(back.report.isLossless, "\(back.report)")
        #expect(back.output == detail)
    }

    @Test(arguments: [Platform.spicychat, .characterai])
    func importFromPlatformsWithoutFullReadsIsRefused(platform: Platform) {
        #expect(throws: PlatformError.importNotSupported(platform)) {
            try PlatformImporter.importCharacter(["name": "X"], from: platform)
        }
    }

    @Test func malformedPlatformObjectsNameThePointer() {
        let bad: JSONValue = ["name": "X", "description": "", "personality": ["name": "X", "alternateGreetings": [1]]]
        do {
            _ = try PlatformImporter.importNextChat(bad)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidObject)
            #expect(error.pointer == "/personality/alternateGreetings/0")
            #expect(error.description.hasPrefix("nextchat: /personality/alternateGreetings/0: error:"))
        }
    }

    @Test func typedModelsRoundTripTheirJSON() throws {
        let spicy: JSONValue = [
            "name": "A", "title": "t", "greeting": "g", "persona": "p", "scenario": "s", "dialogue": "d",
            "tags": ["x", "y"], "visibility": "hidden", "avatar": "a.png", "is_nsfw": false,
        ]
        #expect(try SpicychatCharacter(json: spicy).jsonValue == spicy)
        let turns: JSONValue = ["name": "A", "persona": ["one", ["role": "user", "content": "two"]]]
        #expect(try SpicychatCharacter(json: turns).persona == "one\nuser: two")
        let persona: JSONValue = ["name": "P", "highlights": "h", "avatar": "p.png", "is_default": true]
        #expect(try SpicychatPersona(json: persona).jsonValue == persona)
        let cai = PlatformConverter.convert(
            PlatformTestSupport.card(["name": "Alpha", "first_mes": "Hello"]), to: .characterai)
        #expect(try CharacterAICharacter(json: cai.output).jsonValue == cai.output)
        #expect(ChattrCharacter.slug(for: "Seraphina the Guardian!") == "seraphina-the-guardian")
        #expect(ChattrCharacter.slug(for: "愛") == "character")
    }
}

import CardKitJSON
import CardModel
import CardPlatforms
import Testing

/// A platform is one unit: its descriptor says what it accepts, and conversion and import follow it.
@Suite struct PlatformDescriptorTests {
    @Test func everyPlatformHasADescriptorNamingItself() {
        for platform in Platform.allCases {
            let descriptor = platform.descriptor
            #expect(descriptor.platform == platform)
            #expect(descriptor.name == platform.rawValue)
            #expect(descriptor.displayName == platform.displayName)
            #expect(descriptor.accepts.contains(.character))
            #expect(platform.supportsPersonas == descriptor.accepts.contains(.persona))
            #expect((descriptor.personaSchema != nil) == platform.supportsPersonas)
            #expect(descriptor.schema(for: .character) == descriptor.characterSchema)
        }
        #expect(Platform.spicychat.supportsPersonas && Platform.characterai.supportsPersonas)
        #expect(!Platform.chattr.supportsPersonas && !Platform.nextchat.supportsPersonas)
        #expect(Platform.allCases.filter(\.descriptor.importsCharacters) == [.chattr, .nextchat])
    }

    @Test func personasGoOnlyWhereTheDescriptorAcceptsThem() throws {
        let persona = Persona(name: "Reader", description: "{{user}} reads.")
        for platform in Platform.allCases {
            if platform.supportsPersonas {
                let conversion = try PlatformConverter.convert(persona, to: platform)
                #expect(conversion.report.platform == platform)
                #expect(conversion.output.objectValue?["name"] != nil)
            } else {
                #expect(throws: PlatformError.self) { _ = try PlatformConverter.convert(persona, to: platform) }
            }
        }
        // Spicychat and Character.AI personas differ: a new platform never falls into another's conversion.
        let spicy = try PlatformConverter.convert(persona, to: .spicychat).output.objectValue
        let cai = try PlatformConverter.convert(persona, to: .characterai).output.objectValue
        #expect(spicy?["highlights"] != nil && spicy?["definition"] == nil)
        #expect(cai?["definition"] != nil && cai?["highlights"] == nil)
    }

    @Test func lossReasonsNameNoFlagAndPointToTheOption() {
        var card = Card(spec: .v3, name: "Prompted")
        card.description = "Described."
        card.systemPrompt = "Be terse."
        let report = PlatformConverter.convert(card, to: .spicychat).report
        let entry = report.entries.first { $0.pointer.description == "/data/system_prompt" }
        #expect(entry?.option == .inlineSystemPrompt)
        for platform in Platform.allCases {
            for entry in PlatformConverter.convert(card, to: platform).report.entries {
                #expect(!entry.reason.contains("--"), "\(platform): \(entry.reason)")
            }
        }
    }
}

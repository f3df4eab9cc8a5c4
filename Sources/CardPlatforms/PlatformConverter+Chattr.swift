import CardKitJSON
import CardModel

extension PlatformConverter {
    /// Card → Chattr character (`providers.md` §3.4).
    ///
    /// `configuration.system_prompt` is the card's `system_prompt` when it has one, otherwise description and
    /// personality composed under headers; the scenario and the example dialogue follow under their own
    /// headers, since Chattr has no field for either.
    static func chattrCharacter(_ context: inout CardLossContext) -> ChattrCharacter {
        let card = context.card
        context.handle("name", "description", "personality", "system_prompt")
        context.requireName()
        var parts: [String]
        if card.systemPrompt.isEmpty {
            parts = [
                card.description,
                card.personality.isEmpty ? "" : TextComposer.section("Personality", card.personality),
            ]
        } else {
            parts = [card.systemPrompt]
        }
        if !card.scenario.isEmpty { parts.append(TextComposer.section("Scenario", card.scenario)) }
        if !card.messageExamples.isEmpty {
            parts.append(TextComposer.section("Example dialogue", card.messageExamples))
        }
        context.merge(
            "scenario", into: "configuration.system_prompt",
            "Chattr has no scenario field; appended to the system prompt under \"Scenario:\"")
        context.merge(
            "mes_example", into: "configuration.system_prompt",
            "Chattr has no example-dialogue field; appended to the system prompt under \"Example dialogue:\"")

        var avatarURL: String? = nil
        if let avatar = context.avatar {
            if ImageReference.isWebURL(avatar) {
                avatarURL = avatar
            } else {
                if let (index, uri) = context.mainIconURI(), uri == avatar {
                    context.usedAssets.insert(index)
                    context.report.append(
                        .dropped, context.pointer("assets").appending(index),
                        "Chattr has no avatar upload; `avatar_url` takes only an http(s) URL")
                }
                context.avatar = nil
            }
        }
        context.drop("first_mes", "Chattr characters have no greeting")
        var character = ChattrCharacter(
            name: card.name, description: card.description, personality: card.personality, avatarURL: avatarURL,
            configuration: ChattrCharacter.Configuration(systemPrompt: TextComposer.join(parts)))
        if let stash = card.extensions[PlatformImporter.chattrStashKey]?.objectValue {
            restoreChattrStash(stash, into: &character, context: &context)
        }
        return character
    }

    /// Puts back the Chattr values ``PlatformImporter`` kept under `extensions.chattr`.
    private static func restoreChattrStash(
        _ stash: JSONObject, into character: inout ChattrCharacter, context: inout CardLossContext
    ) {
        context.consumedExtensions.insert(PlatformImporter.chattrStashKey)
        var object = stash
        object["name"] = .string(character.name)
        if let configuration = stash["configuration"]?.objectValue {
            var merged = configuration
            merged["system_prompt"] = .string(character.configuration.systemPrompt)
            object["configuration"] = .object(merged)
        }
        guard let restored = try? ChattrCharacter(json: .object(object)) else { return }
        character.id = restored.id
        if character.avatarURL == nil { character.avatarURL = restored.avatarURL }
        character.voiceModel = restored.voiceModel
        character.capabilities = restored.capabilities
        character.configuration.temperature = restored.configuration.temperature
        character.configuration.maxTokens = restored.configuration.maxTokens
        character.configuration.additional = restored.configuration.additional
        character.additional = restored.additional
    }
}

extension PlatformDescriptor {
    /// Chattr: characters only (`providers.md` §3); imports `CharacterDetail` objects.
    static let chattr = PlatformDescriptor(
        platform: .chattr, displayName: "Chattr", characterSchema: "chattr-character",
        convertCharacter: { PlatformConverter.chattrCharacter(&$0).jsonValue },
        importCharacter: { json throws(PlatformError) in try PlatformImporter.importChattr(json) })
}

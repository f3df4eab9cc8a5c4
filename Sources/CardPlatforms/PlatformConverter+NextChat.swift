import CardKitJSON
import CardModel
import OrderedCollections

/// The `extensions` key under which ``PlatformImporter`` keeps the NextChat values a card has no field for.
///
/// Shape: `{"request": {top-level keys}, "personality": {profile keys}, "omitted": ["tags",
/// "personality/systemPrompt", …]}`; `omitted` lists optional keys the NextChat object did not have, so that
/// NextChat → V3 → NextChat gives back the same object.
enum NextChatStash {
    static let key = "nextchat"
}

extension PlatformConverter {
    /// Card → NextChat `CreateCharacterRequest` (`providers.md` §4.4).
    static func nextChatRequest(_ context: inout CardLossContext) -> NextChatCreateRequest {
        let card = context.card
        context.handle(
            "name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes",
            "system_prompt", "post_history_instructions", "alternate_greetings", "character_book", "tags")
        context.requireName()
        context.drop(
            "group_only_greetings",
            "NextChat has no group-only greetings (its `groupOnly`/`activationGroups` mean something else)")

        let stash = card.extensions[NextChatStash.key]?.objectValue
        if stash != nil { context.consumedExtensions.insert(NextChatStash.key) }
        let omitted = Set((stash?["omitted"]?.arrayValue ?? []).compactMap(\.stringValue))
        func optional<T>(_ key: String, _ value: T, isEmpty: Bool) -> T? {
            omitted.contains(key) && isEmpty ? nil : value
        }

        var profile = NextChatPersonalityProfile(
            name: card.name, description: card.description, personality: card.personality, scenario: card.scenario,
            firstMes: card.firstMessage, mesExample: card.messageExamples,
            creatorcomment: optional(
                "personality/creatorcomment", card.creatorNotes, isEmpty: card.creatorNotes.isEmpty),
            systemPrompt: optional("personality/systemPrompt", card.systemPrompt, isEmpty: card.systemPrompt.isEmpty),
            postHistoryInstructions: optional(
                "personality/postHistoryInstructions", card.postHistoryInstructions,
                isEmpty: card.postHistoryInstructions.isEmpty),
            alternateGreetings: optional(
                "personality/alternateGreetings", card.alternateGreetings, isEmpty: card.alternateGreetings.isEmpty),
            characterBook: card.fields["character_book"]?.objectValue)
        if let kept = stash?["personality"]?.objectValue {
            let reader = JSONFieldReader(object: kept, platform: .nextchat, at: JSONPointer())
            if let name = try? reader.string("name") { profile.name = name }
            if let description = try? reader.string("description") { profile.description = description }
            profile.avatar = try? reader.string("avatar")
            profile.chat = try? reader.string("chat")
            profile.viewScreen = try? reader.string("viewScreen")
            profile.groupOnly = try? reader.bool("groupOnly")
            profile.activationGroups = try? reader.strings("activationGroups")
            profile.additional = reader.additional(excluding: NextChatPersonalityProfile.keys)
        }

        var request = NextChatCreateRequest(
            name: card.name, description: card.description, personality: profile, avatar: context.avatar,
            isPublic: omitted.contains("isPublic") ? nil : false,
            tags: optional("tags", card.tags, isEmpty: card.tags.isEmpty))
        if let kept = stash?["request"]?.objectValue {
            let base = context.extensionPointer(NextChatStash.key).appending("request")
            for (key, value) in kept {
                switch key {
                case "voice": request.voice = value
                case "isPublic": request.isPublic = value.boolValue ?? false
                case "avatar": if request.avatar == nil { request.avatar = value.stringValue }
                case _
                where NextChatCharacter.serverAssignedKeys.contains(key)
                    || ["firstMes", "mesExample", "scenario"].contains(key):
                    context.report.append(
                        .dropped, base.appending(key),
                        "`\(key)` belongs to a stored NextChat character; a create request does not carry it")
                default: request.additional[key] = value
                }
            }
        }
        return request
    }
}

extension PlatformDescriptor {
    /// NextChat: characters only (`providers.md` §4); imports `CreateCharacterRequest` and `Character` objects.
    static let nextchat = PlatformDescriptor(
        platform: .nextchat, displayName: "NextChat", characterSchema: "nextchat-create-character-request",
        convertCharacter: { PlatformConverter.nextChatRequest(&$0).jsonValue },
        importCharacter: { json throws(PlatformError) in try PlatformImporter.importNextChat(json) })
}

import CardKitJSON
import CardModel

extension PlatformConverter {
    /// Card → Spicychat character (`providers.md` §2.9).
    static func spicychatCharacter(_ context: inout CardLossContext) -> SpicychatCharacter {
        let card = context.card
        context.handle("name", "description", "scenario", "first_mes", "mes_example")
        context.requireName()

        var personaParts = [card.description]
        if !card.personality.isEmpty { personaParts.append(TextComposer.section("Personality", card.personality)) }
        context.merge(
            "personality", into: "persona",
            "Spicychat has a single definition field; appended to `persona` under \"Personality:\"")
        if context.options.inlineSystemPrompt {
            if !card.systemPrompt.isEmpty {
                personaParts.append(TextComposer.section("System prompt", card.systemPrompt))
            }
            if !card.postHistoryInstructions.isEmpty {
                personaParts.append(TextComposer.section("Post-history instructions", card.postHistoryInstructions))
            }
            context.merge(
                "system_prompt", into: "persona",
                "Spicychat has no system prompt; appended to `persona` under \"System prompt:\"")
            context.merge(
                "post_history_instructions", into: "persona",
                "Spicychat has no post-history instructions; appended to `persona` under \"Post-history instructions:\""
            )
        } else {
            context.drop(
                "system_prompt", "Spicychat has no system prompt field (inlining appends it to `persona`)",
                option: .inlineSystemPrompt)
            context.drop(
                "post_history_instructions",
                "Spicychat has no post-history instructions (inlining appends them to `persona`)",
                option: .inlineSystemPrompt)
        }

        context.handle("creator_notes")
        let (title, hasMore) = TextComposer.firstLine(card.creatorNotes)
        if hasMore {
            context.add(
                .truncated, "creator_notes",
                "Spicychat's `title` is a one-line tagline; only the first line of the creator notes is kept",
                target: "title")
        }

        context.handle("tags")
        var tags: [String] = []
        var removed: [String] = []
        var seen: Set<String> = []
        for tag in card.tags {
            let trimmed = tag.trimmingWhitespace()
            if trimmed.isEmpty || !seen.insert(trimmed.lowercased()).inserted {
                removed.append(tag)
            } else {
                tags.append(trimmed)
            }
        }
        if !removed.isEmpty {
            context.add(
                .coerced, "tags",
                "empty or duplicate tags removed: \(removed.map { "\"\($0)\"" }.joined(separator: ", "))",
                target: "tags")
        }
        if tags.count < SpicychatCharacter.minimumTagCount {
            context.add(
                .limit, "tags",
                "Spicychat requires at least \(SpicychatCharacter.minimumTagCount) tags; the card has \(tags.count)",
                target: "tags")
        }

        return SpicychatCharacter(
            name: card.name, title: title, greeting: card.firstMessage, persona: TextComposer.join(personaParts),
            scenario: card.scenario, dialogue: card.messageExamples, tags: tags,
            visibility: context.options.spicychatVisibility, avatar: context.avatar)
    }
}

extension PlatformConverter {
    /// Persona → Spicychat persona (`providers.md` §2.7).
    static func spicychatPersona(_ persona: Persona, options: PlatformConversionOptions, report: inout LossReport)
        -> JSONValue
    {
        if persona.name.trimmingWhitespace().isEmpty {
            report.append(
                .limit, JSONPointer(tokens: ["name"]), "Spicychat requires a persona name; it is empty",
                target: "name")
        }
        return SpicychatPersona(
            name: persona.name, highlights: persona.description, avatar: options.avatar, isDefault: persona.isDefault
        ).jsonValue
    }
}

extension PlatformDescriptor {
    /// Spicychat: characters and personas (`providers.md` §2); no import (its API returns no full definition).
    static let spicychat = PlatformDescriptor(
        platform: .spicychat, displayName: "Spicychat", characterSchema: "spicychat-character",
        convertCharacter: { PlatformConverter.spicychatCharacter(&$0).jsonValue },
        persona: (schema: "spicychat-persona", convert: PlatformConverter.spicychatPersona))
}

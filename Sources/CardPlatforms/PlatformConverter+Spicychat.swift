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
        let tags = spicychatTags(&context)
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

extension PlatformConverter {
    /// The card's tags, then ``PlatformConversionOptions/extraTags``, trimmed, without empty or repeated tags (ignoring
    /// case), mapped to the canonical list when one is given; fewer than two is an unmet limit naming the tags.
    private static func spicychatTags(_ context: inout CardLossContext) -> [String] {
        let canonical = Dictionary(
            context.options.canonicalTags.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        var tags: [String] = []
        var seen: Set<String> = []
        var removed: [String] = []
        var mapped: [String] = []
        var unknown: [String] = []
        let cardTagCount = context.card.tags.count
        for (index, tag) in (context.card.tags + context.options.extraTags).enumerated() {
            var trimmed = tag.trimmingWhitespace()
            if !canonical.isEmpty {
                guard let spelling = canonical[trimmed.lowercased()] else {
                    if index < cardTagCount, !trimmed.isEmpty { unknown.append(tag) }
                    if index >= cardTagCount || trimmed.isEmpty { removed.append(tag) }
                    continue
                }
                if spelling != trimmed { mapped.append("\"\(trimmed)\" → \"\(spelling)\"") }
                trimmed = spelling
            }
            if trimmed.isEmpty || !seen.insert(trimmed.lowercased()).inserted {
                removed.append(tag)
            } else {
                tags.append(trimmed)
            }
        }
        if !removed.isEmpty {
            context.add(
                .coerced, "tags", "empty, unknown or duplicate tags removed: \(quoted(removed))", target: "tags")
        }
        if !mapped.isEmpty {
            context.add(
                .coerced, "tags", "tags given Spicychat's canonical spelling: \(mapped.joined(separator: ", "))",
                target: "tags")
        }
        if !unknown.isEmpty {
            context.add(.dropped, "tags", "not on Spicychat's canonical tag list: \(quoted(unknown))", target: "tags")
        }
        if tags.count < SpicychatCharacter.minimumTagCount {
            let have = tags.isEmpty ? "none" : quoted(tags)
            context.add(
                .limit, "tags",
                "Spicychat requires at least \(SpicychatCharacter.minimumTagCount) tags; the card has \(tags.count) (\(have))",
                target: "tags", option: .extraTags)
        }
        return tags
    }

    private static func quoted(_ tags: [String]) -> String {
        tags.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}

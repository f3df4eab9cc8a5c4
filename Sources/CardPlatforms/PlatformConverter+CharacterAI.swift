import CardKitJSON
import CardModel

extension PlatformConverter {
    /// Card → Character.AI character create body (`providers.md` §5.5), enforcing the §5.2 limits.
    static func characterAICharacter(_ context: inout CardLossContext) -> CharacterAICharacter {
        let card = context.card
        context.handle("name", "first_mes", "description", "creator_notes")

        var name = card.name
        switch NameFit.fit(card.name, in: CharacterAILimits.name) {
        case .fits(let fitted):
            name = fitted
        case .shortened(let fitted, let rule):
            name = fitted
            context.add(
                .truncated, "name",
                "Character.AI names hold at most \(CharacterAILimits.name.upperBound) characters; shortened to \"\(name)\" (\(rule))",
                target: "name")
        case .refused(let reason):
            context.add(.limit, "name", "a Character.AI name \(reason)", target: "name")
        }

        var greeting = card.firstMessage
        let clippedGreeting = TextComposer.clip(greeting, to: CharacterAILimits.greeting.upperBound)
        if clippedGreeting.cut {
            greeting = clippedGreeting.text
            context.add(
                .truncated, "first_mes",
                "Character.AI greetings hold at most 4096 characters; \(TextComposer.length(card.firstMessage) - 4096) characters cut",
                target: "greeting")
        } else if TextComposer.length(greeting) < CharacterAILimits.greeting.lowerBound {
            context.add(
                .limit, "first_mes",
                "Character.AI greetings need at least 3 characters; the card's has \(TextComposer.length(greeting))",
                target: "greeting")
        }

        var title = context.options.characterAITitle ?? ""
        if context.options.characterAITitle == nil {
            let (line, hasMore) = TextComposer.firstLine(card.creatorNotes)
            title = line
            if hasMore {
                context.add(
                    .truncated, "creator_notes",
                    "Character.AI's `title` is a one-line tagline; only the first line of the creator notes is kept",
                    target: "title")
            }
            let clippedTitle = TextComposer.clip(title, to: CharacterAILimits.title.upperBound)
            if clippedTitle.cut {
                title = clippedTitle.text
                context.add(
                    .truncated, "creator_notes", "Character.AI titles hold at most 50 characters", target: "title")
            } else if !title.isEmpty, TextComposer.length(title) < CharacterAILimits.title.lowerBound {
                context.add(
                    .dropped, "creator_notes",
                    "Character.AI titles need at least 3 characters; \"\(title)\" is not used")
                title = ""
            }
        } else if has(card.creatorNotes) {
            context.add(.dropped, "creator_notes", "Character.AI has no creator notes; the given title replaces them")
        }

        let clippedDescription = TextComposer.clip(card.description, to: CharacterAILimits.descriptionMax)
        if clippedDescription.cut {
            context.add(
                .truncated, "description",
                "Character.AI descriptions hold at most 500 characters; the full text is in `definition`",
                target: "description")
        }

        var examples = card.messageExamples
        if context.options.characterAIDialogMarkers, examples.contains("<START>") {
            examples = examples.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.trimmingWhitespace() == "<START>" ? "END_OF_DIALOG" : String($0)
            }.joined(separator: "\n")
            context.add(
                .coerced, "mes_example", "`<START>` lines became Character.AI's `END_OF_DIALOG`", target: "definition")
        }
        let definition = composeDefinition(
            [
                ("description", "Description", card.description), ("personality", "Personality", card.personality),
                ("scenario", "Scenario", card.scenario), ("system_prompt", "System prompt", card.systemPrompt),
                ("mes_example", "Example dialogue", examples),
            ], context: &context)

        return CharacterAICharacter(
            name: name, greeting: greeting, title: title, description: clippedDescription.text, definition: definition,
            identifier: context.options.characterAIIdentifier ?? StableIdentifier.make(for: card.json))
    }

    private static func has(_ text: String) -> Bool { !text.isEmpty }

    /// Composes `definition` from labelled sections, cutting it at 32000 characters and reporting each section
    /// the cut reaches; sections other than the description are reported as merged.
    private static func composeDefinition(
        _ sections: [(field: String, label: String, text: String)], context: inout CardLossContext
    ) -> String {
        var result = ""
        var used = 0
        let limit = CharacterAILimits.definitionMax
        for section in sections {
            context.handle(section.field)
            guard !section.text.isEmpty else { continue }
            let separator = result.isEmpty ? "" : "\n\n"
            let piece = separator + TextComposer.section(section.label, section.text)
            let pieceLength = TextComposer.length(piece)
            if used + pieceLength <= limit {
                result += piece
                used += pieceLength
                if section.field != "description" {
                    context.add(
                        .merged, section.field,
                        "Character.AI has one definition; added under \"\(section.label):\"", target: "definition")
                }
                continue
            }
            let room = limit - used
            let clipped = TextComposer.clip(piece, to: max(room, 0))
            let headerLength = TextComposer.length(separator + section.label) + 2
            if room > headerLength {
                result += clipped.text
                used += TextComposer.length(clipped.text)
                context.add(
                    .truncated, section.field,
                    "Character.AI definitions hold at most 32000 characters; this section was cut", target: "definition"
                )
            } else {
                context.add(
                    .dropped, section.field,
                    "Character.AI definitions hold at most 32000 characters; no room was left for this section")
            }
        }
        return result
    }
}

extension PlatformConverter {
    /// Persona → Character.AI persona (`providers.md` §5).
    static func characterAIPersona(_ persona: Persona, options: PlatformConversionOptions, report: inout LossReport)
        -> JSONValue
    {
        var name = persona.name
        switch NameFit.fit(persona.name, in: CharacterAILimits.name) {
        case .fits(let fitted):
            name = fitted
        case .shortened(let fitted, let rule):
            name = fitted
            report.append(
                .truncated, JSONPointer(tokens: ["name"]),
                "Character.AI persona names hold at most \(CharacterAILimits.name.upperBound) characters; shortened to \"\(name)\" (\(rule))",
                target: "name")
        case .refused(let reason):
            report.append(
                .limit, JSONPointer(tokens: ["name"]), "a Character.AI persona name \(reason)", target: "name")
        }
        let definition = TextComposer.clip(persona.description, to: CharacterAILimits.personaDefinitionMax)
        if definition.cut {
            report.append(
                .truncated, JSONPointer(tokens: ["description"]),
                "Character.AI persona definitions hold at most 750 characters; \(TextComposer.length(persona.description) - 750) characters cut",
                target: "definition")
        }
        let identifier = options.characterAIIdentifier ?? StableIdentifier.make(for: persona.json)
        return CharacterAIPersona(
            name: name, definition: definition.text, identifier: identifier, isDefault: persona.isDefault
        ).jsonValue
    }
}

extension PlatformDescriptor {
    /// Character.AI: characters and personas (`providers.md` §5); convert only (no upload client, no import).
    static let characterAI = PlatformDescriptor(
        platform: .characterai, displayName: "Character.AI", characterSchema: "characterai-character",
        convertCharacter: { PlatformConverter.characterAICharacter(&$0).jsonValue },
        persona: (schema: "characterai-persona", convert: PlatformConverter.characterAIPersona))
}

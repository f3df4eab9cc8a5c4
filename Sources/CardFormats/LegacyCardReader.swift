package import CardKitJSON
package import CardModel
import OrderedCollections

/// Reads the older character shapes as V2 cards: text-generation-webui YAML, Pygmalion/Gradio JSON and
/// TavernAI's per-character folder JSON.
///
/// Each reader returns a V2 card plus diagnostics: a note for every field moved to a card field, a note for
/// every source key kept under `data.extensions`, and `lost-field` warnings where something has no place.
package enum LegacyCardReader {
    /// The `data.extensions` key holding text-generation-webui keys other than the four mapped ones.
    package static let textGenerationWebUIKey = "text_generation_webui"
    /// The `data.extensions` key holding Pygmalion keys other than the five mapped ones.
    package static let pygmalionKey = "pygmalion"

    // MARK: - text-generation-webui YAML

    /// The mapping from text-generation-webui keys to card fields.
    package static let textGenerationWebUIFields: [(source: String, field: String)] = [
        ("name", "name"), ("context", "description"), ("greeting", "first_mes"), ("example_dialogue", "mes_example"),
    ]

    /// Reads a text-generation-webui character (YAML: `name`, `context`, `greeting`, `example_dialogue`).
    /// - Parameter bytes: UTF-8 YAML.
    /// - Returns: A V2 card; keys other than the four are kept under `data.extensions.text_generation_webui`.
    /// - Throws: ``CardFormatError``.
    package static func readTextGenerationWebUI(_ bytes: some Collection<UInt8>) throws(CardFormatError)
        -> CardReadResult
    {
        let value = try YAMLToJSON.convert(bytes)
        guard let root = value.objectValue else {
            throw .notACharacter(
                pointer: JSONPointer(), reason: "the YAML document is \(value.typeName()), not a mapping")
        }
        guard root["name"] != nil || root["context"] != nil || root["greeting"] != nil else {
            throw .notACharacter(pointer: JSONPointer(), reason: "no `name`, `context` or `greeting` key")
        }
        var diagnostics = [
            Diagnostic(
                .note, code: .textGenerationWebUI, pointer: JSONPointer(), "a text-generation-webui YAML character")
        ]
        let card = makeV2(
            root, fields: textGenerationWebUIFields, extensionKey: textGenerationWebUIKey, diagnostics: &diagnostics)
        if root["example_dialogue"] != nil {
            diagnostics.append(
                Diagnostic(
                    .note, code: .exampleDialogue, pointer: JSONPointer(tokens: ["example_dialogue"]),
                    "`example_dialogue` mapped to `mes_example` (SillyTavern's YAML import drops it)"))
        }
        return makeResult(card, diagnostics)
    }

    // MARK: - Pygmalion / Gradio JSON

    /// The mapping from Pygmalion keys to card fields.
    package static let pygmalionFields: [(source: String, field: String)] = [
        ("char_name", "name"), ("char_persona", "description"), ("char_greeting", "first_mes"),
        ("world_scenario", "scenario"), ("example_dialogue", "mes_example"),
    ]

    /// Reads Pygmalion/Gradio character JSON (`char_name`, `char_persona`, `char_greeting`, `world_scenario`,
    /// `example_dialogue`).
    /// - Parameter json: The parsed document.
    /// - Returns: A V2 card; other keys are kept under `data.extensions.pygmalion`.
    /// - Throws: ``CardFormatError/notACharacter(pointer:reason:)``.
    package static func readPygmalion(json: JSONValue) throws(CardFormatError) -> CardReadResult {
        guard let root = json.objectValue, root["char_name"] != nil else {
            throw .notACharacter(
                pointer: JSONPointer(tokens: ["char_name"]), reason: "no `char_name` key (not Pygmalion JSON)")
        }
        var diagnostics = [
            Diagnostic(.note, code: .pygmalion, pointer: JSONPointer(), "a Pygmalion/Gradio character (char_* keys)")
        ]
        let card = makeV2(root, fields: pygmalionFields, extensionKey: pygmalionKey, diagnostics: &diagnostics)
        return makeResult(card, diagnostics)
    }

    /// Reads Pygmalion/Gradio character JSON from bytes.
    /// - Throws: ``CardFormatError``.
    package static func readPygmalion(_ bytes: some Collection<UInt8>) throws(CardFormatError) -> CardReadResult {
        try readPygmalion(json: parse(bytes))
    }

    // MARK: - TavernAI folder JSON

    /// Reads TavernAI's per-character folder JSON: a V1 card with `avatar` (an image file beside it), `chat`,
    /// `create_date` and `last_mes` (sometimes an array), and often no `scenario`.
    /// - Parameter json: The parsed document.
    /// - Returns: The card converted to V2; the extra keys stay at the root as the card model keeps them.
    /// - Throws: ``CardFormatError/notACharacter(pointer:reason:)`` when it is not a V1 card.
    package static func readTavernAIFolder(json: JSONValue) throws(CardFormatError) -> CardReadResult {
        let read: CardReadResult
        do {
            read = try CardReader.read(json: json)
        } catch {
            throw .notACharacter(pointer: JSONPointer(), reason: error.description)
        }
        guard read.card.shape == .v1 else {
            throw .notACharacter(
                pointer: JSONPointer(tokens: ["spec"]),
                reason: "a \(read.card.shape) card, not TavernAI's V1 folder JSON")
        }
        var diagnostics = read.diagnostics
        diagnostics.append(
            Diagnostic(.note, code: .tavernAIFolder, pointer: JSONPointer(), "TavernAI folder JSON (V1 with extras)"))
        if let avatar = read.card.document["avatar"]?.stringValue, avatar != "none" {
            diagnostics.append(
                Diagnostic(
                    .note, code: .externalAvatar, pointer: JSONPointer(tokens: ["avatar"]),
                    "the avatar \"\(avatar)\" is a separate file in the character's folder; it is not part of the card")
            )
        }
        if case .array? = read.card.document["last_mes"] {
            diagnostics.append(
                Diagnostic(
                    .note, code: .wrongType, pointer: JSONPointer(tokens: ["last_mes"]),
                    "`last_mes` is an array (kept as is)"))
        }
        let conversion = read.card.converted(to: .v2)
        return makeResult(conversion.card, diagnostics + conversion.diagnostics)
    }

    // MARK: - Pieces

    /// A read result for a card built here: the given diagnostics, then the spec checks ``CardReader`` runs.
    static func makeResult(_ card: Card, _ diagnostics: [Diagnostic]) -> CardReadResult {
        CardReadResult(card: card, diagnostics: diagnostics + CardReader.check(card))
    }

    static func parse(_ bytes: some Collection<UInt8>) throws(CardFormatError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes).value
        } catch {
            throw .invalidJSON(error)
        }
    }

    /// Builds a V2 card: mapped keys to fields (strings read leniently), the rest under `extensions[key]`.
    private static func makeV2(
        _ root: JSONObject, fields: [(source: String, field: String)], extensionKey: String,
        diagnostics: inout [Diagnostic]
    ) -> Card {
        var card = Card(spec: .v2)
        let mapped = Set(fields.map(\.source))
        for (source, field) in fields {
            guard let value = root[source] else { continue }
            let pointer = JSONPointer(tokens: [source])
            switch value {
            case .string(let text):
                card.setString(field, text)
            case .number(let number):
                card.setString(field, number.literal)
                diagnostics.append(
                    Diagnostic(.warning, code: .wrongType, pointer: pointer, "`\(source)` is a number; read as text"))
            case .bool(let flag):
                card.setString(field, flag ? "true" : "false")
                diagnostics.append(
                    Diagnostic(.warning, code: .wrongType, pointer: pointer, "`\(source)` is a Boolean; read as text")
                )
            case .null:
                diagnostics.append(
                    Diagnostic(.warning, code: .wrongType, pointer: pointer, "`\(source)` is null; left empty"))
            case .rawString(let raw):
                card[field: field] = .rawString(raw)
            case .array, .object:
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .lostField, pointer: pointer,
                        "`\(source)` is \(value.typeName()), which `\(field)` cannot hold; kept under extensions.\(extensionKey)"
                    ))
                continue
            }
            diagnostics.append(
                Diagnostic(.note, code: .mappedField, pointer: pointer, "`\(source)` → `data.\(field)`"))
        }
        var extra = JSONObject()
        for (key, value) in root where !mapped.contains(key) || !isScalar(value) { extra[key] = value }
        if !extra.isEmpty {
            var extensions = card.extensions
            extensions[extensionKey] = .object(extra)
            card.extensions = extensions
            diagnostics.append(
                Diagnostic(
                    .note, code: .keptInExtensions,
                    pointer: JSONPointer(tokens: ["data", "extensions", extensionKey]),
                    "kept under extensions.\(extensionKey): \(extra.keys.joined(separator: ", "))"))
        }
        return card
    }

    private static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: return false
        default: return true
        }
    }
}

public import CardKitJSON
public import CardModel
import JSONSchema

/// Which schema ``CardValidator`` validates against.
public enum CardSchemaSelection: Sendable {
    /// Chosen from the document: its `spec`, a persona marker, World Info `entries`, else V1
    /// (see ``CardValidator/detectSchema(for:)``).
    case auto
    /// A shipped schema.
    case named(CardSchemaName)
    /// A schema compiled elsewhere (for example a user's file), with a label for reports.
    case compiled(CompiledSchema, label: String)
}

/// The outcome of validating one document against one schema.
public struct CardValidationReport: Sendable, Hashable {
    /// The schema's name (`v2`, `worldinfo`) or the label of a user's schema.
    public var schema: String
    /// The absolute URI of the schema's root (its `$id`).
    public var schemaID: String
    /// The profile, for shipped schemas that have one.
    public var profile: CardSchemaProfile?
    /// Why `auto` picked the schema, for example `spec is "chara_card_v2"`; `nil` when the schema was given.
    public var reason: String?
    /// Every failed assertion, in evaluation order.
    public var errors: [SchemaViolation]

    /// Whether the document is valid.
    public var isValid: Bool { errors.isEmpty }
}

/// Validates cards, books, World Info, personas and platform objects against CardKit's schemas.
///
/// ```swift
/// let report = try CardValidator.validate(cardJSON, profile: .strict)
/// for error in report.errors { print(error) }   // "/data/character_book: required property 'extensions' …"
/// ```
public enum CardValidator {
    /// Validates a JSON document.
    /// - Parameters:
    ///   - json: The document.
    ///   - schema: `.auto` (the default), a shipped schema, or a compiled one.
    ///   - profile: Strict or lenient (the default); ignored for platform and user schemas.
    ///   - catalog: Where shipped schemas come from.
    /// - Returns: The report, with every error.
    /// - Throws: ``CardSchemaError`` when `auto` cannot choose a schema or a shipped schema does not compile.
    public static func validate(
        _ json: JSONValue, schema: CardSchemaSelection = .auto, profile: CardSchemaProfile = .lenient,
        catalog: CardSchemaCatalog = .shared
    ) throws(CardSchemaError) -> CardValidationReport {
        switch schema {
        case .compiled(let compiled, let label):
            let result = compiled.validate(json, format: .basic)
            return CardValidationReport(
                schema: label, schemaID: compiled.rootURI, profile: nil, reason: nil, errors: result.errors)
        case .named(let name):
            return try validate(json, name: name, reason: nil, profile: profile, catalog: catalog)
        case .auto:
            let (name, reason) = try detectSchema(for: json)
            return try validate(json, name: name, reason: reason, profile: profile, catalog: catalog)
        }
    }

    /// The first violation of a shipped schema as one line, `/tags: … (and 2 more)`; nil when the value passes.
    ///
    /// What `convert` and `upload` say when a platform object fails its schema.
    /// - Parameters:
    ///   - json: The value.
    ///   - name: The shipped schema.
    /// - Returns: The instance location and message of the first error, with how many more there are.
    /// - Throws: ``CardSchemaError`` when the schema does not compile.
    package static func firstViolation(of json: JSONValue, schema name: CardSchemaName) throws(CardSchemaError)
        -> String?
    {
        let errors = try validate(json, schema: .named(name)).errors
        guard let first = errors.first else { return nil }
        let more = errors.count > 1 ? " (and \(errors.count - 1) more)" : ""
        return "\(first.instanceLocation.displayString): \(first.message)\(more)"
    }

    /// Validates a card's document (exactly as read, with every unknown key).
    /// - Parameters:
    ///   - card: The card.
    ///   - schema: `.auto` (the default), a shipped schema, or a compiled one.
    ///   - profile: Strict or lenient (the default).
    ///   - catalog: Where shipped schemas come from.
    /// - Returns: The report.
    /// - Throws: ``CardSchemaError``.
    public static func validate(
        _ card: Card, schema: CardSchemaSelection = .auto, profile: CardSchemaProfile = .lenient,
        catalog: CardSchemaCatalog = .shared
    ) throws(CardSchemaError) -> CardValidationReport {
        try validate(card.json, schema: schema, profile: profile, catalog: catalog)
    }

    /// How a detection reason starts for a flat V2 card (V2 fields at the root, no `spec`), validated as V1.
    package static let flatV2Reason = "flat V2 (V2 fields at the root, read as V2), validated against its V1 layout"

    /// Chooses the schema for a document, in this order: `spec` `chara_card_v3` → V3, `chara_card_v2` → V2,
    /// `lorebook_v3` → standalone lorebook, any other `spec` → V2 (SillyTavern reads `data` as V2, and the
    /// schema then reports the `spec`); `"type": "cardkit_persona"` → persona; `entries` without `name` → World
    /// Info; `name` → V1 (flat V2 cards, whose V2 fields sit at the root, are V1 cards with extra keys).
    /// - Parameter json: The document.
    /// - Returns: The schema and a short explanation.
    /// - Throws: ``CardSchemaError/undetectable(pointer:reason:)`` for non-objects, Pygmalion JSON and objects
    ///   with none of these keys.
    package static func detectSchema(for json: JSONValue) throws(CardSchemaError) -> (CardSchemaName, reason: String) {
        guard case .object(let root) = json else {
            throw .undetectable(pointer: JSONPointer(), reason: "the document is \(json.typeName()), not an object")
        }
        if let spec = root["spec"] {
            switch spec.stringValue {
            case "chara_card_v3": return (.v3, "spec is \"chara_card_v3\"")
            case "chara_card_v2": return (.v2, "spec is \"chara_card_v2\"")
            case "lorebook_v3": return (.lorebookV3, "spec is \"lorebook_v3\"")
            default: return (.v2, "unknown spec \(JSONWriter.string(spec)), validated as V2 as SillyTavern reads it")
            }
        }
        if root["type"]?.stringValue == Persona.typeMarker {
            return (.persona, "type is \"\(Persona.typeMarker)\"")
        }
        if root["char_name"] != nil {
            throw .undetectable(
                pointer: JSONPointer(tokens: ["char_name"]),
                reason: "Pygmalion/Gradio character JSON has no schema; convert it to V2 or V3 first")
        }
        if root["entries"] != nil, root["name"] == nil || root["first_mes"] == nil {
            return (.worldInfo, "no spec, has entries")
        }
        if root["name"] != nil, let marker = CardFields.v2OnlyRootMarkers.first(where: { root[$0] != nil }) {
            // The reader's flat V2 (`cardkit inspect` says V2): its layout is V1's, so that is the schema.
            return (.v1, "\(flatV2Reason): `\(marker)` at the root without `spec`/`data`")
        }
        if root["name"] != nil {
            return (.v1, "no spec, has name")
        }
        throw .undetectable(pointer: JSONPointer(), reason: "no `spec`, `type`, `entries` or `name` key")
    }

    private static func validate(
        _ json: JSONValue, name: CardSchemaName, reason: String?, profile: CardSchemaProfile,
        catalog: CardSchemaCatalog
    ) throws(CardSchemaError) -> CardValidationReport {
        let compiled = try catalog.schema(name, profile: profile)
        let result = compiled.validate(json, format: .basic)
        return CardValidationReport(
            schema: name.rawValue, schemaID: name.id(profile: profile), profile: name.hasProfiles ? profile : nil,
            reason: reason, errors: result.errors)
    }
}

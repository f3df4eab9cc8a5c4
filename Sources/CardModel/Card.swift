public import CardKitJSON
import OrderedCollections

/// A character card: the whole JSON document as read, with typed accessors over it.
///
/// The document is kept exactly, so unknown keys at the root (`creatorcomment`, `talkativeness`, `chat`,
/// `metadata`, …) and everything under `extensions` survive every read and write. Accessors read the
/// card fields leniently (a numeric `character_version` reads as its text); setters write into the
/// object that holds the fields (`data` for V2/V3, the root for V1 and flat V2).
///
/// ```swift
/// let result = try CardReader.read(bytes)
/// print(result.card.name, result.card.spec)
/// let v3 = result.card.converted(to: .v3).card
/// ```
public struct Card: Sendable, Hashable {
    /// The whole document, root object, in source order.
    public var document: JSONObject
    /// The layout the card was found in.
    public let shape: CardShape

    /// The spec the card is read as.
    public var spec: CardSpec { shape.spec }

    /// Creates a card from a root object whose shape is already known.
    public init(document: JSONObject, shape: CardShape) {
        self.document = document
        self.shape = shape
    }

    /// Creates an empty card of the given spec with every required field at its default.
    public init(spec: CardSpec, name: String = "") {
        switch spec {
        case .v1:
            var root = JSONObject()
            for field in CardFields.v1 { root[field] = .string("") }
            self.init(document: root, shape: .v1)
        case .v2, .v3:
            var data = JSONObject()
            for field in CardFields.v2 where field != "character_book" {
                data[field] = CardFieldDefaults.value(for: field)
            }
            if spec == .v3 { data["group_only_greetings"] = .array([]) }
            let root: JSONObject = [
                "spec": .string(spec.specIdentifier ?? ""), "spec_version": .string(spec.specVersion ?? ""),
                "data": .object(data),
            ]
            self.init(document: root, shape: spec == .v3 ? .v3 : .v2)
        }
        self.name = name
    }

    /// The document as a JSON value.
    public var json: JSONValue { .object(document) }

    /// The JSON pointer of the object holding the card fields (`/data` or the root).
    package var fieldsPointer: JSONPointer { shape.hasDataObject ? JSONPointer(tokens: ["data"]) : JSONPointer() }

    /// The object holding the card fields: `data` for V2/V3, the root for V1 and flat V2.
    public var fields: JSONObject {
        get { shape.hasDataObject ? (document["data"]?.objectValue ?? JSONObject()) : document }
        set {
            if shape.hasDataObject {
                document["data"] = .object(newValue)
            } else {
                document = newValue
            }
        }
    }

    /// The raw value of a card field, or `nil` when absent.
    public subscript(field field: String) -> JSONValue? {
        get { fields[field] }
        set {
            var object = fields
            object[field] = newValue
            fields = object
        }
    }

    // MARK: - Typed accessors

    /// Reads a string field leniently (numbers and Booleans as their text, anything else as `""`).
    package func string(_ field: String) -> String { CardFieldDefaults.lenientString(fields[field]) ?? "" }

    /// Writes a string field.
    package mutating func setString(_ field: String, _ value: String) { self[field: field] = .string(value) }

    /// Reads a string-array field leniently (a lone string becomes one element; `""` becomes empty).
    package func strings(_ field: String) -> [String] {
        CardFieldDefaults.lenientStrings(fields[field], splitOnCommas: field == "tags") ?? []
    }

    /// The character's name.
    public var name: String {
        get { string("name") }
        set { setString("name", newValue) }
    }
    /// The description (persona) text.
    public var description: String {
        get { string("description") }
        set { setString("description", newValue) }
    }
    /// The personality summary.
    public var personality: String {
        get { string("personality") }
        set { setString("personality", newValue) }
    }
    /// The scenario.
    public var scenario: String {
        get { string("scenario") }
        set { setString("scenario", newValue) }
    }
    /// The first message (greeting), `first_mes`.
    public var firstMessage: String {
        get { string("first_mes") }
        set { setString("first_mes", newValue) }
    }
    /// Example dialogues, `mes_example`.
    public var messageExamples: String {
        get { string("mes_example") }
        set { setString("mes_example", newValue) }
    }
    /// Creator notes (V2+); for V1 cards, SillyTavern's root `creatorcomment`.
    public var creatorNotes: String {
        get {
            shape == .v1 ? CardFieldDefaults.lenientString(document["creatorcomment"]) ?? "" : string("creator_notes")
        }
        set { setString(shape == .v1 ? "creatorcomment" : "creator_notes", newValue) }
    }
    /// The system prompt (V2+).
    public var systemPrompt: String {
        get { string("system_prompt") }
        set { setString("system_prompt", newValue) }
    }
    /// Post-history instructions (V2+).
    public var postHistoryInstructions: String {
        get { string("post_history_instructions") }
        set { setString("post_history_instructions", newValue) }
    }
    /// Alternate greetings (V2+).
    public var alternateGreetings: [String] {
        get { strings("alternate_greetings") }
        set { self[field: "alternate_greetings"] = .array(newValue.map { .string($0) }) }
    }
    /// Tags.
    public var tags: [String] {
        get { strings("tags") }
        set { self[field: "tags"] = .array(newValue.map { .string($0) }) }
    }
    /// The creator.
    public var creator: String {
        get { string("creator") }
        set { setString("creator", newValue) }
    }
    /// The character version text.
    public var characterVersion: String {
        get { string("character_version") }
        set { setString("character_version", newValue) }
    }
    /// The `extensions` object (empty when absent).
    public var extensions: JSONObject {
        get { fields["extensions"]?.objectValue ?? JSONObject() }
        set { self[field: "extensions"] = .object(newValue) }
    }
    /// The character book, when present and an object.
    public var characterBook: CharacterBook? {
        get { fields["character_book"]?.objectValue.map(CharacterBook.init(object:)) }
        set { self[field: "character_book"] = newValue.map { .object($0.object) } }
    }
    /// The V3 nickname (empty when absent).
    public var nickname: String {
        get { string("nickname") }
        set { setString("nickname", newValue) }
    }
    /// V3 greetings used only in group chats.
    public var groupOnlyGreetings: [String] {
        get { strings("group_only_greetings") }
        set { self[field: "group_only_greetings"] = .array(newValue.map { .string($0) }) }
    }
    /// V3 creator notes by ISO 639-1 language code.
    public var creatorNotesMultilingual: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in fields["creator_notes_multilingual"]?.objectValue ?? JSONObject() {
            if let text = value.stringValue { result[key] = text }
        }
        return result
    }
    /// V3 sources (IDs or URLs).
    public var source: [String] { strings("source") }
    /// V3 assets; when the card has none, the spec's default (one `icon` named `main` at `ccdefault:`).
    public var assets: [CardAsset] {
        guard let array = fields["assets"]?.arrayValue else { return [CardAsset.defaultIcon] }
        return array.compactMap { $0.objectValue.map(CardAsset.init(object:)) }
    }
    /// V3 creation date, Unix seconds.
    public var creationDate: JSONNumber? { fields["creation_date"]?.numberValue }
    /// V3 modification date, Unix seconds.
    public var modificationDate: JSONNumber? { fields["modification_date"]?.numberValue }
}

/// A V3 asset: `{type, uri, name, ext}` plus any other keys.
public struct CardAsset: Sendable, Hashable {
    /// The asset object as stored.
    public var object: JSONObject

    /// Wraps a stored asset object.
    public init(object: JSONObject) { self.object = object }

    /// Creates an asset.
    public init(type: String, uri: String, name: String, ext: String) {
        object = ["type": .string(type), "uri": .string(uri), "name": .string(name), "ext": .string(ext)]
    }

    /// The spec's default when `assets` is absent: the main icon at `ccdefault:`.
    package static let defaultIcon = CardAsset(type: "icon", uri: "ccdefault:", name: "main", ext: "png")

    /// `icon`, `background`, `user_icon`, `emotion`, or a custom `x_` type.
    public var type: String { object["type"]?.stringValue ?? "" }
    /// An HTTP(S) URL, a `data:` URL, `embeded://path`, `ccdefault:` or `__asset:N`.
    public var uri: String { object["uri"]?.stringValue ?? "" }
    /// The asset's name (`main` for the main icon).
    public var name: String { object["name"]?.stringValue ?? "" }
    /// The lowercase file extension without the dot.
    public var ext: String { object["ext"]?.stringValue ?? "" }
}

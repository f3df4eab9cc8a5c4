public import CardKitJSON

/// A user persona (the identity the user speaks as), in CardKit's own persona file format.
///
/// No card spec defines a persona, so CardKit has its own small JSON format. A persona file is an object
/// marked by `"type": "cardkit_persona"` and `"version": 1`:
///
/// ```json
/// {
///   "type": "cardkit_persona",
///   "version": 1,
///   "name": "Alice",
///   "title": "Adventurer",
///   "description": "{{user}} is a tall elf who …",
///   "avatar": "Alice.png",
///   "extensions": {
///     "sillytavern": { "avatar_id": "1700000000000-Alice.png", "is_default": true,
///                      "position": 0, "depth": 2, "role": 0, "lorebook": "", "connections": [] }
///   }
/// }
/// ```
///
/// - `name` (required) and `description` (required, may be empty) are strings; `title` is optional.
/// - `avatar` is optional: a path relative to the persona file (`Alice.png`), a `data:image/…;base64,…` URL
///   with the image embedded, or an `http(s)` URL.
/// - `extensions` holds everything platform-specific, keyed by platform. SillyTavern's descriptor fields
///   (`position`, `depth`, `role`, `lorebook`, `connections`), the original image name (`avatar_id`) and
///   whether it was the default persona (`is_default`) live under `extensions.sillytavern`.
///
/// Like ``Card``, a persona keeps its whole document, so unknown keys survive a read and a write.
public struct Persona: Sendable, Hashable {
    /// The value of `type` that marks a persona file.
    package static let typeMarker = "cardkit_persona"
    /// The format version this library writes.
    package static let formatVersion = 1
    /// The `extensions` key for SillyTavern's persona data.
    package static let sillyTavernKey = "sillytavern"

    /// The whole document, in key order.
    public var document: JSONObject

    /// Wraps a persona document as read (see ``PersonaReader`` for checked reading).
    public init(document: JSONObject) { self.document = document }

    /// Creates a persona with the marker keys and the given fields.
    /// - Parameters:
    ///   - name: The persona's display name.
    ///   - description: The persona's description text.
    ///   - title: An optional subtitle.
    ///   - avatar: An optional avatar reference (relative path, `data:` URL or `http(s)` URL).
    ///   - extensions: Platform-specific data.
    public init(
        name: String, description: String = "", title: String? = nil, avatar: String? = nil,
        extensions: JSONObject = JSONObject()
    ) {
        var object: JSONObject = [
            "type": .string(Self.typeMarker), "version": .number(JSONNumber(Self.formatVersion)),
            "name": .string(name),
        ]
        if let title { object["title"] = .string(title) }
        object["description"] = .string(description)
        if let avatar { object["avatar"] = .string(avatar) }
        object["extensions"] = .object(extensions)
        self.document = object
    }

    /// The document as a JSON value.
    public var json: JSONValue { .object(document) }

    // MARK: - Accessors

    /// The display name.
    public var name: String {
        get { document["name"]?.stringValue ?? "" }
        set { document["name"] = .string(newValue) }
    }

    /// The description text (SillyTavern's `persona_descriptions[id].description`).
    public var description: String {
        get { document["description"]?.stringValue ?? "" }
        set { document["description"] = .string(newValue) }
    }

    /// The subtitle, or `nil` when absent.
    public var title: String? {
        get { document["title"]?.stringValue }
        set { document["title"] = newValue.map { .string($0) } }
    }

    /// The avatar reference: a relative path, a `data:` URL or an `http(s)` URL; `nil` when absent or empty.
    public var avatar: String? {
        get {
            guard let text = document["avatar"]?.stringValue, !text.isEmpty else { return nil }
            return text
        }
        set { document["avatar"] = newValue.map { .string($0) } }
    }

    /// Whether ``avatar`` embeds the image as a `data:` URL.
    public var hasEmbeddedAvatar: Bool { avatar?.hasPrefix("data:") ?? false }

    /// The `extensions` object (empty when absent).
    public var extensions: JSONObject {
        get { document["extensions"]?.objectValue ?? JSONObject() }
        set { document["extensions"] = .object(newValue) }
    }

    /// SillyTavern's data, `extensions.sillytavern` (empty when absent).
    public var sillyTavern: JSONObject {
        get { extensions[Self.sillyTavernKey]?.objectValue ?? JSONObject() }
        set {
            var object = extensions
            object[Self.sillyTavernKey] = .object(newValue)
            extensions = object
        }
    }

    /// Whether this is the user's default persona (`extensions.sillytavern.is_default`).
    public var isDefault: Bool {
        get { sillyTavern["is_default"]?.boolValue ?? false }
        set {
            var object = sillyTavern
            object["is_default"] = .bool(newValue)
            sillyTavern = object
        }
    }
}

package import CardKitJSON
import OrderedCollections

/// Character.AI's client-side length limits (PyCharacterAI checks; not server-confirmed, `providers.md` §5.2–5.3).
package enum CharacterAILimits {
    /// Character and persona names: 3–20 characters.
    package static let name = 3...20
    /// Greetings: 3–4096 characters.
    package static let greeting = 3...4096
    /// Titles, when set: 3–50 characters.
    package static let title = 3...50
    /// Descriptions: at most 500 characters.
    package static let descriptionMax = 500
    /// Character definitions: at most 32000 characters.
    package static let definitionMax = 32000
    /// Persona definitions: at most 750 characters.
    package static let personaDefinitionMax = 750
    /// The values `visibility` may take.
    package static let visibilities = ["UNLISTED", "PUBLIC", "PRIVATE"]
}

/// A Character.AI character create body (`POST …/chat/character/create/`, `providers.md` §5.2).
///
/// ``avatarRelPath`` stays empty until the upload engine has uploaded the image (§5.4).
package struct CharacterAICharacter: Sendable, Hashable {
    static let keys = [
        "avatar_rel_path", "base_img_prompt", "categories", "copyable", "default_voice_id", "definition",
        "description", "greeting", "identifier", "img_gen_enabled", "name", "strip_img_prompt_from_msg", "title",
        "visibility", "voice_id",
    ]

    /// The uploaded avatar's relative path (empty before upload).
    package var avatarRelPath: String
    /// Categories (semantics unknown; CardKit sends none).
    package var categories: [JSONValue]
    /// Whether others may copy the character.
    package var copyable: Bool
    /// The definition (≤ 32000).
    package var definition: String
    /// The short description (≤ 500).
    package var description: String
    /// The greeting (3–4096).
    package var greeting: String
    /// `id:<uuid>`: CardKit's correlation id.
    package var identifier: String
    /// The name (3–20).
    package var name: String
    /// The tagline (3–50 when set).
    package var title: String
    /// `PRIVATE`, `UNLISTED` or `PUBLIC`.
    package var visibility: String
    /// Keys the typed fields do not cover (the image-generation and voice keys when they are not defaults).
    package var additional: JSONObject

    /// Creates a character body.
    package init(
        name: String, greeting: String, title: String = "", description: String = "", definition: String = "",
        identifier: String, visibility: String = "PRIVATE", copyable: Bool = false, avatarRelPath: String = "",
        categories: [JSONValue] = [], additional: JSONObject = JSONObject()
    ) {
        self.name = name
        self.greeting = greeting
        self.title = title
        self.description = description
        self.definition = definition
        self.identifier = identifier
        self.visibility = visibility
        self.copyable = copyable
        self.avatarRelPath = avatarRelPath
        self.categories = categories
        self.additional = additional
    }

    /// Reads a create body or a character object from the API.
    /// - Throws: ``PlatformError`` with code `invalidObject`.
    package init(json: JSONValue) throws(PlatformError) {
        let reader = try JSONFieldReader(json, platform: .characterai, what: "a Character.AI character")
        let namePrimary = try reader.string("name")
        let nameFallback = try reader.string("participant__name")
        name = namePrimary ?? nameFallback ?? ""
        greeting = try reader.string("greeting") ?? ""
        title = try reader.string("title") ?? ""
        description = try reader.string("description") ?? ""
        definition = try reader.string("definition") ?? ""
        identifier = try reader.string("identifier") ?? ""
        visibility = try reader.string("visibility") ?? "PRIVATE"
        copyable = try reader.bool("copyable") ?? false
        avatarRelPath = try reader.string("avatar_rel_path") ?? ""
        categories = reader.object["categories"]?.arrayValue ?? []
        let defaults: JSONObject = [
            "base_img_prompt": "", "default_voice_id": "", "img_gen_enabled": false,
            "strip_img_prompt_from_msg": false, "voice_id": "",
        ]
        var extra = JSONObject()
        for (key, value) in reader.additional(excluding: Self.keys) { extra[key] = value }
        for (key, value) in defaults where reader.object[key] != nil && reader.object[key] != value {
            extra[key] = reader.object[key]
        }
        additional = extra
    }

    /// The body as JSON, in the order PyCharacterAI sends it.
    package var jsonValue: JSONValue {
        var object: JSONObject = [
            "avatar_rel_path": .string(avatarRelPath), "base_img_prompt": "", "categories": .array(categories),
            "copyable": .bool(copyable), "default_voice_id": "", "definition": .string(definition),
            "description": .string(description), "greeting": .string(greeting), "identifier": .string(identifier),
            "img_gen_enabled": false, "name": .string(name), "strip_img_prompt_from_msg": false,
            "title": .string(title), "visibility": .string(visibility), "voice_id": "",
        ]
        for (key, value) in additional { object[key] = value }
        return .object(object)
    }
}

/// A Character.AI persona create body (`POST plus/chat/persona/create/`, `providers.md` §5.3).
package struct CharacterAIPersona: Sendable, Hashable {
    /// The fixed description PyCharacterAI sends.
    package static let fixedDescription = "This is my persona."
    /// The fixed greeting PyCharacterAI sends.
    package static let fixedGreeting = "Hello! This is my persona"

    /// The name (3–20); also sent as `title`.
    package var name: String
    /// The persona text (≤ 750).
    package var definition: String
    /// `id:<uuid>`.
    package var identifier: String
    /// The uploaded avatar's relative path (empty before upload).
    package var avatarRelPath: String
    /// Whether the persona becomes the default (sent through `update_settings`, not in this body).
    package var isDefault: Bool

    /// Creates a persona body.
    package init(
        name: String, definition: String, identifier: String, avatarRelPath: String = "", isDefault: Bool = false
    ) {
        self.name = name
        self.definition = definition
        self.identifier = identifier
        self.avatarRelPath = avatarRelPath
        self.isDefault = isDefault
    }

    /// Reads a persona body or a persona object from the API.
    /// - Throws: ``PlatformError`` with code `invalidObject`.
    package init(json: JSONValue) throws(PlatformError) {
        let reader = try JSONFieldReader(json, platform: .characterai, what: "a Character.AI persona")
        let namePrimary = try reader.string("name")
        let nameFallback = try reader.string("participant__name")
        name = namePrimary ?? nameFallback ?? ""
        definition = try reader.string("definition") ?? ""
        let identifierPrimary = try reader.string("identifier")
        let identifierFallback = try reader.string("external_id")
        identifier = identifierPrimary ?? identifierFallback ?? ""
        avatarRelPath = try reader.string("avatar_rel_path") ?? ""
        isDefault = false
    }

    /// The create body as JSON (PyCharacterAI's keys and defaults; `title` repeats the name).
    package var jsonValue: JSONValue {
        [
            "name": .string(name), "title": .string(name), "definition": .string(definition),
            "description": .string(Self.fixedDescription), "greeting": .string(Self.fixedGreeting),
            "identifier": .string(identifier), "visibility": "PRIVATE", "copyable": false,
            "avatar_file_name": "", "avatar_rel_path": .string(avatarRelPath), "base_img_prompt": "",
            "img_gen_enabled": false, "strip_img_prompt_from_msg": false, "voice_id": "",
        ]
    }
}

package import CardKitJSON

/// A Spicychat character, in the field names of Spicychat's read and PATCH shapes (`providers.md` §2.5).
///
/// The create body is [UNVERIFIED]; this is the read shape's subset that a card can fill. ``avatar`` is the
/// image to upload (a relative path, `data:` URL or `http(s)` URL): the upload engine sends it through
/// `save-image` and the S3 PUT, then sends the returned key as `avatar_url`.
package struct SpicychatCharacter: Sendable, Hashable {
    /// The values `visibility` may take.
    package static let visibilities: [String] = ["private", "permanently_private", "hidden", "public"]
    /// Spicychat asks for at least this many tags ("Select at least 2 tags").
    package static let minimumTagCount = 2
    /// The documented key order.
    static let keys = ["name", "title", "greeting", "persona", "scenario", "dialogue", "tags", "visibility", "avatar"]

    /// The character's name.
    package var name: String
    /// A short tagline.
    package var title: String
    /// The single greeting.
    package var greeting: String
    /// The single definition field.
    package var persona: String
    /// The scenario.
    package var scenario: String
    /// Example dialogue.
    package var dialogue: String
    /// Tags (at least two).
    package var tags: [String]
    /// `private`, `permanently_private`, `hidden` or `public`.
    package var visibility: String
    /// The avatar to upload, when known.
    package var avatar: String?
    /// Keys the typed fields do not cover, kept in order after them.
    package var additional: JSONObject

    /// Creates a character.
    package init(
        name: String, title: String = "", greeting: String = "", persona: String = "", scenario: String = "",
        dialogue: String = "", tags: [String] = [], visibility: String = "private", avatar: String? = nil,
        additional: JSONObject = JSONObject()
    ) {
        self.name = name
        self.title = title
        self.greeting = greeting
        self.persona = persona
        self.scenario = scenario
        self.dialogue = dialogue
        self.tags = tags
        self.visibility = visibility
        self.avatar = avatar
        self.additional = additional
    }

    /// Reads a character object (also Spicychat's read shape, whose `persona` and `dialogue` may be lists of turns).
    /// - Throws: ``PlatformError`` with code `invalidObject` when a field has the wrong type.
    package init(json: JSONValue) throws(PlatformError) {
        let reader = try JSONFieldReader(json, platform: .spicychat, what: "a Spicychat character")
        name = try reader.requiredString("name")
        title = try reader.string("title") ?? ""
        greeting = try reader.string("greeting") ?? ""
        persona = try reader.textOrTurns("persona") ?? ""
        scenario = try reader.string("scenario") ?? ""
        dialogue = try reader.textOrTurns("dialogue") ?? ""
        tags = try reader.strings("tags") ?? []
        visibility = try reader.string("visibility") ?? "private"
        let avatarPrimary = try reader.string("avatar")
        let avatarFallback = try reader.string("avatar_url")
        avatar = avatarPrimary ?? avatarFallback
        additional = reader.additional(excluding: Self.keys + ["avatar_url"])
    }

    /// The character as JSON, in the documented key order (`avatar` only when set).
    package var jsonValue: JSONValue {
        var object: JSONObject = [
            "name": .string(name), "title": .string(title), "greeting": .string(greeting), "persona": .string(persona),
            "scenario": .string(scenario), "dialogue": .string(dialogue), "tags": .array(tags.map { .string($0) }),
            "visibility": .string(visibility),
        ]
        if let avatar { object["avatar"] = .string(avatar) }
        object.appendMissing(additional)
        return .object(object)
    }
}

/// A Spicychat persona, as `POST /personas` takes it (`providers.md` §2.4, §2.10).
///
/// ``avatar`` is the image to upload; the upload engine replaces it with the storage key in `avatar_url`.
package struct SpicychatPersona: Sendable, Hashable {
    static let keys = ["name", "highlights", "avatar", "is_default"]

    /// The persona's name.
    package var name: String
    /// The persona's description.
    package var highlights: String
    /// The avatar to upload, when known.
    package var avatar: String?
    /// Whether this is the user's default persona.
    package var isDefault: Bool

    /// Creates a persona.
    package init(name: String, highlights: String = "", avatar: String? = nil, isDefault: Bool = false) {
        self.name = name
        self.highlights = highlights
        self.avatar = avatar
        self.isDefault = isDefault
    }

    /// Reads a persona object (also Spicychat's list shape, with `avatar_url`).
    /// - Throws: ``PlatformError`` with code `invalidObject` when a field has the wrong type.
    package init(json: JSONValue) throws(PlatformError) {
        let reader = try JSONFieldReader(json, platform: .spicychat, what: "a Spicychat persona")
        name = try reader.requiredString("name")
        highlights = try reader.string("highlights") ?? ""
        let avatarPrimary = try reader.string("avatar")
        let avatarFallback = try reader.string("avatar_url")
        avatar = avatarPrimary ?? avatarFallback
        isDefault = try reader.bool("is_default") ?? false
    }

    /// The persona as JSON: `{name, highlights, avatar?, is_default}`.
    package var jsonValue: JSONValue {
        var object: JSONObject = ["name": .string(name), "highlights": .string(highlights)]
        if let avatar { object["avatar"] = .string(avatar) }
        object["is_default"] = .bool(isDefault)
        return .object(object)
    }
}

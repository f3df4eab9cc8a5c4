package import CardKitJSON

/// A Chattr character (`CharacterDetail` of the Chattr API document, `providers.md` §3.2), without the
/// server's `statistics`.
package struct ChattrCharacter: Sendable, Hashable {
    /// `configuration`: the model settings and the system prompt.
    package struct Configuration: Sendable, Hashable {
        /// The default temperature CardKit sends (the document gives none) [PROP].
        package static let defaultTemperature = JSONNumber(uncheckedLiteral: "0.7")
        /// The default maximum reply length CardKit sends (the document gives none) [PROP].
        package static let defaultMaxTokens = 1024

        /// Sampling temperature.
        package var temperature: JSONNumber
        /// Maximum tokens per reply.
        package var maxTokens: JSONNumber
        /// The system prompt.
        package var systemPrompt: String
        /// Keys the typed fields do not cover.
        package var additional: JSONObject

        /// Creates a configuration.
        package init(
            temperature: JSONNumber = Self.defaultTemperature,
            maxTokens: JSONNumber = JSONNumber(Self.defaultMaxTokens),
            systemPrompt: String = "", additional: JSONObject = JSONObject()
        ) {
            self.temperature = temperature
            self.maxTokens = maxTokens
            self.systemPrompt = systemPrompt
            self.additional = additional
        }

        /// `{temperature, max_tokens, system_prompt}`.
        package var jsonValue: JSONValue {
            var object: JSONObject = [
                "temperature": .number(temperature), "max_tokens": .number(maxTokens),
                "system_prompt": .string(systemPrompt),
            ]
            object.appendMissing(additional)
            return .object(object)
        }
    }

    static let keys = [
        "id", "name", "description", "personality", "avatar_url", "voice_model", "capabilities", "configuration",
    ]

    /// The slug id (`PUT /api/v1/characters/{id}`), when known.
    package var id: String?
    /// The character's name.
    package var name: String
    /// The description.
    package var description: String
    /// The personality, free text.
    package var personality: String
    /// An avatar URL (Chattr has no upload endpoint).
    package var avatarURL: String?
    /// The voice model, `default` unless set.
    package var voiceModel: String
    /// `text`, `voice`, `video`.
    package var capabilities: [String]
    /// Model settings and the system prompt.
    package var configuration: Configuration
    /// Keys the typed fields do not cover (for example `video_model`, `statistics`).
    package var additional: JSONObject

    /// Creates a character.
    package init(
        id: String? = nil, name: String, description: String = "", personality: String = "", avatarURL: String? = nil,
        voiceModel: String = "default", capabilities: [String] = ["text"], configuration: Configuration = .init(),
        additional: JSONObject = JSONObject()
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.personality = personality
        self.avatarURL = avatarURL
        self.voiceModel = voiceModel
        self.capabilities = capabilities
        self.configuration = configuration
        self.additional = additional
    }

    /// Reads a `CharacterSummary`, `CharacterDetail` or PUT body.
    /// - Throws: ``PlatformError`` with code `invalidObject` when a field has the wrong type.
    package init(json: JSONValue) throws(PlatformError) {
        let reader = try JSONFieldReader(json, platform: .chattr, what: "a Chattr character")
        id = try reader.string("id")
        name = try reader.requiredString("name")
        description = try reader.string("description") ?? ""
        personality = try reader.string("personality") ?? ""
        avatarURL = try reader.string("avatar_url")
        voiceModel = try reader.string("voice_model") ?? "default"
        capabilities = try reader.strings("capabilities") ?? ["text"]
        if let config = try reader.objectField("configuration") {
            let inner = JSONFieldReader(object: config, platform: .chattr, at: JSONPointer(tokens: ["configuration"]))
            configuration = Configuration(
                temperature: try inner.number("temperature") ?? Configuration.defaultTemperature,
                maxTokens: try inner.number("max_tokens") ?? JSONNumber(Configuration.defaultMaxTokens),
                systemPrompt: try inner.string("system_prompt") ?? "",
                additional: inner.additional(excluding: ["temperature", "max_tokens", "system_prompt"]))
        } else {
            configuration = Configuration()
        }
        additional = reader.additional(excluding: Self.keys)
    }

    /// The character as JSON, in the document's order (`id` and `avatar_url` only when set).
    package var jsonValue: JSONValue {
        var object = JSONObject()
        if let id { object["id"] = .string(id) }
        object["name"] = .string(name)
        object["description"] = .string(description)
        object["personality"] = .string(personality)
        if let avatarURL { object["avatar_url"] = .string(avatarURL) }
        object["voice_model"] = .string(voiceModel)
        object["capabilities"] = .array(capabilities.map { .string($0) })
        object["configuration"] = configuration.jsonValue
        object.appendMissing(additional)
        return .object(object)
    }

    /// The slug CardKit uses as the character id: lowercase ASCII letters and digits, `-` between words
    /// (`"Seraphina the Guardian"` → `seraphina-the-guardian`); `character` when nothing is left.
    package static func slug(for name: String) -> String {
        var result = ""
        var pendingDash = false
        for scalar in name.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingDash, !result.isEmpty { result.append("-") }
                pendingDash = false
                result.append(Character(scalar).lowercased())
            } else {
                pendingDash = true
            }
            if result.count >= 64 { break }
        }
        return result.isEmpty ? "character" : result
    }
}

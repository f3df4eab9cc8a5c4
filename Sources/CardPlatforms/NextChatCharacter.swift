package import CardKitJSON
import OrderedCollections

/// NextChat's `PersonalityProfile` (the "SillyTavern integration" API document, `providers.md` §4.2):
/// the card fields, including the character book and alternate greetings.
package struct NextChatPersonalityProfile: Sendable, Hashable {
    static let keys = [
        "name", "description", "personality", "scenario", "firstMes", "mesExample", "creatorcomment", "avatar", "chat",
        "viewScreen", "systemPrompt", "postHistoryInstructions", "alternateGreetings", "characterBook", "groupOnly",
        "activationGroups",
    ]

    /// The character's name.
    package var name: String
    /// The description.
    package var description: String
    /// The personality summary.
    package var personality: String
    /// The scenario.
    package var scenario: String
    /// The first message.
    package var firstMes: String
    /// Example dialogue.
    package var mesExample: String
    /// Creator notes.
    package var creatorcomment: String?
    /// An avatar reference.
    package var avatar: String?
    /// A chat reference (undefined by the document; kept as text).
    package var chat: String?
    /// A view-screen setting (undefined by the document; kept as text).
    package var viewScreen: String?
    /// The system prompt.
    package var systemPrompt: String?
    /// Post-history instructions.
    package var postHistoryInstructions: String?
    /// Alternate greetings.
    package var alternateGreetings: [String]?
    /// The character book, as the V2/V3 book object.
    package var characterBook: JSONObject?
    /// Group-only flag (not the V3 `group_only_greetings`).
    package var groupOnly: Bool?
    /// Activation groups.
    package var activationGroups: [String]?
    /// Keys the typed fields do not cover.
    package var additional: JSONObject

    /// Creates a profile.
    package init(
        name: String, description: String = "", personality: String = "", scenario: String = "", firstMes: String = "",
        mesExample: String = "", creatorcomment: String? = nil, avatar: String? = nil, chat: String? = nil,
        viewScreen: String? = nil, systemPrompt: String? = nil, postHistoryInstructions: String? = nil,
        alternateGreetings: [String]? = nil, characterBook: JSONObject? = nil, groupOnly: Bool? = nil,
        activationGroups: [String]? = nil, additional: JSONObject = JSONObject()
    ) {
        self.name = name
        self.description = description
        self.personality = personality
        self.scenario = scenario
        self.firstMes = firstMes
        self.mesExample = mesExample
        self.creatorcomment = creatorcomment
        self.avatar = avatar
        self.chat = chat
        self.viewScreen = viewScreen
        self.systemPrompt = systemPrompt
        self.postHistoryInstructions = postHistoryInstructions
        self.alternateGreetings = alternateGreetings
        self.characterBook = characterBook
        self.groupOnly = groupOnly
        self.activationGroups = activationGroups
        self.additional = additional
    }

    /// Reads a profile object.
    /// - Parameters:
    ///   - json: The `personality` object.
    ///   - pointer: Where it is, for error messages.
    /// - Throws: ``PlatformError`` with code `invalidObject`.
    package init(json: JSONValue, at pointer: JSONPointer = JSONPointer(tokens: ["personality"])) throws(PlatformError)
    {
        let reader = try JSONFieldReader(json, platform: .nextchat, at: pointer, what: "a PersonalityProfile")
        name = try reader.string("name") ?? ""
        description = try reader.string("description") ?? ""
        personality = try reader.string("personality") ?? ""
        scenario = try reader.string("scenario") ?? ""
        firstMes = try reader.string("firstMes") ?? ""
        mesExample = try reader.string("mesExample") ?? ""
        creatorcomment = try reader.string("creatorcomment")
        avatar = try reader.string("avatar")
        chat = try reader.string("chat")
        viewScreen = try reader.string("viewScreen")
        systemPrompt = try reader.string("systemPrompt")
        postHistoryInstructions = try reader.string("postHistoryInstructions")
        alternateGreetings = try reader.strings("alternateGreetings")
        characterBook = try reader.objectField("characterBook")
        groupOnly = try reader.bool("groupOnly")
        activationGroups = try reader.strings("activationGroups")
        additional = reader.additional(excluding: Self.keys)
    }

    /// The profile as JSON, in the document's key order; optional keys only when set.
    package var jsonValue: JSONValue {
        var object: JSONObject = [
            "name": .string(name), "description": .string(description), "personality": .string(personality),
            "scenario": .string(scenario), "firstMes": .string(firstMes), "mesExample": .string(mesExample),
        ]
        if let creatorcomment { object["creatorcomment"] = .string(creatorcomment) }
        if let avatar { object["avatar"] = .string(avatar) }
        if let chat { object["chat"] = .string(chat) }
        if let viewScreen { object["viewScreen"] = .string(viewScreen) }
        if let systemPrompt { object["systemPrompt"] = .string(systemPrompt) }
        if let postHistoryInstructions { object["postHistoryInstructions"] = .string(postHistoryInstructions) }
        if let alternateGreetings { object["alternateGreetings"] = .array(alternateGreetings.map { .string($0) }) }
        if let characterBook { object["characterBook"] = .object(characterBook) }
        if let groupOnly { object["groupOnly"] = .bool(groupOnly) }
        if let activationGroups { object["activationGroups"] = .array(activationGroups.map { .string($0) }) }
        object.appendMissing(additional)
        return .object(object)
    }
}

/// NextChat's `CreateCharacterRequest` (`POST /api/characters`): what a card converts to.
package struct NextChatCreateRequest: Sendable, Hashable {
    static let keys = ["name", "description", "personality", "avatar", "voice", "isPublic", "tags"]

    /// The character's name.
    package var name: String
    /// The description.
    package var description: String
    /// The profile with every card field.
    package var personality: NextChatPersonalityProfile
    /// The avatar: a `data:` URL or a URL.
    package var avatar: String?
    /// `VoiceSettings` (undefined by the document; passed through).
    package var voice: JSONValue?
    /// Whether the character is public (`false` unless set).
    package var isPublic: Bool?
    /// Tags.
    package var tags: [String]?
    /// Keys the typed fields do not cover.
    package var additional: JSONObject

    /// Creates a request.
    package init(
        name: String, description: String = "", personality: NextChatPersonalityProfile, avatar: String? = nil,
        voice: JSONValue? = nil, isPublic: Bool? = false, tags: [String]? = [], additional: JSONObject = JSONObject()
    ) {
        self.name = name
        self.description = description
        self.personality = personality
        self.avatar = avatar
        self.voice = voice
        self.isPublic = isPublic
        self.tags = tags
        self.additional = additional
    }

    /// Reads a request (or a `Character`, whose extra keys land in ``additional``).
    /// - Throws: ``PlatformError`` with code `invalidObject`.
    package init(json: JSONValue) throws(PlatformError) {
        let reader = try JSONFieldReader(json, platform: .nextchat, what: "a NextChat character")
        name = try reader.requiredString("name")
        description = try reader.string("description") ?? ""
        guard let profile = reader.object["personality"] else {
            throw .invalidObject(
                .nextchat, at: JSONPointer(tokens: ["personality"]), "missing required `personality` profile")
        }
        personality = try NextChatPersonalityProfile(json: profile)
        avatar = try reader.string("avatar")
        voice = reader.object["voice"]
        isPublic = try reader.bool("isPublic")
        tags = try reader.strings("tags")
        additional = reader.additional(excluding: Self.keys)
    }

    /// The request as JSON, in the document's key order; optional keys only when set.
    package var jsonValue: JSONValue {
        var object: JSONObject = [
            "name": .string(name), "description": .string(description), "personality": personality.jsonValue,
        ]
        if let avatar { object["avatar"] = .string(avatar) }
        if let voice { object["voice"] = voice }
        if let isPublic { object["isPublic"] = .bool(isPublic) }
        if let tags { object["tags"] = .array(tags.map { .string($0) }) }
        object.appendMissing(additional)
        return .object(object)
    }
}

/// NextChat's `Character` as the server returns it: a create request plus server-assigned fields.
package struct NextChatCharacter: Sendable, Hashable {
    /// Keys the server assigns; a create request does not carry them.
    package static let serverAssignedKeys = [
        "id", "createdAt", "updatedAt", "isActive", "usageCount", "creatorId", "groupId", "version", "created",
        "uploadUrls", "statistics", "permissions", "relatedCharacters",
    ]

    /// The server's id (a UUID).
    package var id: String?
    /// The request fields (name, description, profile, avatar, voice, isPublic, tags).
    package var request: NextChatCreateRequest
    /// The top-level `firstMes` (a copy of the profile's).
    package var firstMes: String?
    /// The top-level `mesExample` (a copy of the profile's).
    package var mesExample: String?
    /// The undefined `Scenario` object, passed through.
    package var scenario: JSONValue?
    /// The server-assigned values other than `id` (`createdAt`, `usageCount`, …), in order.
    package var server: JSONObject

    /// Reads a `Character` (or a `CharacterResponse`/`CharacterDetailResponse`).
    /// - Throws: ``PlatformError`` with code `invalidObject`.
    package init(json: JSONValue) throws(PlatformError) {
        var request = try NextChatCreateRequest(json: json)
        let reader = JSONFieldReader(object: request.additional, platform: .nextchat, at: JSONPointer())
        id = try reader.string("id")
        firstMes = try reader.string("firstMes")
        mesExample = try reader.string("mesExample")
        scenario = request.additional["scenario"]
        var server = JSONObject()
        var rest = JSONObject()
        for (key, value) in request.additional {
            if key == "id" || key == "firstMes" || key == "mesExample" || key == "scenario" { continue }
            if Self.serverAssignedKeys.contains(key) { server[key] = value } else { rest[key] = value }
        }
        request.additional = rest
        self.request = request
        self.server = server
    }

    /// The character as JSON in the `Character` type's order: `id`, `name`, `description`, server dates,
    /// `personality`, `scenario`, `firstMes`, `mesExample`, `avatar`, `voice`, `tags`, `isPublic`, then the rest.
    package var jsonValue: JSONValue {
        var object = JSONObject()
        if let id { object["id"] = .string(id) }
        object["name"] = .string(request.name)
        object["description"] = .string(request.description)
        for key in ["createdAt", "updatedAt"] { if let value = server[key] { object[key] = value } }
        object["personality"] = request.personality.jsonValue
        if let scenario { object["scenario"] = scenario }
        if let firstMes { object["firstMes"] = .string(firstMes) }
        if let mesExample { object["mesExample"] = .string(mesExample) }
        if let avatar = request.avatar { object["avatar"] = .string(avatar) }
        if let voice = request.voice { object["voice"] = voice }
        if let tags = request.tags { object["tags"] = .array(tags.map { .string($0) }) }
        if let isPublic = request.isPublic { object["isPublic"] = .bool(isPublic) }
        object.appendMissing(server)
        object.appendMissing(request.additional)
        return .object(object)
    }
}

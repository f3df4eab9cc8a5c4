/// The schemas CardKit ships, built from the repository's `schemas/` folder.
///
/// Card-format schemas exist in two profiles (``CardSchemaProfile``); platform schemas have one.
public enum CardSchemaName: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A V1 card (six fields at the root).
    case v1
    /// A V2 card (`chara_card_v2`).
    case v2
    /// A V3 card (`chara_card_v3`).
    case v3
    /// A V2 character book (`data.character_book`).
    case bookV2 = "book-v2"
    /// One V2 character book entry.
    case bookEntryV2 = "book-entry-v2"
    /// A V3 lorebook.
    case bookV3 = "book-v3"
    /// One V3 lorebook entry.
    case bookEntryV3 = "book-entry-v3"
    /// A standalone V3 lorebook file (`lorebook_v3`).
    case lorebookV3 = "lorebook-v3"
    /// A SillyTavern World Info file.
    case worldInfo = "worldinfo"
    /// A CardKit persona file.
    case persona
    /// A Spicychat character.
    case spicychatCharacter = "spicychat-character"
    /// A Spicychat persona.
    case spicychatPersona = "spicychat-persona"
    /// A Chattr character.
    case chattrCharacter = "chattr-character"
    /// A NextChat character with its `PersonalityProfile`.
    case nextchatCharacter = "nextchat-character"
    /// A NextChat `CreateCharacterRequest`.
    case nextchatCreateCharacterRequest = "nextchat-create-character-request"
    /// A Character.AI character (create body).
    case characterAICharacter = "characterai-character"
    /// A Character.AI persona (create body).
    case characterAIPersona = "characterai-persona"

    /// Looks a schema up by its name or an alias (`card-v2`, `book`, `lorebook`, `world-info`, …), ignoring case.
    /// - Parameter name: The name as a user typed it.
    public init?(name: String) {
        let lowered = name.lowercased()
        if let exact = CardSchemaName(rawValue: lowered) {
            self = exact
            return
        }
        switch lowered {
        case "card-v1", "chara_card_v1": self = .v1
        case "card-v2", "chara_card_v2": self = .v2
        case "card-v3", "chara_card_v3": self = .v3
        case "book", "character-book", "character_book": self = .bookV2
        case "lorebook", "book-v3-file": self = .lorebookV3
        case "world-info", "world_info", "wi": self = .worldInfo
        case "entry-v2": self = .bookEntryV2
        case "entry-v3": self = .bookEntryV3
        case "nextchat-create-request", "nextchat-create": self = .nextchatCreateCharacterRequest
        case "character.ai-character", "cai-character": self = .characterAICharacter
        case "character.ai-persona", "cai-persona": self = .characterAIPersona
        default: return nil
        }
    }

    /// Whether the schema has a strict and a lenient profile (card formats) or only one (platform formats).
    public var hasProfiles: Bool { platformFileName == nil }

    /// The path of the schema file inside `schemas/`, for example `strict/card-v2.json`.
    /// - Parameter profile: The profile; ignored for platform schemas.
    /// - Returns: The relative path.
    package func path(profile: CardSchemaProfile) -> String {
        if let platformFileName { return "platforms/\(platformFileName)" }
        return "\(profile.rawValue)/\(profileFileName)"
    }

    /// The schema's `$id`, for example `https://cardkit.dev/schemas/strict/card-v2.json`.
    /// - Parameter profile: The profile; ignored for platform schemas.
    /// - Returns: The absolute URI.
    public func id(profile: CardSchemaProfile) -> String {
        CardSchemaCatalog.baseURI + path(profile: profile)
    }

    /// The schema's name (the raw value).
    public var description: String { rawValue }

    private var profileFileName: String {
        switch self {
        case .v1: "card-v1.json"
        case .v2: "card-v2.json"
        case .v3: "card-v3.json"
        default: "\(rawValue).json"
        }
    }

    private var platformFileName: String? {
        switch self {
        case .spicychatCharacter, .spicychatPersona, .chattrCharacter, .nextchatCharacter,
            .nextchatCreateCharacterRequest, .characterAICharacter, .characterAIPersona:
            "\(rawValue).json"
        case .v1, .v2, .v3, .bookV2, .bookEntryV2, .bookV3, .bookEntryV3, .lorebookV3, .worldInfo, .persona: nil
        }
    }
}

/// Which reading of the card specs a schema enforces.
public enum CardSchemaProfile: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The specs exactly (for example a V2 book must have `extensions`; `talkativeness` must be a number).
    /// Most cards written by real tools fail it.
    case strict
    /// What SillyTavern and RisuAI accept in practice (a book without `extensions`, `talkativeness: "0.5"`,
    /// `tags: ""`, a numeric `character_version`, a V3 card without `group_only_greetings`).
    case lenient

    /// The profile's name as `--profile` takes it (the raw value).
    public var description: String { rawValue }
}

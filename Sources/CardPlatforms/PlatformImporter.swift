public import CardKitJSON
public import CardModel
import OrderedCollections

/// Imports platform characters back into V3 cards, so a character can move between platforms through CardKit.
///
/// Values a card has no field for are kept under `data.extensions.<platform>` (`nextchat`, `chattr`), and the
/// converter puts them back: NextChat → V3 → NextChat gives the same `CreateCharacterRequest`.
public enum PlatformImporter {
    /// Imports a platform character object as a V3 card.
    /// - Parameters:
    ///   - json: The platform object (NextChat `CreateCharacterRequest` or `Character`; Chattr `CharacterDetail`).
    ///   - platform: The platform it came from.
    /// - Returns: A V3 card.
    /// - Throws: ``PlatformError`` (`importNotSupported` for Spicychat and Character.AI, `invalidObject` for a
    ///   malformed object).
    public static func importCharacter(_ json: JSONValue, from platform: Platform) throws(PlatformError) -> Card {
        guard let importCharacter = platform.descriptor.importCharacter else { throw .importNotSupported(platform) }
        return try importCharacter(json)
    }

    // MARK: - NextChat

    /// Profile keys that map to card fields.
    private static let nextChatMappedProfileKeys = [
        "personality", "scenario", "firstMes", "mesExample", "creatorcomment", "systemPrompt",
        "postHistoryInstructions", "alternateGreetings", "characterBook",
    ]
    /// Optional profile keys whose absence is recorded, so the round trip does not add them.
    private static let nextChatOptionalProfileKeys = [
        "creatorcomment", "systemPrompt", "postHistoryInstructions", "alternateGreetings",
    ]

    /// Imports a NextChat `CreateCharacterRequest` or `Character`.
    /// - Throws: ``PlatformError`` with code `invalidObject`.
    package static func importNextChat(_ json: JSONValue) throws(PlatformError) -> Card {
        let request = try NextChatCreateRequest(json: json)
        let root = json.objectValue ?? JSONObject()
        let profileObject = root["personality"]?.objectValue ?? JSONObject()
        let profile = request.personality

        var card = Card(spec: .v3, name: request.name)
        card.description = request.description
        card.personality = profile.personality
        card.scenario = profile.scenario
        card.firstMessage = profile.firstMes
        card.messageExamples = profile.mesExample
        card.creatorNotes = profile.creatorcomment ?? ""
        card.systemPrompt = profile.systemPrompt ?? ""
        card.postHistoryInstructions = profile.postHistoryInstructions ?? ""
        card.alternateGreetings = profile.alternateGreetings ?? []
        card.tags = request.tags ?? []
        if let book = profile.characterBook { card.characterBook = CharacterBook(object: book) }

        var keptProfile = JSONObject()
        for (key, value) in profileObject where !nextChatMappedProfileKeys.contains(key) {
            if key == "name", value.stringValue == request.name { continue }
            if key == "description", value.stringValue == request.description { continue }
            keptProfile[key] = value
        }
        var keptRequest = JSONObject()
        for (key, value) in root where !["name", "description", "personality", "tags"].contains(key) {
            if key == "firstMes", value.stringValue == profile.firstMes { continue }
            if key == "mesExample", value.stringValue == profile.mesExample { continue }
            if key == "avatar", let uri = value.stringValue, let asset = iconAsset(for: uri) {
                card[field: "assets"] = .array([.object(asset.object)])
                continue
            }
            keptRequest[key] = value
        }
        var omitted: [JSONValue] = []
        for key in nextChatOptionalProfileKeys where profileObject[key] == nil {
            omitted.append(.string("personality/\(key)"))
        }
        for key in ["isPublic", "tags"] where root[key] == nil { omitted.append(.string(key)) }

        var stash = JSONObject()
        if !keptRequest.isEmpty { stash["request"] = .object(keptRequest) }
        if !keptProfile.isEmpty { stash["personality"] = .object(keptProfile) }
        if !omitted.isEmpty { stash["omitted"] = .array(omitted) }
        if !stash.isEmpty {
            var extensions = card.extensions
            extensions[NextChatStash.key] = .object(stash)
            card.extensions = extensions
        }
        return card
    }

    // MARK: - Chattr

    /// The `extensions` key for Chattr values a card has no field for.
    static let chattrStashKey = "chattr"

    /// Imports a Chattr `CharacterSummary` or `CharacterDetail`.
    /// - Throws: ``PlatformError`` with code `invalidObject`.
    package static func importChattr(_ json: JSONValue) throws(PlatformError) -> Card {
        let character = try ChattrCharacter(json: json)
        let root = json.objectValue ?? JSONObject()
        var card = Card(spec: .v3, name: character.name)
        card.description = character.description
        card.personality = character.personality
        card.systemPrompt = character.configuration.systemPrompt

        var stash = JSONObject()
        for (key, value) in root where !["name", "description", "personality", "configuration"].contains(key) {
            if key == "avatar_url", let uri = value.stringValue, ImageReference.isWebURL(uri),
                let asset = iconAsset(for: uri)
            {
                card[field: "assets"] = .array([.object(asset.object)])
                continue
            }
            stash[key] = value
        }
        if let configuration = root["configuration"]?.objectValue {
            var kept = JSONObject()
            for (key, value) in configuration where key != "system_prompt" { kept[key] = value }
            if !kept.isEmpty { stash["configuration"] = .object(kept) }
        }
        if !stash.isEmpty {
            var extensions = card.extensions
            extensions[chattrStashKey] = .object(stash)
            card.extensions = extensions
        }
        return card
    }

    // MARK: - Helpers

    /// A main icon asset for a `data:` or `http(s)` avatar, or `nil` for anything else.
    static func iconAsset(for uri: String) -> CardAsset? {
        if uri.hasPrefix("data:") {
            let mime = uri.dropFirst(5).prefix { $0 != ";" && $0 != "," }
            let ext = mime.split(separator: "/").last.map { String($0).lowercased() } ?? "png"
            return CardAsset(type: "icon", uri: uri, name: "main", ext: ext == "jpeg" ? "jpg" : ext)
        }
        guard ImageReference.isWebURL(uri) else { return nil }
        let path = uri.split(separator: "?").first.map(String.init) ?? uri
        let last = path.split(separator: "/").last ?? ""
        let ext = last.contains(".") ? String(last.split(separator: ".").last ?? "png").lowercased() : "png"
        return CardAsset(type: "icon", uri: uri, name: "main", ext: ext)
    }
}

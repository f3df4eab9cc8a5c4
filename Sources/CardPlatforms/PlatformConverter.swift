import CardKitJSON
public import CardModel
import OrderedCollections

/// Converts cards and personas into platform objects, with a report of every loss.
///
/// Pipeline for a card:
/// 1. Normalize the card to V3 (``Card/converted(to:options:)``), so every spec converts the same way.
/// 2. Map the fields the platform holds (`providers.md` §2.9, §3.4, §4.4, §5.5), enforcing its limits; each
///    merge, cut, coercion and unmet limit is reported at the field's pointer in the **original** document.
/// 3. Report every remaining non-empty field, `extensions` key, extra asset and non-card root key as dropped.
///
/// ```swift
/// let card = try CardReader.read(bytes).card
/// let result = PlatformConverter.convert(card, to: .spicychat)
/// print(result.report.summary)  // "spicychat: 3 losses (2 dropped, 1 merged)"
/// ```
public enum PlatformConverter {
    /// Converts a card of any spec for a platform.
    /// - Parameters:
    ///   - card: The card, as read.
    ///   - platform: The target platform.
    ///   - options: Avatar, visibility and other choices.
    /// - Returns: The platform object and its loss report.
    public static func convert(
        _ card: Card, to platform: Platform, options: PlatformConversionOptions = PlatformConversionOptions()
    )
        -> PlatformConversion
    {
        convert(card, normalized: card.converted(to: .v3).card, to: platform, options: options)
    }

    /// Converts a card for several platforms, normalizing it to V3 once for all of them.
    ///
    /// Each result is exactly what ``convert(_:to:options:)-(Card,_,_)`` gives for that platform; the V3
    /// normalization, most of a conversion's work, is shared.
    /// - Parameters:
    ///   - card: The card, as read.
    ///   - platforms: The target platforms, in the order of the results.
    ///   - options: Avatar, visibility and other choices, the same for every platform.
    /// - Returns: One platform object and loss report per platform, in the order given.
    public static func convert(
        _ card: Card, to platforms: [Platform], options: PlatformConversionOptions = PlatformConversionOptions()
    ) -> [PlatformConversion] {
        let normalized = card.converted(to: .v3).card
        return platforms.map { convert(card, normalized: normalized, to: $0, options: options) }
    }

    /// Converts `card`, of which `normalized` is the V3 form, for one platform.
    private static func convert(
        _ card: Card, normalized: Card, to platform: Platform, options: PlatformConversionOptions
    ) -> PlatformConversion {
        var context = CardLossContext(original: card, normalized: normalized, platform: platform, options: options)
        let output = platform.descriptor.convertCharacter(&context)
        context.reportRemaining()
        return PlatformConversion(output: output, report: context.report, avatar: context.avatar)
    }

    /// Converts a persona for a platform that has personas (Spicychat, Character.AI).
    /// - Parameters:
    ///   - persona: The persona.
    ///   - platform: The target platform.
    ///   - options: Avatar and other choices.
    /// - Returns: The platform persona and its loss report.
    /// - Throws: ``PlatformError/personasNotSupported(_:)`` for Chattr and NextChat, which have no personas.
    public static func convert(
        _ persona: Persona, to platform: Platform, options: PlatformConversionOptions = PlatformConversionOptions()
    )
        throws(PlatformError) -> PlatformConversion
    {
        guard let convertPersona = platform.descriptor.convertPersona else { throw .personasNotSupported(platform) }
        var report = LossReport(platform: platform)
        var personaOptions = options
        personaOptions.avatar = options.avatar ?? persona.avatar
        let output = convertPersona(persona, personaOptions, &report)
        reportPersonaRemainder(persona, into: &report)
        return PlatformConversion(output: output, report: report, avatar: personaOptions.avatar)
    }

    /// Reports the persona fields neither persona platform holds.
    private static func reportPersonaRemainder(_ persona: Persona, into report: inout LossReport) {
        let name = report.targetDisplayName
        for (key, value) in persona.document {
            let pointer = JSONPointer(tokens: [key])
            switch key {
            case "type", "version", "name", "description", "avatar": continue
            case "title":
                if !value.isEmptyValue { report.append(.dropped, pointer, "\(name) personas have no title") }
            case "extensions":
                for (extensionKey, extensionValue) in value.objectValue ?? JSONObject() {
                    let extensionPointer = pointer.appending(extensionKey)
                    guard extensionKey == Persona.sillyTavernKey, let st = extensionValue.objectValue else {
                        if !extensionValue.isEmptyValue {
                            report.append(.dropped, extensionPointer, "\(name) personas have no extension data")
                        }
                        continue
                    }
                    for (stKey, stValue) in st {
                        let stPointer = extensionPointer.appending(stKey)
                        switch stKey {
                        case "avatar_id", "is_default": continue
                        case "position", "depth", "role":
                            let defaults: [String: Int] = ["position": 0, "depth": 2, "role": 0]
                            if stValue.numberValue?.intValue == defaults[stKey] { continue }
                            report.append(
                                .dropped, stPointer,
                                "\(name) personas have no prompt placement (SillyTavern `\(stKey)`)")
                        case "lorebook":
                            if !stValue.isEmptyValue {
                                report.append(.dropped, stPointer, "\(name) personas have no lorebook")
                            }
                        case "connections":
                            if !stValue.isEmptyValue {
                                report.append(
                                    .dropped, stPointer,
                                    "\(name) personas cannot be bound to characters when they are created")
                            }
                        default:
                            if !stValue.isEmptyValue {
                                report.append(
                                    .dropped, stPointer, "\(name) personas have no field for SillyTavern `\(stKey)`")
                            }
                        }
                    }
                }
            default:
                if !value.isEmptyValue {
                    report.append(.dropped, pointer, "\(name) personas have no field for `\(key)`")
                }
            }
        }
    }
}

// MARK: - Card loss bookkeeping

/// Tracks which card fields a mapping used, and reports the rest at their original pointers (internal).
struct CardLossContext {
    let original: Card
    /// The card normalized to V3.
    let card: Card
    let platform: Platform
    let options: PlatformConversionOptions
    var report: LossReport
    /// Fields the mapping has dealt with (carried or reported).
    private(set) var handled: Set<String> = []
    /// `extensions` keys the mapping consumed.
    var consumedExtensions: Set<String> = []
    /// Indices of assets the mapping used.
    var usedAssets: Set<Int> = []
    /// The avatar reference chosen for the output.
    var avatar: String?

    /// Starts the bookkeeping for `original`, whose V3 form is `normalized`.
    init(original: Card, normalized: Card, platform: Platform, options: PlatformConversionOptions) {
        self.original = original
        self.card = normalized
        self.platform = platform
        self.options = options
        self.report = LossReport(platform: platform)
        self.avatar = options.avatar
        if avatar == nil, let (index, uri) = mainIconURI(), uri.hasPrefix("data:") || ImageReference.isWebURL(uri) {
            avatar = uri
            usedAssets.insert(index)
        }
    }

    /// The index and URI of the main icon asset, when the card lists one.
    func mainIconURI() -> (Int, String)? {
        guard let assets = card.fields["assets"]?.arrayValue else { return nil }
        for (index, value) in assets.enumerated() {
            let asset = CardAsset(object: value.objectValue ?? JSONObject())
            if asset.type == "icon", asset.name == "main" || assets.count == 1 { return (index, asset.uri) }
        }
        return nil
    }

    /// The pointer of a card field in the original document.
    func pointer(_ field: String) -> JSONPointer {
        switch original.shape {
        case .v1:
            return JSONPointer(tokens: [field == "creator_notes" ? "creatorcomment" : field])
        case .flatV2:
            return JSONPointer(tokens: [field])
        case .v2, .v3, .unknownSpec:
            if original.fields[field] == nil,
                original.extensions[CardFields.v3StashKey]?.objectValue?["fields"]?.objectValue?[field] != nil
            {
                return JSONPointer(tokens: ["data", "extensions", CardFields.v3StashKey, "fields", field])
            }
            return JSONPointer(tokens: ["data", field])
        }
    }

    /// The pointer of an `extensions` key in the original document.
    func extensionPointer(_ key: String) -> JSONPointer {
        original.shape == .v1 ? JSONPointer(tokens: ["extensions", key]) : pointer("extensions").appending(key)
    }

    /// Marks fields as dealt with.
    mutating func handle(_ fields: String...) { handled.formUnion(fields) }

    /// Whether a field has a non-empty value.
    func has(_ field: String) -> Bool { !(card.fields[field]?.isEmptyValue ?? true) }

    mutating func add(
        _ kind: LossEntry.Kind, _ field: String, _ reason: String, target: String? = nil,
        option: PlatformConversionOption? = nil
    ) {
        report.append(kind, pointer(field), reason, target: target, option: option)
    }

    /// Reports an empty name, which every platform rejects (Character.AI's 3-character minimum is checked
    /// by its mapping).
    mutating func requireName() {
        if card.name.trimmingWhitespace().isEmpty {
            add(.limit, "name", "\(platform.displayName) requires a name; the card's is empty", target: "name")
        }
    }

    /// Reports a field as merged into `target` when it is non-empty, and marks it handled.
    mutating func merge(_ field: String, into target: String, _ reason: String) {
        handle(field)
        if has(field) { add(.merged, field, reason, target: target) }
    }

    /// Reports a field as dropped when it is non-empty, and marks it handled.
    mutating func drop(_ field: String, _ reason: String, option: PlatformConversionOption? = nil) {
        handle(field)
        if has(field) { add(.dropped, field, reason, option: option) }
    }

    /// Reports every field, extension, asset and root key the mapping did not deal with.
    mutating func reportRemaining() {
        let name = platform.displayName
        for (key, value) in card.fields where !handled.contains(key) {
            switch key {
            case "extensions":
                for (extensionKey, extensionValue) in value.objectValue ?? JSONObject()
                where !consumedExtensions.contains(extensionKey) && !extensionValue.isEmptyValue {
                    report.append(
                        .dropped, extensionPointer(extensionKey),
                        "\(name) has no place for extension data (`extensions.\(extensionKey)`)")
                }
            case "assets":
                for (index, asset) in (value.arrayValue ?? []).enumerated() where !usedAssets.contains(index) {
                    let object = CardAsset(object: asset.objectValue ?? JSONObject())
                    if object.uri == "ccdefault:" { continue }
                    report.append(
                        .dropped, pointer("assets").appending(index),
                        "\(name) has no place for the \(object.type.isEmpty ? "untyped" : object.type) asset `\(object.name)`"
                    )
                }
            default:
                guard !value.isEmptyValue else { continue }
                report.append(.dropped, pointer(key), Self.dropReason(key, platform: platform))
            }
        }
        for (key, value) in card.document where !["spec", "spec_version", "data"].contains(key) {
            if value.isEmptyValue { continue }
            if key == "creatorcomment", CardFieldDefaultsBridge.text(value) == card.creatorNotes { continue }
            if key == "tags", original.shape == .v1 || CardFieldDefaultsBridge.texts(value) == card.tags { continue }
            report.append(
                .dropped, JSONPointer(tokens: [key]), "`\(key)` is not a card field; \(name) has no place for it")
        }
    }

    /// Why a card field is dropped, in the words of `providers.md`.
    static func dropReason(_ field: String, platform: Platform) -> String {
        let name = platform.displayName
        switch field {
        case "alternate_greetings": return "\(name) has a single greeting; alternate greetings are not carried"
        case "group_only_greetings": return "\(name) has no group-only greetings"
        case "character_book":
            return platform == .spicychat
                ? "Spicychat lorebooks exist, but no write API is known; the lorebook is not carried"
                : "\(name) has no lorebook; the character book is not carried"
        case "system_prompt": return "\(name) has no system prompt field"
        case "post_history_instructions": return "\(name) has no post-history instructions"
        case "first_mes": return "\(name) characters have no greeting"
        case "mes_example": return "\(name) has no example-dialogue field"
        case "scenario": return "\(name) has no scenario field"
        case "tags": return "\(name) has no tags"
        case "creator_notes": return "\(name) has no creator notes"
        case "creator": return "\(name) has no creator field"
        case "character_version": return "\(name) has no character version"
        case "nickname": return "\(name) has no nickname field"
        case "creator_notes_multilingual": return "\(name) has no multilingual creator notes"
        case "source": return "\(name) has no source list"
        case "creation_date", "modification_date": return "\(name) sets its own dates"
        default: return "`\(field)` is not a \(name) field"
        }
    }
}

/// Lenient readings matching `Card`'s accessors, for comparing root copies with `data` (internal).
enum CardFieldDefaultsBridge {
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .rawString(let raw): return raw.value
        case .number(let number): return number.literal
        default: return nil
        }
    }

    static func texts(_ value: JSONValue) -> [String]? {
        if let text = value.stringValue {
            return text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        return value.arrayValue?.compactMap(text)
    }
}

/// Where an avatar or asset reference points: an `http(s)` URL, a `data:` URL or a file path.
package enum ImageReference {
    /// Whether an image reference is an `http(s)` URL.
    /// - Parameter text: An avatar or asset reference.
    /// - Returns: `true` for `http://…` and `https://…`.
    package static func isWebURL(_ text: String) -> Bool { text.hasPrefix("https://") || text.hasPrefix("http://") }

    /// Whether an image reference is a file path (relative to the file that names it) rather than a `data:` or
    /// `http(s)` URL.
    /// - Parameter text: An avatar or asset reference.
    /// - Returns: `true` for a path.
    package static func isLocalPath(_ text: String) -> Bool { !text.hasPrefix("data:") && !isWebURL(text) }
}

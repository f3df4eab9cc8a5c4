/// A character card specification.
public enum CardSpec: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// V1: six string fields at the root of the JSON.
    case v1
    /// V2: `{"spec": "chara_card_v2", "spec_version": "2.0", "data": {…}}`.
    case v2
    /// V3: `{"spec": "chara_card_v3", "spec_version": "3.0", "data": {…}}`.
    case v3

    /// The value of the `spec` key (`nil` for V1, which has none).
    public var specIdentifier: String? {
        switch self {
        case .v1: nil
        case .v2: "chara_card_v2"
        case .v3: "chara_card_v3"
        }
    }

    /// The value of the `spec_version` key (`nil` for V1).
    public var specVersion: String? {
        switch self {
        case .v1: nil
        case .v2: "2.0"
        case .v3: "3.0"
        }
    }

    /// The spec's name as cards write it (the raw value).
    public var description: String { rawValue }
}

/// The layout a card was found in, which can differ from its spec.
public enum CardShape: String, Sendable, Hashable, CustomStringConvertible {
    /// V1: the fields at the root.
    case v1
    /// V2 with `spec`/`data`.
    case v2
    /// V3 with `spec`/`data`.
    case v3
    /// V2 fields at the root without `spec`/`data` (written by some older tools).
    case flatV2 = "flat-v2"
    /// A `spec` value other than V2 or V3; `data` is read as V2, as SillyTavern does.
    case unknownSpec = "unknown-spec"

    /// The spec the card is read as.
    public var spec: CardSpec {
        switch self {
        case .v1: .v1
        case .v2, .flatV2, .unknownSpec: .v2
        case .v3: .v3
        }
    }

    /// Whether the card fields sit in a `data` object (true) or at the root (false).
    public var hasDataObject: Bool {
        switch self {
        case .v2, .v3, .unknownSpec: true
        case .v1, .flatV2: false
        }
    }

    /// The shape's name as `inspect` shows it (the raw value).
    public var description: String { rawValue }
}

/// Field names of the specs, in the order the specs list them.
package enum CardFields {
    /// The six V1 fields, which SillyTavern also repeats at the root of V2/V3 cards.
    package static let v1: [String] = ["name", "description", "personality", "scenario", "first_mes", "mes_example"]

    /// The string fields of V2 `data`.
    package static let v2Strings: [String] =
        v1 + ["creator_notes", "system_prompt", "post_history_instructions", "creator", "character_version"]

    /// Every V2 `data` field, in spec order.
    package static let v2: [String] =
        v1 + [
            "creator_notes", "system_prompt", "post_history_instructions", "alternate_greetings", "character_book",
            "tags", "creator", "character_version", "extensions",
        ]

    /// The fields V3 adds to V2 `data`, in spec order.
    package static let v3Only: [String] = [
        "assets", "nickname", "creator_notes_multilingual", "source", "group_only_greetings", "creation_date",
        "modification_date",
    ]

    /// Names that exist only in V2 and later: their presence at the root without `spec` means flat V2.
    package static let v2OnlyRootMarkers: [String] = [
        "system_prompt", "post_history_instructions", "alternate_greetings", "creator_notes", "character_version",
        "extensions",
    ]

    /// Fields whose value is an array of strings.
    package static let stringArrays: Set<String> = ["alternate_greetings", "tags", "group_only_greetings", "source"]

    /// The `data.extensions` key under which a V3 → V2 downgrade keeps the V3-only fields.
    package static let v3StashKey = "cardkit_v3"
}

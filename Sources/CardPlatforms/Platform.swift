/// A platform CardKit converts characters and personas for.
public enum Platform: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Spicychat (unofficial API; `providers.md` §2).
    case spicychat
    /// Chattr (document-only REST API; `providers.md` §3).
    case chattr
    /// NextChat's "SillyTavern integration" API (`providers.md` §4).
    case nextchat
    /// Character.AI (unofficial API; `providers.md` §5).
    case characterai

    /// The platform's name for messages, for example "Character.AI".
    public var displayName: String {
        switch self {
        case .spicychat: "Spicychat"
        case .chattr: "Chattr"
        case .nextchat: "NextChat"
        case .characterai: "Character.AI"
        }
    }

    /// Whether the platform has user personas (Spicychat and Character.AI do; Chattr and NextChat do not).
    public var supportsPersonas: Bool {
        switch self {
        case .spicychat, .characterai: true
        case .chattr, .nextchat: false
        }
    }

    /// The platform's name as `--to` takes it (the raw value).
    public var description: String { rawValue }
}

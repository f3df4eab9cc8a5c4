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

    /// Everything CardKit knows about the platform; the one place a new platform is wired in.
    ///
    /// The switch is exhaustive on purpose: a new case does not compile until it has a descriptor.
    public var descriptor: PlatformDescriptor {
        switch self {
        case .spicychat: .spicychat
        case .chattr: .chattr
        case .nextchat: .nextchat
        case .characterai: .characterAI
        }
    }

    /// The platform's name for messages, for example "Character.AI".
    public var displayName: String { descriptor.displayName }

    /// Whether the platform has user personas (Spicychat and Character.AI do; Chattr and NextChat do not).
    public var supportsPersonas: Bool { descriptor.accepts.contains(.persona) }

    /// The platform's name (the raw value), as the command line and file names spell it.
    public var description: String { rawValue }
}

/// What a card, book or persona can be converted to: a card spec, a container, a lorebook file or another
/// platform's format.
public enum ConversionTarget: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A card JSON file of this spec.
    case card(CardSpec)
    /// A PNG with the card in `chara` (V2) and `ccv3` (V3) text chunks.
    case png
    /// A CharX archive (`card.json` plus assets).
    case charx
    /// A standalone V3 lorebook (`spec: lorebook_v3`).
    case book
    /// A SillyTavern World Info file.
    case worldInfo
    /// Another platform's character or persona object.
    case platform(Platform)

    /// Every target, in the order `convert --help` lists them.
    public static var allCases: [ConversionTarget] {
        [.card(.v1), .card(.v2), .card(.v3), .png, .charx, .book, .worldInfo] + Platform.allCases.map { .platform($0) }
    }

    /// The target's name on the command line and in the HTTP API: `v1`, `v2`, `v3`, `png`, `charx`, `book`,
    /// `worldinfo` or a platform's raw value.
    public var name: String {
        switch self {
        case .card(let spec): spec.rawValue
        case .png: "png"
        case .charx: "charx"
        case .book: "book"
        case .worldInfo: "worldinfo"
        case .platform(let platform): platform.rawValue
        }
    }

    /// The target named `name`, in any letter case (`V3`, `SpicyChat`); `nil` for an unknown name.
    /// - Parameter name: A name from ``name``.
    public init?(name: String) {
        let lowered = name.lowercased()
        guard let target = Self.allCases.first(where: { $0.name == lowered }) else { return nil }
        self = target
    }

    /// The same as ``name``.
    public var description: String { name }

    /// The extension of the file this target writes, without the dot.
    public var fileExtension: String {
        switch self {
        case .card, .book, .worldInfo, .platform: "json"
        case .png: "png"
        case .charx: "charx"
        }
    }

    /// What follows an input's stem in an output file's name: `.json`, `.png`, or `.spicychat.json` for a platform
    /// object, so that platform outputs never pass for cards.
    public var fileSuffix: String {
        if case .platform(let platform) = self { return ".\(platform.rawValue).json" }
        return ".\(fileExtension)"
    }
}

public import CardKitJSON

/// Choices a conversion cannot make from the card alone; every default follows `providers.md`.
public struct PlatformConversionOptions: Sendable, Hashable {
    /// The avatar to reference in the output (a relative path, `data:` URL or `http(s)` URL).
    ///
    /// When `nil`, the card's main icon asset is used if it is a `data:` or `http(s)` URL.
    public var avatar: String? = nil
    /// Spicychat `visibility` (`private` by default).
    public var spicychatVisibility: String = "private"
    /// Spicychat: append `system_prompt` and `post_history_instructions` to `persona` under marked headers
    /// instead of dropping them.
    public var inlineSystemPrompt: Bool = false
    /// Character.AI `identifier`; when `nil`, `id:` plus a UUID derived from the card's content, so that the
    /// same card always gets the same correlation id.
    public var characterAIIdentifier: String? = nil
    /// Character.AI `title`; when `nil`, the first line of `creator_notes`.
    public var characterAITitle: String? = nil
    /// Character.AI: turn `<START>` lines of the example dialogue into `END_OF_DIALOG` (reported as coerced).
    public var characterAIDialogMarkers: Bool = false

    /// Creates options with the defaults.
    public init() {}
}

/// A choice of ``PlatformConversionOptions`` that a loss report can point to as the way to keep a value.
public enum PlatformConversionOption: String, Sendable, Hashable, CaseIterable {
    /// ``PlatformConversionOptions/inlineSystemPrompt``.
    case inlineSystemPrompt
}

/// The result of converting a card or persona for a platform.
public struct PlatformConversion: Sendable {
    /// The platform object, in the platform's documented key order.
    public var output: JSONValue
    /// Everything the conversion dropped, merged, truncated or coerced, and every limit it hit.
    public var report: LossReport
    /// The image the upload engine should upload as the avatar, when one is known (a relative path,
    /// `data:` URL or `http(s)` URL).
    public var avatar: String?

    /// Creates a conversion result.
    package init(output: JSONValue, report: LossReport, avatar: String? = nil) {
        self.output = output
        self.report = report
        self.avatar = avatar
    }
}

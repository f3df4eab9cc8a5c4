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
    /// Spicychat: tags added after the card's own (`convert --tag`), for cards with fewer than the two
    /// Spicychat asks for.
    public var extraTags: [String] = []
    /// Spicychat's canonical tag list (`chatbotsTags.tags` of `GET {base}/v2/applications/spicychat`).
    ///
    /// When it is not empty, a tag that matches one of these ignoring case takes the canonical spelling, and a tag
    /// that matches none is dropped and reported. When it is empty (the default), every tag is kept as written:
    /// the list is not documented, so CardKit does not guess it.
    public var canonicalTags: [String] = []

    /// Creates options with the defaults.
    public init() {}
}

/// A choice of ``PlatformConversionOptions`` that a loss report can point to as the way to keep a value.
public enum PlatformConversionOption: String, Sendable, Hashable, CaseIterable {
    /// ``PlatformConversionOptions/inlineSystemPrompt``.
    case inlineSystemPrompt
    /// ``PlatformConversionOptions/extraTags``: adding tags meets Spicychat's two-tag minimum.
    case extraTags
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

    /// The first limit the output breaks that CardKit cannot repair (too few tags, too short a name): the
    /// platform would reject the object, so callers refuse it instead of printing or sending it.
    public var unmetLimit: LossEntry? { report.entries.first { $0.kind == .limit } }

    /// Creates a conversion result.
    package init(output: JSONValue, report: LossReport, avatar: String? = nil) {
        self.output = output
        self.report = report
        self.avatar = avatar
    }
}

extension PlatformConversionOptions {
    /// Reads a canonical tag list for ``canonicalTags``: a JSON array of strings, or Spicychat's application
    /// config (`GET {base}/v2/applications/spicychat`), whose `chatbotsTags.tags` holds the list.
    /// - Parameter bytes: The file's bytes.
    /// - Returns: The tags, in file order.
    /// - Throws: ``PlatformError`` (`invalid-object`) naming what is wrong.
    public static func canonicalTags(fromJSON bytes: [UInt8]) throws(PlatformError) -> [String] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes).value
        } catch {
            throw PlatformError(
                code: .invalidObject, platform: .spicychat, message: "the tag list is not valid JSON: \(error)")
        }
        let list = value.arrayValue ?? value["chatbotsTags"]?["tags"]?.arrayValue
        guard let list else {
            throw PlatformError(
                code: .invalidObject, platform: .spicychat,
                message: "the tag list is neither a JSON array nor an object with chatbotsTags.tags")
        }
        var tags: [String] = []
        for (index, item) in list.enumerated() {
            guard let tag = item.stringValue else {
                throw PlatformError(
                    code: .invalidObject, platform: .spicychat, pointer: JSONPointer(tokens: [String(index)]),
                    message: "tag \(index) is not a string")
            }
            tags.append(tag)
        }
        return tags
    }
}

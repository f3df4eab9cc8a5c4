import ArgumentParser
import CardKit

/// Flags that shape platform output (`convert --to spicychat|chattr|nextchat|characterai`).
struct PlatformFlags: ParsableArguments {
    @Option(help: "The avatar to reference in platform output (a relative path, data: URL or http(s) URL).")
    var avatar: String?

    @Option(help: "Spicychat visibility: private, unlisted or public.", transform: { $0.lowercased() })
    var visibility: String = "private"

    @Flag(
        help: "Spicychat: append the system prompt and post-history instructions to `persona` instead of dropping them."
    )
    var inlineSystemPrompt = false

    @Option(help: "Character.AI title (default: the first line of the creator notes).")
    var title: String?

    @Flag(help: "Character.AI: turn <START> lines of the example dialogue into END_OF_DIALOG markers.")
    var dialogMarkers = false

    @Option(
        name: .customLong("tag"),
        help: "Spicychat: add this tag after the card's own (repeatable); Spicychat needs at least two.")
    var tags: [String] = []

    @Option(
        help: ArgumentHelp(
            "Spicychat: map tags to this canonical list, ignoring case, and drop the others.",
            discussion:
                "A JSON array of strings, or the JSON of GET /v2/applications/spicychat (its chatbotsTags.tags).",
            valueName: "file"))
    var canonicalTags: String?

    func validate() throws {
        if !["private", "unlisted", "public"].contains(visibility) {
            throw ValidationError("--visibility must be private, unlisted or public.")
        }
    }

    /// The converter options these flags ask for; reads the --canonical-tags file.
    func options() throws(CardFileError) -> PlatformConversionOptions {
        var options = PlatformConversionOptions()
        options.extraTags = tags
        if let canonicalTags {
            let bytes = try CardInput(path: canonicalTags).read(limit: 16 << 20)
            do {
                options.canonicalTags = try PlatformConversionOptions.canonicalTags(fromJSON: [UInt8](bytes))
            } catch {
                throw CardFileError(path: canonicalTags, kind: .notACard, reason: error.message)
            }
        }
        options.avatar = avatar
        options.spicychatVisibility = visibility
        options.inlineSystemPrompt = inlineSystemPrompt
        options.characterAITitle = title
        options.characterAIDialogMarkers = dialogMarkers
        return options
    }

    /// The flag that meets a limit or keeps a value a conversion option names.
    static func hint(for option: PlatformConversionOption) -> String {
        switch option {
        case .inlineSystemPrompt:
            "--inline-system-prompt appends the system prompt and post-history instructions to `persona`"
        case .extraTags: "add tags with --tag NAME (repeatable)"
        }
    }
}

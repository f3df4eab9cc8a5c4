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

    func validate() throws {
        if !["private", "unlisted", "public"].contains(visibility) {
            throw ValidationError("--visibility must be private, unlisted or public.")
        }
    }

    /// The converter options these flags ask for.
    var options: PlatformConversionOptions {
        var options = PlatformConversionOptions()
        options.avatar = avatar
        options.spicychatVisibility = visibility
        options.inlineSystemPrompt = inlineSystemPrompt
        options.characterAITitle = title
        options.characterAIDialogMarkers = dialogMarkers
        return options
    }
}

import CardKitJSON
import CardModel
import CardPNG
public import CardPlatforms

/// Thrown when a file cannot be read as a card; always names the file.
public struct CardFileError: Error, Sendable, CustomStringConvertible {
    /// The class of failure, for exit codes and machine-readable output.
    public enum Kind: String, Sendable, Hashable {
        /// The file could not be opened or read.
        case unreadable
        /// The file is larger than the loader's limit.
        case tooLarge = "too-large"
        /// The bytes are not a format CardKit reads (for example a JPEG without a card).
        case unsupportedFormat = "unsupported-format"
        /// The JSON is malformed.
        case invalidJSON = "invalid-json"
        /// The container (PNG, ZIP) is malformed or holds no card.
        case invalidContainer = "invalid-container"
        /// The JSON is not a card.
        case notACard = "not-a-card"
        /// Strict reading failed.
        case strict
        /// The card is encrypted (RisuAI).
        case encrypted
        /// The converted object would break a limit of the target platform that CardKit cannot repair (too few
        /// tags, too short a name) or fail the platform's schema; it is refused rather than written.
        case platformLimit = "platform-limit"
    }

    /// The file, as given on the command line (`-` for standard input).
    public var path: String
    /// The class of failure.
    public var kind: Kind
    /// A one-line reason naming the JSON pointer or byte offset where it can.
    public var reason: String
    /// Diagnostics gathered before the failure (for example strict-mode violations).
    public var diagnostics: [Diagnostic]
    /// For ``Kind/platformLimit``, the conversion option that would meet the limit, when one would (Spicychat's
    /// extra tags); a caller names it in its own terms.
    public var option: PlatformConversionOption? = nil

    /// Creates an error.
    package init(path: String, kind: Kind, reason: String, diagnostics: [Diagnostic] = []) {
        self.path = path
        self.kind = kind
        self.reason = reason
        self.diagnostics = diagnostics
    }

    /// The error in the `path: error: reason` form the CLI prints.
    public var description: String { "\(path): error: \(reason)" }

    /// Wraps a card reading error.
    package init(path: String, cardError: CardError) {
        switch cardError {
        case .invalidJSON(let error):
            self.init(path: path, kind: .invalidJSON, reason: "invalid JSON: \(error)")
        case .notACard:
            self.init(path: path, kind: .notACard, reason: cardError.description)
        case .limitExceeded:
            self.init(path: path, kind: .tooLarge, reason: cardError.description)
        case .strictViolations(let diagnostics):
            self.init(path: path, kind: .strict, reason: cardError.description, diagnostics: diagnostics)
        }
    }
}

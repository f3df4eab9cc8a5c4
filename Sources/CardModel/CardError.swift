public import CardKitJSON

/// Thrown when a document cannot be read as a character card.
public enum CardError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Thrown when the bytes are not a JSON document (truncated, invalid UTF-8, too deep, too large…).
    case invalidJSON(JSONParseError)
    /// Thrown when the JSON is valid but is not a character card; the reason says what it looks like instead.
    case notACard(pointer: JSONPointer, reason: String)
    /// Thrown under strict reading when the card needed a leniency; holds every diagnostic that failed.
    case strictViolations([Diagnostic])
    /// Thrown when a part of the card is larger than any real card, for example a character book with more than
    /// ``CharacterBook/maxEntries`` entries; `pointer` locates it.
    case limitExceeded(pointer: JSONPointer, reason: String)

    /// The error as one line, with the JSON pointer where it applies.
    public var description: String {
        switch self {
        case .invalidJSON(let error): return "invalid JSON: \(error)"
        case .notACard(let pointer, let reason):
            return pointer.tokens.isEmpty
                ? "not a character card: \(reason)" : "not a character card: \(pointer): \(reason)"
        case .strictViolations(let diagnostics):
            let first = diagnostics.first.map { $0.description } ?? ""
            let more = diagnostics.count > 1 ? " (and \(diagnostics.count - 1) more)" : ""
            return "strict reading failed: \(first)\(more)"
        case .limitExceeded(let pointer, let reason):
            return "refused: \(pointer.displayString): \(reason)"
        }
    }
}

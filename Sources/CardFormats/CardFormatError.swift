public import CardKitJSON

/// Thrown when a World Info file, a lorebook or an older character shape (YAML, Pygmalion JSON) cannot be read.
public enum CardFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Thrown when the bytes are not valid JSON.
    case invalidJSON(JSONParseError)
    /// Thrown when the bytes are not valid YAML; `line` and `column` are 1-based when known.
    case invalidYAML(line: Int?, column: Int?, reason: String)
    /// Thrown when the input is larger than the reader accepts (YAML: 4 MiB).
    case tooLarge(size: Int, limit: Int)
    /// Thrown when a YAML document expands past the node or depth limit (alias bombs, deep nesting).
    case tooComplex(reason: String)
    /// Thrown when a JSON document is not a SillyTavern World Info file.
    case notWorldInfo(pointer: JSONPointer, reason: String)
    /// Thrown when a JSON document is not a standalone lorebook (`{"spec": "lorebook_v3", "data": {…}}`) or a book.
    case notALorebook(pointer: JSONPointer, reason: String)
    /// Thrown when a YAML or JSON document is not a character of the shape asked for.
    case notACharacter(pointer: JSONPointer, reason: String)
    /// Thrown when a part of a document is larger than any real one, for example a book with more than
    /// `CharacterBook.maxEntries` entries; `pointer` locates it.
    case limitExceeded(pointer: JSONPointer, reason: String)

    /// The error as one line, naming what could not be read and why.
    public var description: String {
        switch self {
        case .invalidJSON(let error): return "invalid JSON: \(error)"
        case .invalidYAML(let line, let column, let reason):
            if let line, let column { return "invalid YAML: line \(line), column \(column): \(reason)" }
            return "invalid YAML: \(reason)"
        case .tooLarge(let size, let limit): return "refused: \(size) bytes of YAML, more than the limit of \(limit)"
        case .tooComplex(let reason): return "refused: \(reason)"
        case .notWorldInfo(let pointer, let reason): return "not a World Info file: \(Self.at(pointer))\(reason)"
        case .notALorebook(let pointer, let reason): return "not a lorebook: \(Self.at(pointer))\(reason)"
        case .notACharacter(let pointer, let reason): return "not a character: \(Self.at(pointer))\(reason)"
        case .limitExceeded(let pointer, let reason): return "refused: \(pointer.displayString): \(reason)"
        }
    }

    private static func at(_ pointer: JSONPointer) -> String { pointer.tokens.isEmpty ? "" : "\(pointer): " }
}

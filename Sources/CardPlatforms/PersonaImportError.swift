public import CardKitJSON

/// Thrown when SillyTavern persona storage cannot be read or persona files cannot be written.
public enum PersonaImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Thrown when a file or folder cannot be read.
    case unreadable(path: String, reason: String)
    /// Thrown when a file exceeds the size limit of ``PersonaImportOptions``.
    case tooLarge(path: String, size: Int, limit: Int)
    /// Thrown when a JSON file does not parse.
    case invalidJSON(path: String, JSONParseError)
    /// Thrown when the input holds no SillyTavern personas (no `power_user.personas`, no backup keys).
    case notPersonaStorage(path: String, pointer: JSONPointer, reason: String)
    /// Thrown when a persona file or avatar cannot be written.
    case writeFailed(path: String, reason: String)

    /// The error as one line, naming the file concerned.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): error: cannot read: \(reason)"
        case .tooLarge(let path, let size, let limit):
            return "\(path): error: \(size) bytes is over the \(limit)-byte limit"
        case .invalidJSON(let path, let error): return "\(path): error: invalid JSON: \(error)"
        case .notPersonaStorage(let path, let pointer, let reason):
            return "\(path):\(pointer.displayString): error: not SillyTavern persona storage: \(reason)"
        case .writeFailed(let path, let reason): return "\(path): error: cannot write: \(reason)"
        }
    }
}

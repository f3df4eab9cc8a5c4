public import CardKitJSON

/// A finding about an input: something tolerated, fixed, lost or wrong.
///
/// Readers, converters and validators collect diagnostics instead of stopping at the first problem;
/// only `.error` fails a command.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// Informational: a recognised shape or a harmless default.
        case note
        /// Tolerated or repaired; an error under strict reading.
        case warning
        /// The input is invalid.
        case error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        /// Orders severities from the least to the most serious: note, warning, error.
        /// - Parameters:
        ///   - lhs: A severity.
        ///   - rhs: Another severity.
        /// - Returns: Whether `lhs` is less serious than `rhs`.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// How serious it is.
    public var severity: Severity
    /// A short stable identifier, for example ``Code/flatV2``, ``Code/wrongType``, ``Code/missingField``.
    public var code: Code
    /// The JSON pointer of the value concerned, when it is about JSON.
    public var pointer: JSONPointer?
    /// The byte offset in the file, when it is about bytes.
    public var offset: Int?
    /// A one-line human explanation.
    public var message: String

    /// Creates a diagnostic.
    public init(_ severity: Severity, code: Code, pointer: JSONPointer? = nil, offset: Int? = nil, _ message: String) {
        self.severity = severity
        self.code = code
        self.pointer = pointer
        self.offset = offset
        self.message = message
    }

    /// The location part of the message: `/data/name`, `byte 1234`, or both.
    public var location: String? {
        var parts: [String] = []
        if let pointer { parts.append(pointer.displayString) }
        if let offset { parts.append("byte \(offset)") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// The diagnostic in the `severity: pointer: message` form the CLI prints.
    public var description: String {
        if let location { return "\(severity.rawValue): \(location): \(message)" }
        return "\(severity.rawValue): \(message)"
    }

    /// A copy with the severity raised to `.error` when `strict` is set and it is a warning.
    package func escalated(strict: Bool) -> Diagnostic {
        guard strict, severity == .warning else { return self }
        var copy = self
        copy.severity = .error
        return copy
    }
}

extension Diagnostic {
    /// The diagnostic as a JSON object (`severity`, `code`, `pointer`, `offset`, `message`).
    public var jsonValue: JSONValue {
        var object: JSONObject = ["severity": .string(severity.rawValue), "code": .string(code.rawValue)]
        if let pointer { object["pointer"] = .string(pointer.description) }
        if let offset { object["offset"] = .number(JSONNumber(offset)) }
        object["message"] = .string(message)
        return .object(object)
    }
}

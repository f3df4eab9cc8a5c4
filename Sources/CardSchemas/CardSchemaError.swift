public import CardKitJSON
import JSONSchema

/// Thrown when a card cannot be validated: no schema fits it, a name is unknown, or a schema does not compile.
public enum CardSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Thrown when `auto` cannot tell which schema applies; `pointer` names the deciding value.
    case undetectable(pointer: JSONPointer, reason: String)
    /// Thrown when a schema name is not in the catalog.
    case unknownSchema(String)
    /// Thrown when a schema file is not valid JSON or does not compile; `source` names the file or `$id`.
    case invalidSchema(source: String, JSONSchemaError)
    /// Thrown when a schema file exists but cannot be read.
    case unreadableSchemaFile(String)

    /// The error as one line, naming the schema or file concerned.
    public var description: String {
        switch self {
        case .undetectable(let pointer, let reason):
            "\(pointer.displayString): cannot choose a schema: \(reason)"
        case .unknownSchema(let name):
            "unknown schema '\(name)' (known: \(CardSchemaName.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .invalidSchema(let source, let error):
            "\(source): invalid schema: \(error)"
        case .unreadableSchemaFile(let path):
            "\(path): cannot read the schema"
        }
    }
}

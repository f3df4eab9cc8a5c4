/// Thrown when a schema cannot be compiled.
///
/// Every error names the schema location at fault as an absolute URI with a JSON-pointer fragment,
/// for example `https://example.com/card.json#/properties/name/minLength`.
public struct JSONSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem.
    public enum Kind: String, Sendable, Hashable {
        /// Thrown when a `$ref`, `$dynamicRef` or `$schema` names a URI, anchor or pointer that is neither in
        /// the schema nor in the ``SchemaRegistry``.
        case unresolvableReference = "unresolvable-reference"
        /// Thrown when a keyword's value has the wrong type or an out-of-range value (`"minimum": "5"`).
        case invalidKeywordValue = "invalid-keyword-value"
        /// Thrown when a subschema is neither an object nor a Boolean.
        case invalidSchema = "invalid-schema"
        /// Thrown when a `pattern` or `patternProperties` key is not a regular expression the validator supports.
        case invalidRegularExpression = "invalid-regex"
        /// Thrown when `$schema` names a meta-schema whose `$vocabulary` requires a vocabulary this validator
        /// does not implement.
        case unsupportedVocabulary = "unsupported-vocabulary"
        /// Thrown when the schema is larger than ``JSONSchemaOptions/maxSchemaNodes``.
        case schemaTooLarge = "schema-too-large"
    }

    /// The class of problem.
    public var kind: Kind
    /// The absolute location of the offending keyword or subschema (`uri#/json/pointer`).
    public var location: String
    /// A one-line explanation.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - kind: The class of problem.
    ///   - location: The absolute schema location.
    ///   - message: A one-line explanation.
    package init(kind: Kind, location: String, message: String) {
        self.kind = kind
        self.location = location
        self.message = message
    }

    /// `location: error: message`.
    public var description: String { "\(location): error: \(message)" }
}

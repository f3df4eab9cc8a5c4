import CardKitJSON

/// An in-memory map from URIs to schema documents, used to resolve remote `$ref`s and custom `$schema`s.
///
/// The validator never touches the network: a reference to a URI that is neither inside the schema
/// being compiled nor registered here is a compile error (``JSONSchemaError/Kind/unresolvableReference``).
///
/// ```swift
/// var registry = SchemaRegistry()
/// registry.register(metaSchema, at: "https://json-schema.org/draft/2020-12/schema")
/// ```
public struct SchemaRegistry: Sendable {
    private var documents: [String: JSONValue] = [:]

    /// Creates an empty registry.
    public init() {}

    /// Registers `document` as the content retrieved from `uri`.
    /// - Parameters:
    ///   - document: The schema document.
    ///   - uri: An absolute URI; a trailing empty fragment (`#`) is ignored, so
    ///     `http://json-schema.org/draft-07/schema#` and `…/schema` are the same key.
    public mutating func register(_ document: JSONValue, at uri: String) {
        documents[URIReference.normalized(uri)] = document
    }

    /// Registers `document` under its own top-level `$id`.
    /// - Parameter document: A schema document with a string `$id`.
    /// - Returns: The URI it was registered under, or `nil` when the document has no string `$id`.
    @discardableResult
    public mutating func register(_ document: JSONValue) -> String? {
        guard let id = document["$id"]?.stringValue else { return nil }
        let key = URIReference.normalized(URIReference.split(id).base)
        documents[key] = document
        return key
    }

    /// The document registered at `uri`, if any.
    /// - Parameter uri: An absolute URI, with or without an empty fragment.
    /// - Returns: The document, or `nil`.
    public func document(at uri: String) -> JSONValue? {
        documents[URIReference.normalized(uri)]
    }

    /// The registered URIs, sorted.
    public var uris: [String] { documents.keys.sorted() }

    /// The number of registered documents.
    public var count: Int { documents.count }
}

public import CardKitJSON
import Foundation

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

    /// The indexes of registered documents, computed on first use and shared by every compilation that uses
    /// this registry (and its copies).
    ///
    /// Replaced whenever a document is registered, so a cached index never
    /// outlives the documents it was computed from.
    private(set) var cache = IndexCache()

    /// Creates an empty registry.
    public init() {}

    /// Registers `document` as the content retrieved from `uri`.
    /// - Parameters:
    ///   - document: The schema document.
    ///   - uri: An absolute URI; a trailing empty fragment (`#`) is ignored, so
    ///     `http://json-schema.org/draft-07/schema#` and `…/schema` are the same key.
    public mutating func register(_ document: JSONValue, at uri: String) {
        documents[URIReference.normalized(uri)] = document
        cache = IndexCache()
    }

    /// Registers `document` under its own top-level `$id`.
    /// - Parameter document: A schema document with a string `$id`.
    /// - Returns: The URI it was registered under, or `nil` when the document has no string `$id`.
    @discardableResult
    public mutating func register(_ document: JSONValue) -> String? {
        guard let id = document["$id"]?.stringValue else { return nil }
        let key = URIReference.normalized(URIReference.split(id).base)
        documents[key] = document
        cache = IndexCache()
        return key
    }

    /// The document registered at `uri`, if any.
    /// - Parameter uri: An absolute URI, with or without an empty fragment.
    /// - Returns: The document, or `nil`.
    public func document(at uri: String) -> JSONValue? {
        documents[URIReference.normalized(uri)]
    }

    /// The registered URIs, sorted.
    package var uris: [String] { documents.keys.sorted() }

    /// The number of registered documents.
    package var count: Int { documents.count }
}

extension SchemaRegistry {
    /// What a cached document index depends on besides the registry's contents (internal).
    struct IndexKey: Hashable, Sendable {
        var uri: String
        var dialect: Dialect
        var forceFormatAssertion: Bool
    }

    /// A thread-safe store of document indexes (internal).
    ///
    /// Entries are immutable values; the lock guards only
    /// the dictionary.
    final class IndexCache: @unchecked Sendable {
        private let lock = NSLock()
        private var indexes: [IndexKey: DocumentIndex] = [:]

        func index(for key: IndexKey) -> DocumentIndex? {
            lock.lock()
            defer { lock.unlock() }
            return indexes[key]
        }

        func store(_ index: DocumentIndex, for key: IndexKey) {
            lock.lock()
            defer { lock.unlock() }
            if indexes.count < 4_096 { indexes[key] = index }
        }
    }
}

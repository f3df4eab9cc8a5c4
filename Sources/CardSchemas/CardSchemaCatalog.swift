public import CardKitJSON
import Foundation
@_exported import JSONSchema

/// The schemas CardKit ships, compiled on first use and cached.
///
/// The schema texts are built into the library from the repository's `schemas/` folder (no file is read at
/// run time). Every shipped schema is registered under its `$id`, so schemas can `$ref` one another, and a
/// user's own schema (``compile(schemaBytes:source:)``) can `$ref` ours, for example
/// `https://cardkit.dev/schemas/strict/card-v2.json#/$defs/data`.
///
/// ```swift
/// let schema = try CardSchemaCatalog.shared.schema(.v2, profile: .strict)
/// let result = schema.validate(cardJSON)
/// ```
///
/// The catalog is thread-safe: concurrent callers compile each schema at most once per catalog.
public final class CardSchemaCatalog: @unchecked Sendable {
    /// The URI prefix of every shipped schema's `$id`; the rest is its path inside `schemas/`.
    public static let baseURI = "https://cardkit.dev/schemas/"

    /// The catalog shared by the library and the CLI.
    public static let shared = CardSchemaCatalog()

    /// One shipped schema document.
    public struct Document: Sendable, Hashable {
        /// The path inside `schemas/`, for example `strict/card-v2.json`.
        public var path: String
        /// The `$id` (``CardSchemaCatalog/baseURI`` followed by the path).
        public var id: String
        /// The parsed document.
        public var value: JSONValue
        /// The exact text of the file.
        public var text: String
    }

    /// Every shipped schema document, sorted by path.
    public let documents: [Document]

    private let options: JSONSchemaOptions
    private let lock = NSLock()
    private var cache: [String: CompiledSchema] = [:]

    /// Creates a catalog over the shipped schemas.
    /// - Parameter formatAssertion: Whether `format` keywords assert (default `false`, as the spec requires).
    public init(formatAssertion: Bool = false) {
        var documents: [Document] = []
        var options = JSONSchemaOptions()
        options.formatAssertion = formatAssertion
        for file in EmbeddedSchemas.files {
            // The shipped texts are checked by the test suite; a text that fails to parse is left out rather
            // than crashing, and asking for it then reports an unknown document.
            guard let value = try? JSONParser.parse(Array(file.text.utf8)).value else { continue }
            let id = Self.baseURI + file.path
            documents.append(Document(path: file.path, id: id, value: value, text: file.text))
            options.registry.register(value, at: id)
        }
        self.documents = documents
        self.options = options
    }

    /// The options schemas are compiled with; their registry holds every shipped schema.
    package var compilerOptions: JSONSchemaOptions { options }

    /// The shipped document at a path or `$id`.
    /// - Parameter pathOrID: `strict/card-v2.json` or `https://cardkit.dev/schemas/strict/card-v2.json`.
    /// - Returns: The document, or `nil`.
    public func document(_ pathOrID: String) -> Document? {
        let path = pathOrID.hasPrefix(Self.baseURI) ? String(pathOrID.dropFirst(Self.baseURI.count)) : pathOrID
        return documents.first { $0.path == path }
    }

    /// The compiled schema for a name and profile.
    /// - Parameters:
    ///   - name: The schema.
    ///   - profile: The profile; ignored for platform schemas.
    /// - Returns: The compiled schema, cached after the first call.
    /// - Throws: ``CardSchemaError/invalidSchema(source:_:)`` if the shipped schema does not compile.
    public func schema(_ name: CardSchemaName, profile: CardSchemaProfile) throws(CardSchemaError) -> CompiledSchema {
        try schema(id: name.id(profile: profile))
    }

    /// The compiled schema for a shipped `$id`.
    /// - Parameter id: The absolute `$id` of a shipped schema (a fragment selects a subschema).
    /// - Returns: The compiled schema, cached after the first call.
    /// - Throws: ``CardSchemaError``.
    public func schema(id: String) throws(CardSchemaError) -> CompiledSchema {
        lock.lock()
        if let cached = cache[id] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        // Compiled outside the lock so that a slow compile never blocks readers of other schemas; two threads
        // racing on the same new id both compile it and the first stored result wins.
        let compiled: CompiledSchema
        do {
            let compiler = JSONSchemaCompiler(options: options)
            if let document = document(id) {
                compiled = try compiler.compile(document.value, baseURI: document.id)
            } else {
                compiled = try compiler.compile(["$ref": .string(id)], baseURI: "cardkit:/catalog-reference.json")
            }
        } catch {
            throw .invalidSchema(source: id, error)
        }
        lock.lock()
        defer { lock.unlock() }
        if let cached = cache[id] { return cached }
        cache[id] = compiled
        return compiled
    }

    /// Compiles a user's schema, with every shipped schema available to its `$ref`s.
    /// - Parameters:
    ///   - schemaBytes: The schema's JSON text.
    ///   - source: The file path or URI, used as its base URI when it has no `$id` and in error messages.
    /// - Returns: The compiled schema (not cached).
    /// - Throws: ``CardSchemaError/invalidSchema(source:_:)``.
    public func compile(schemaBytes: some Collection<UInt8>, source: String) throws(CardSchemaError) -> CompiledSchema {
        do {
            return try JSONSchemaCompiler(options: options).compile(bytes: schemaBytes, baseURI: Self.fileURI(source))
        } catch {
            throw .invalidSchema(source: source, error)
        }
    }

    /// A `file:` URI for a path, so that relative `$ref`s in a user's schema resolve beside it.
    static func fileURI(_ path: String) -> String {
        if path.contains("://") { return path }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        return absolute.absoluteString
    }
}

public import CardSchemas
import Foundation

extension CardSchemaSelection {
    /// Resolves how a person named a schema: `auto`, a shipped schema's name (`v2`, `book-v3`,
    /// `spicychat-character`…) unless a file of that name exists, else a schema file, compiled now.
    ///
    /// - Parameter argument: The name or path.
    /// - Throws: ``CardSchemaError/unknownSchema(_:)`` when it is none of these,
    ///   ``CardSchemaError/unreadableSchemaFile(_:)`` or ``CardSchemaError/invalidSchema(source:_:)`` for a file.
    public init(argument: String) throws(CardSchemaError) {
        if argument == "auto" {
            self = .auto
            return
        }
        let isFile = FileManager.default.fileExists(atPath: argument)
        if let name = CardSchemaName(name: argument), !isFile {
            self = .named(name)
            return
        }
        guard isFile else { throw .unknownSchema(argument) }
        guard let data = FileManager.default.contents(atPath: argument) else {
            throw .unreadableSchemaFile(argument)
        }
        self = .compiled(
            try CardSchemaCatalog.shared.compile(schemaBytes: [UInt8](data), source: argument), label: argument)
    }
}

public import CardKitJSON
public import CardModel

/// Standalone lorebook files: V3's `{"spec": "lorebook_v3", "data": <Lorebook>}`, and a bare book object.
public enum LorebookFile {
    /// The `spec` value of a standalone V3 lorebook.
    package static let spec = "lorebook_v3"

    /// Reads a standalone lorebook: `lorebook_v3`, or a bare `{entries: [...]}` book (reported).
    /// - Parameter json: The parsed document.
    /// - Returns: The book and diagnostics (a missing `extensions`, entries that are not objects).
    /// - Throws: ``CardFormatError/notALorebook(pointer:reason:)``, or
    ///   ``CardFormatError/limitExceeded(pointer:reason:)`` past `CharacterBook.maxEntries` entries.
    public static func read(json: JSONValue) throws(CardFormatError) -> BookReadResult {
        guard let root = json.objectValue else {
            throw .notALorebook(pointer: JSONPointer(), reason: "the document is \(json.typeName()), not an object")
        }
        var diagnostics: [Diagnostic] = []
        let object: JSONObject
        let base: JSONPointer
        if let spec = root["spec"] {
            guard spec.stringValue == Self.spec else {
                throw .notALorebook(
                    pointer: JSONPointer(tokens: ["spec"]),
                    reason: "spec is \(JSONWriter.string(spec)), not \"lorebook_v3\"")
            }
            guard let data = root["data"]?.objectValue else {
                throw .notALorebook(
                    pointer: JSONPointer(tokens: ["data"]), reason: "`data` is missing or not an object")
            }
            object = data
            base = JSONPointer(tokens: ["data"])
        } else {
            guard case .array? = root["entries"] else {
                throw .notALorebook(
                    pointer: JSONPointer(tokens: ["entries"]), reason: "no `spec` and no `entries` array")
            }
            object = root
            base = JSONPointer()
            diagnostics.append(
                Diagnostic(
                    .note, code: .bareBook, pointer: base, "a bare character book without the lorebook_v3 wrapper"))
        }
        guard case .array(let entries)? = object["entries"] else {
            throw .notALorebook(pointer: base.appending("entries"), reason: "`entries` is missing or not an array")
        }
        if let problem = CharacterBook.entriesLimitProblem(object["entries"]) {
            throw .limitExceeded(pointer: base.appending("entries"), reason: problem)
        }
        if object["extensions"] == nil {
            diagnostics.append(
                Diagnostic(
                    .warning, code: .missingField, pointer: base.appending("extensions"),
                    "the book has no `extensions` (required; read as {})"))
        }
        for (index, entry) in entries.enumerated() where entry.objectValue == nil {
            diagnostics.append(
                Diagnostic(
                    .warning, code: .wrongType, pointer: base.appending("entries").appending(String(index)),
                    "entry is \(entry.typeName()), not an object; ignored"))
        }
        return BookReadResult(book: CharacterBook(object: object), diagnostics: diagnostics)
    }

    /// Wraps a book as a standalone `lorebook_v3` document.
    /// - Parameter book: The book.
    /// - Returns: `{"spec": "lorebook_v3", "data": book}`.
    public static func json(for book: CharacterBook) -> JSONValue {
        .object(["spec": .string(spec), "data": .object(book.object)])
    }
}

/// A character book read from a lorebook or World Info file, and what reading it noticed.
public struct BookReadResult: Sendable, Hashable {
    /// The book.
    public var book: CharacterBook
    /// Repairs and warnings, with pointers into the source document.
    public var diagnostics: [Diagnostic]

    /// The book and diagnostics, for destructuring.
    package var pair: (CharacterBook, [Diagnostic]) { (book, diagnostics) }
}

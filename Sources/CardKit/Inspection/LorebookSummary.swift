package import Foundation

/// What `inspect` says about a file that holds a lorebook rather than a card (World Info, `lorebook_v3`, a bare book).
public struct LorebookSummary: Sendable {
    /// The input's name.
    public let path: String
    /// The file's shape (`worldinfo`, `lorebook_v3`, `character_book`).
    public let shape: String
    /// The book.
    public let book: CharacterBook
    /// What reading the book found.
    public let diagnostics: [Diagnostic]

    /// Reads a lorebook file; `nil` when the file is not one.
    ///
    /// Throws when it is one but is past a limit (more than `CharacterBook.maxEntries` entries), so the message says
    /// so rather than "not a card".
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - path: The input's name.
    ///   - options: Reading options (the JSON limits).
    /// - Throws: ``CardFileError`` of kind `tooLarge` for a book past a limit.
    package init?(data: Data, path: String, options: CardLoadOptions = .init()) throws(CardFileError) {
        let detected = CardFormatSniffer.detect(data: data)
        guard let json = try? JSONParser.parse(data, options: options.read.json).value else { return nil }
        do {
            switch detected {
            case .worldInfo:
                (book, diagnostics) = try WorldInfoConverter.book(fromWorldInfo: json).pair
            case .lorebookV3, .characterBook:
                (book, diagnostics) = try LorebookFile.read(json: json).pair
            default:
                return nil
            }
        } catch {
            if case .limitExceeded = error {
                throw CardFileError(path: path, kind: .tooLarge, reason: error.description)
            }
            return nil
        }
        self.path = path
        shape = detected.description
    }

    /// The `inspect --json` record of the book.
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "path": .string(path), "ok": true, "container": "json", "format": .string(shape), "kind": "lorebook",
            "entries": .number(JSONNumber(book.entries.count)),
        ]
        object["name"] = book.name.map { .string($0) } ?? .null
        object["diagnostics"] = .array(diagnostics.map(\.jsonValue))
        return .object(object)
    }

    /// The text `inspect` prints for the book.
    public var text: String {
        var lines = [
            "\(path): lorebook (\(shape)), \(book.name.map { "name \"\($0)\", " } ?? "")\(book.entries.count) entries"
        ]
        lines.append(
            "  diagnostics: \(plural(diagnostics.filter { $0.severity != .note }.count, "warning/error", "warnings/errors"))"
        )
        for diagnostic in diagnostics where diagnostic.severity != .note { lines.append("    \(diagnostic)") }
        return lines.joined(separator: "\n")
    }
}

/// `1 warning`, `2 warnings`: the count with the singular or the plural noun.
///
/// - Parameters:
///   - count: How many.
///   - singular: The noun for one.
///   - plural: The noun for any other count.
/// - Returns: The count and its noun.
func plural(_ count: Int, _ singular: String, _ plural: String) -> String {
    "\(count) \(count == 1 ? singular : plural)"
}

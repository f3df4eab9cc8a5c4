import CardKit
import Foundation

/// What `inspect` says about a file that holds a lorebook rather than a card (World Info, `lorebook_v3`, a bare book).
struct LorebookSummary {
    let path: String
    let shape: String
    let book: CharacterBook
    let diagnostics: [Diagnostic]

    /// Reads a lorebook file; `nil` when the file is not one.
    ///
    /// Throws when it is one but is past a limit (more than `CharacterBook.maxEntries` entries), so the message says
    /// so rather than "not a card".
    init?(input: CardInput, options: CardLoadOptions) throws(CardFileError) {
        guard let data = try? input.read(limit: options.maxFileSize) else { return nil }
        let detected = CardFormatSniffer.detect(data: data)
        guard let json = try? JSONParser.parse(data).value else { return nil }
        do {
            switch detected {
            case .worldInfo:
                (book, diagnostics) = try WorldInfoConverter.book(fromWorldInfo: json)
            case .lorebookV3, .characterBook:
                (book, diagnostics) = try LorebookFile.read(json: json)
            default:
                return nil
            }
        } catch {
            if case .limitExceeded = error {
                throw CardFileError(path: input.path, kind: .tooLarge, reason: error.description)
            }
            return nil
        }
        path = input.path
        shape = detected.description
    }

    var jsonValue: JSONValue {
        var object: JSONObject = [
            "path": .string(path), "ok": true, "container": "json", "format": .string(shape), "kind": "lorebook",
            "entries": .number(JSONNumber(book.entries.count)),
        ]
        object["name"] = book.name.map { .string($0) } ?? .null
        object["diagnostics"] = .array(diagnostics.map(\.jsonValue))
        return .object(object)
    }

    var text: String {
        var lines = [
            "\(path): lorebook (\(shape)), \(book.name.map { "name \"\($0)\", " } ?? "")\(book.entries.count) entries"
        ]
        lines.append("  diagnostics: \(diagnostics.filter { $0.severity != .note }.count) warnings/errors")
        for diagnostic in diagnostics where diagnostic.severity != .note { lines.append("    \(diagnostic)") }
        return lines.joined(separator: "\n")
    }
}

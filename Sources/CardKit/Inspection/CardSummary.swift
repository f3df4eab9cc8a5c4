import Foundation

/// The facts `inspect` reports about one card.
public struct CardSummary: Sendable {
    /// The card as read, with its container and diagnostics.
    public let loaded: LoadedCard

    /// The summary of a card read from a file.
    /// - Parameter loaded: The card.
    package init(_ loaded: LoadedCard) { self.loaded = loaded }

    private var card: Card { loaded.card }

    /// The spec fields that hold something (non-empty string, array or object).
    private var fieldCounts: (set: Int, total: Int) {
        let names = card.spec == .v1 ? CardFields.v1 : CardFields.v2 + (card.spec == .v3 ? CardFields.v3Only : [])
        let set = names.filter { name in
            guard let value = card[field: name] else { return false }
            switch value {
            case .string(let s): return !s.isEmpty
            case .array(let a): return !a.isEmpty
            case .object(let o): return !o.isEmpty
            case .null: return false
            default: return true
            }
        }
        return (set.count, names.count)
    }

    /// The `inspect --json` record: `path`, `ok`, `container`, `format`, `spec`, `name`, field counts, the
    /// lorebook, PNG chunks and assets, and every diagnostic.
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "path": .string(loaded.path), "ok": .bool(!loaded.hasErrors),
            "container": .string(loaded.container.rawValue),
            "format": .string(loaded.format), "spec": .string(card.spec.rawValue), "name": .string(card.name),
        ]
        let counts = fieldCounts
        object["fields"] = ["set": .number(JSONNumber(counts.set)), "total": .number(JSONNumber(counts.total))]
        object["alternate_greetings"] = .number(JSONNumber(card.alternateGreetings.count))
        object["tags"] = .number(JSONNumber(card.tags.count))
        if let book = card.characterBook {
            var bookObject: JSONObject = ["entries": .number(JSONNumber(book.entries.count))]
            if let name = book.name { bookObject["name"] = .string(name) }
            object["lorebook"] = .object(bookObject)
        } else {
            object["lorebook"] = .null
        }
        if let scan = loaded.pngScan {
            object["chunks"] = .array(
                scan.cardChunks.map { chunk in
                    [
                        "keyword": .string(chunk.location.keyword), "type": .string(chunk.location.chunkType.rawValue),
                        "index": .number(JSONNumber(chunk.location.chunkIndex)),
                        "offset": .number(JSONNumber(chunk.location.offset)),
                        "after_image_data": .bool(chunk.location.afterImageData),
                        "selected": .bool(chunk.location == loaded.pngChunk),
                    ]
                })
            object["assets"] = .number(JSONNumber(scan.assets.count))
        }
        object["diagnostics"] = .array(loaded.diagnostics.map(\.jsonValue))
        return .object(object)
    }

    /// The text `inspect` prints: a headline and indented facts, then every diagnostic.
    public var text: String {
        var lines: [String] = []
        let specLabel =
            card.spec == .v1 ? "V1" : "\(card.spec.rawValue.uppercased()) (\(card.spec.specIdentifier ?? ""))"
        lines.append(
            "\(loaded.path): \(loaded.container) card, \(specLabel), shape \(loaded.format), name \"\(card.name)\"")
        let counts = fieldCounts
        lines.append(
            "  fields: \(counts.set) of \(counts.total) set; \(card.alternateGreetings.count) alternate greetings; \(card.tags.count) tags"
        )
        if let book = card.characterBook {
            let enabled = book.entries.filter(\.enabled).count
            lines.append(
                "  lorebook: \(book.name.map { "\"\($0)\", " } ?? "")\(book.entries.count) entries (\(enabled) enabled)"
            )
        } else {
            lines.append("  lorebook: none")
        }
        if let scan = loaded.pngScan {
            for chunk in scan.cardChunks {
                let used = chunk.location == loaded.pngChunk ? "  <- used" : ""
                lines.append("  chunk: \(chunk.location)\(used)")
            }
            if !scan.assets.isEmpty { lines.append("  assets: \(scan.assets.count) chara-ext-asset chunks") }
        }
        let warnings = loaded.diagnostics.filter { $0.severity != .note }
        let notes = loaded.diagnostics.count - warnings.count
        lines.append(
            "  diagnostics: \(plural(warnings.count, "warning/error", "warnings/errors")), \(plural(notes, "note", "notes"))"
        )
        for diagnostic in loaded.diagnostics { lines.append("    \(diagnostic)") }
        return lines.joined(separator: "\n")
    }
}

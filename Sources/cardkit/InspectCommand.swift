import ArgumentParser
import CardKit
import Foundation

/// `cardkit inspect`: what each file is and what it holds.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show the container, spec, name, field and lorebook counts, and warnings of each card."
    )

    @OptionGroup var input: InputOptions

    @Flag(help: "Print one JSON object per input (JSON lines) instead of text.")
    var json = false

    func run() async throws {
        let (inputs, missing) = input.collect()
        var failures = 0
        for failure in missing {
            failures += 1
            emit(failure: failure)
        }
        for item in inputs {
            do {
                let loaded = try CardFileLoader.load(item, options: input.loadOptions)
                let summary = CardSummary(loaded)
                if json {
                    Console.output(JSONWriter.string(summary.jsonValue))
                } else {
                    Console.output(summary.text)
                }
                if loaded.hasErrors { failures += 1 }
            } catch {
                var failure = error
                if error.kind == .notACard {
                    do throws(CardFileError) {
                        if let lorebook = try LorebookSummary(input: item, options: input.loadOptions) {
                            Console.output(json ? JSONWriter.string(lorebook.jsonValue) : lorebook.text)
                            continue
                        }
                    } catch {
                        failure = error
                    }
                }
                failures += 1
                emit(failure: failure)
            }
        }
        if failures > 0 { throw ExitCode(ExitStatus.invalidInput) }
    }

    private func emit(failure: CardFileError) {
        if json {
            let record: JSONValue = [
                "path": .string(failure.path), "ok": false,
                "error": ["kind": .string(failure.kind.rawValue), "message": .string(failure.reason)],
                "diagnostics": .array(failure.diagnostics.map(\.jsonValue)),
            ]
            Console.output(JSONWriter.string(record))
        } else {
            Console.error(failure.description)
        }
    }
}

/// The facts `inspect` reports about one card.
struct CardSummary {
    let loaded: LoadedCard

    init(_ loaded: LoadedCard) { self.loaded = loaded }

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

    var jsonValue: JSONValue {
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

    var text: String {
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
        lines.append("  diagnostics: \(warnings.count) warnings/errors, \(notes) notes")
        for diagnostic in loaded.diagnostics { lines.append("    \(diagnostic)") }
        return lines.joined(separator: "\n")
    }
}

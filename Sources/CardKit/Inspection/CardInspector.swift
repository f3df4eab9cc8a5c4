public import Foundation

/// What `inspect` reports about one input: a card, a lorebook file, or why the input could not be read.
public enum InspectionRecord: Sendable {
    /// A card in any container.
    case card(CardSummary)
    /// A lorebook file (World Info, `lorebook_v3` or a bare character book).
    case lorebook(LorebookSummary)
    /// The input could not be read as either.
    case failure(CardFileError)

    /// Whether the input counts as failed: unreadable, or a card whose reading found errors.
    public var isFailure: Bool {
        switch self {
        case .card(let summary): summary.loaded.hasErrors
        case .lorebook: false
        case .failure: true
        }
    }

    /// The record as one JSON object (`inspect --json`): `path`, `ok`, then the card's or book's facts, or an
    /// `error` object with `kind` and `message`.
    public var jsonValue: JSONValue {
        switch self {
        case .card(let summary): summary.jsonValue
        case .lorebook(let summary): summary.jsonValue
        case .failure(let failure):
            [
                "path": .string(failure.path), "ok": false,
                "error": ["kind": .string(failure.kind.rawValue), "message": .string(failure.reason)],
                "diagnostics": .array(failure.diagnostics.map(\.jsonValue)),
            ]
        }
    }
}

/// Reads inputs as `cardkit inspect` does: as a card, else as a lorebook file.
public enum CardInspector {
    /// Inspects one input.
    /// - Parameters:
    ///   - input: The file (or standard input).
    ///   - options: Reading options.
    /// - Returns: The card's or book's summary, or the failure naming the input.
    public static func inspect(_ input: CardInput, options: CardLoadOptions = .init()) -> InspectionRecord {
        let data: Data
        do {
            data = try input.read(limit: options.maxFileSize)
        } catch {
            return .failure(error)
        }
        return inspect(data: data, path: input.path, options: options)
    }

    /// Inspects the bytes of one input.
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - path: The input's name, used in the record and messages.
    ///   - options: Reading options.
    /// - Returns: The card's or book's summary, or the failure naming `path`.
    public static func inspect(data: Data, path: String, options: CardLoadOptions = .init()) -> InspectionRecord {
        do {
            return .card(CardSummary(try CardFileLoader.load(data: data, path: path, options: options)))
        } catch {
            guard error.kind == .notACard else { return .failure(error) }
            do {
                if let lorebook = try LorebookSummary(data: data, path: path, options: options) {
                    return .lorebook(lorebook)
                }
            } catch {
                return .failure(error)
            }
            return .failure(error)
        }
    }
}

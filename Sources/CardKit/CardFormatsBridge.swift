import CardFormats
import CardKitJSON
import CardModel
import Foundation

/// Where the loader hands over to `CardFormats` (CharX, YAML, Pygmalion, TavernAI folder JSON).
enum CardFormatsBridge {
    /// Reads a ZIP-based file (CharX, also a ZIP appended to a JPEG); `nil` when it holds no ZIP.
    static func loadArchive(data: Data, path: String, options: CardLoadOptions) throws(CardFileError) -> LoadedCard? {
        var charxOptions = CharXReadOptions()
        charxOptions.card.strict = options.read.strict
        charxOptions.card.json = options.read.json
        let document: CharXDocument
        do {
            document = try CharXReader.read(data: data, options: charxOptions)
        } catch {
            if case .notAZip = error { return nil }
            throw CardFileError(path: path, kind: .invalidContainer, reason: error.description)
        }
        let card = document.card.card
        return LoadedCard(
            path: path, container: .charx, format: card.shape.rawValue, card: card,
            diagnostics: document.allDiagnostics, storedJSON: [UInt8](document.cardJSON), pngScan: nil, pngChunk: nil,
            fileBytes: data, charx: document)
    }

    /// Reads a text file that the card reader refused: text-generation-webui YAML or Pygmalion JSON; `nil` to keep
    /// the card reader's error.
    static func loadText(data: Data, path: String, error: CardError, options: CardLoadOptions) throws(CardFileError)
        -> LoadedCard?
    {
        let detected = CardFormatSniffer.detect(data: data)
        let container: CardContainer
        let format: String
        let read: CardReadResult
        do {
            switch detected {
            case .textGenerationWebUIYAML:
                (container, format) = (.yaml, "textgen-yaml")
                read = try LegacyCardReader.readTextGenerationWebUI([UInt8](data))
            case .pygmalionJSON:
                (container, format) = (.json, "pygmalion")
                read = try LegacyCardReader.readPygmalion([UInt8](data))
            default:
                return nil
            }
        } catch {
            throw CardFileError(path: path, kind: .notACard, reason: error.description)
        }
        let diagnostics = read.diagnostics.map { $0.escalated(strict: options.read.strict) }
        let failures = diagnostics.filter { $0.severity == .error }
        if options.read.strict, let first = failures.first {
            throw CardFileError(
                path: path, kind: .strict, reason: "strict reading failed: \(first)", diagnostics: failures)
        }
        return LoadedCard(
            path: path, container: container, format: format, card: read.card, diagnostics: diagnostics,
            storedJSON: JSONWriter.bytes(read.card.json), pngScan: nil, pngChunk: nil, fileBytes: data)
    }

    /// A more specific name for a JSON card's shape (`tavernai-folder`), or `nil`.
    static func refinedFormat(of card: Card) -> String? {
        if case .tavernAIFolderJSON = CardFormatSniffer.detect(json: card.json) { return "tavernai-folder" }
        return nil
    }
}

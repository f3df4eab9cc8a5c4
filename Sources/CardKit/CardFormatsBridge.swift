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
            diagnostics: document.allDiagnostics, storedJSON: JSONWriter.bytes(card.json), pngScan: nil, pngChunk: nil,
            fileBytes: data)
    }

    /// Reads a text file that the card reader refused; `nil` to keep the card reader's error.
    static func loadText(data: Data, path: String, error: CardError, options: CardLoadOptions) throws(CardFileError)
        -> LoadedCard?
    {
        nil
    }
}

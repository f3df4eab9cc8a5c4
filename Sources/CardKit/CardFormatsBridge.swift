import CardKitJSON
import CardModel
import Foundation

/// Where the loader hands over to `CardFormats` (CharX, YAML, Pygmalion, TavernAI folder JSON).
enum CardFormatsBridge {
    /// Reads a ZIP-based or image-with-archive file; `nil` when it holds no card.
    static func loadArchive(data: Data, path: String, options: CardLoadOptions) throws(CardFileError) -> LoadedCard? {
        nil
    }

    /// Reads a text file that the card reader refused; `nil` to keep the card reader's error.
    static func loadText(data: Data, path: String, error: CardError, options: CardLoadOptions) throws(CardFileError)
        -> LoadedCard?
    {
        nil
    }
}

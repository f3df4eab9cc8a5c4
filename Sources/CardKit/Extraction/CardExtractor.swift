public import CardFormats
import Foundation

/// What extracting a card file gives.
public enum Extraction: Sendable {
    /// The card JSON exactly as the file stores it (for a PNG, the chosen chunk's decoded payload).
    case storedJSON([UInt8])
    /// A CharX archive, read with every safety check, for the caller to unpack with ``CharXDocument/unpack(to:)``.
    case archive(CharXDocument)
}

/// Takes the card out of a file: its stored JSON, or a whole CharX archive.
public enum CardExtractor {
    /// Extracts the card in `input`.
    ///
    /// - Parameters:
    ///   - input: The file.
    ///   - options: Limits and policies; `read.strict` also applies to a CharX archive's card.
    ///   - unpackingArchives: Whether a CharX archive is returned whole (to unpack) rather than as its `card.json`.
    /// - Returns: The stored JSON, or the archive.
    /// - Throws: ``CardFileError`` naming the file.
    public static func extract(_ input: CardInput, options: CardLoadOptions, unpackingArchives: Bool)
        throws(CardFileError) -> Extraction
    {
        let data = try input.read(limit: options.maxFileSize)
        if unpackingArchives, case .charx = CardFormatSniffer.detect(data: data) {
            var charxOptions = CharXReadOptions()
            charxOptions.card.strict = options.read.strict
            do {
                return .archive(try CharXReader.read(data: data, options: charxOptions))
            } catch {
                throw CardFileError(path: input.path, kind: .invalidContainer, reason: error.description)
            }
        }
        return .storedJSON(try CardFileLoader.load(data: data, path: input.path, options: options).storedJSON)
    }
}

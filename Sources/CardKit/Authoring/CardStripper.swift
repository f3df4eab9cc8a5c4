import CardModel
package import CardPNG
package import Foundation

/// What `cardkit strip` made of one PNG.
package struct CardStripResult: Sendable {
    /// The image without its card.
    package var png: [UInt8]
    /// The text chunks removed, in file order (card, asset and, unless kept, other text chunks).
    package var removedChunks: [PNGChunkLocation]
    /// Warnings about the input.
    package var diagnostics: [Diagnostic]
}

/// Takes the card out of a PNG card, leaving the image: every card and asset chunk goes, the image bytes stay.
package enum CardStripper {
    /// Strips the card from a PNG's bytes.
    ///
    /// - Parameters:
    ///   - data: The PNG's bytes.
    ///   - path: The name used in messages.
    ///   - keepingOtherText: Whether the text chunks that are not card chunks stay.
    ///   - options: The PNG input policy (CRC checks, limits).
    /// - Returns: The image and what was removed.
    /// - Throws: ``CardAuthoringError`` naming `path`.
    package static func strip(
        data: Data, path: String, keepingOtherText: Bool, options: PNGReadOptions = .init()
    ) throws(CardAuthoringError) -> CardStripResult {
        do {
            let result = try PNGCardStripper.strip(data, keepingOtherText: keepingOtherText, options: options)
            return CardStripResult(
                png: result.png, removedChunks: result.removedChunks, diagnostics: result.diagnostics)
        } catch {
            let kind: CardAuthoringError.Kind = if case .notPNG = error { .unsupportedContainer } else { .unreadable }
            throw CardAuthoringError(path: path, kind: kind, reason: error.description)
        }
    }

    /// Reads a PNG file and strips its card.
    ///
    /// - Parameters:
    ///   - input: The file.
    ///   - keepingOtherText: Whether the text chunks that are not card chunks stay.
    ///   - options: The PNG input policy and the file size limit.
    /// - Returns: The image and what was removed.
    /// - Throws: ``CardAuthoringError`` naming the file.
    package static func strip(_ input: CardInput, keepingOtherText: Bool, options: CardLoadOptions = .init())
        throws(CardAuthoringError) -> CardStripResult
    {
        let data: Data
        do {
            data = try input.read(limit: options.maxFileSize)
        } catch {
            throw CardAuthoringError(error)
        }
        return try strip(data: data, path: input.path, keepingOtherText: keepingOtherText, options: options.png)
    }
}

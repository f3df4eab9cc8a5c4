package import CardModel
package import Foundation

/// What stripping a PNG gave: the image without its card, and the chunks removed.
package struct PNGStripResult: Sendable, Hashable {
    /// The new file's bytes.
    package var png: [UInt8]
    /// The text chunks removed, in file order.
    package var removedChunks: [PNGChunkLocation]
    /// Warnings about the input (bytes after IEND dropped, bad CRCs kept under the lenient policy).
    package var diagnostics: [Diagnostic]
}

/// Removes the card from a PNG at the byte level, never re-encoding the image.
///
/// Every `chara`, `ccv3` and `chara-ext-asset_…` text chunk (tEXt, zTXt or iTXt, any keyword case) is removed, and
/// so is every other text chunk unless `keepingOtherText` is set. Every other chunk (IHDR, PLTE, IDAT, eXIf, iCCP, …)
/// is copied byte for byte, in order.
package enum PNGCardStripper {
    /// Strips the card chunks from a PNG.
    ///
    /// - Parameters:
    ///   - png: The PNG's bytes.
    ///   - keepingOtherText: Whether text chunks that are not card chunks (`Title`, `Comment`, …) stay.
    ///   - options: The input policy (CRC checks and limits).
    /// - Returns: The image without its card, and what was removed.
    /// - Throws: ``PNGCardError`` when the input is not a well-formed PNG.
    package static func strip(
        _ png: some ContiguousBytes, keepingOtherText: Bool, options: PNGReadOptions = .init()
    ) throws(PNGCardError) -> PNGStripResult {
        let result: Result<PNGStripResult, PNGCardError> = png.withUnsafeBytes { bytes in
            do throws(PNGCardError) {
                return .success(try strip(bytes, keepingOtherText: keepingOtherText, options: options))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func strip(_ bytes: UnsafeRawBufferPointer, keepingOtherText: Bool, options: PNGReadOptions)
        throws(PNGCardError) -> PNGStripResult
    {
        let spliced = try PNGCardWriter.splice(bytes, newChunks: [], options: options) { keyword in
            guard let keyword else { return !keepingOtherText }
            return TextChunk.isCardKeyword(keyword) || TextChunk.isAssetKeyword(keyword) || !keepingOtherText
        }
        return PNGStripResult(png: spliced.png, removedChunks: spliced.removedChunks, diagnostics: spliced.diagnostics)
    }
}

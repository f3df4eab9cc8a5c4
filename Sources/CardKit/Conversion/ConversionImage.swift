import CardModel
package import Foundation

extension ConversionTarget {
    /// Whether this target writes binary data (PNG, CharX), which is never printed on a terminal.
    public var isBinary: Bool { fileExtension != "json" }
}

extension CardConverter {
    /// Reads the image that `--to png` embeds cards into, checking it is a PNG, so that a bad image is blamed on
    /// itself before any card is converted.
    ///
    /// - Parameter input: The image file (or standard input).
    /// - Returns: The image's bytes.
    /// - Throws: ``CardFileError`` naming the image: unreadable, a folder, empty, or not a PNG.
    package static func readImage(_ input: CardInput) throws(CardFileError) -> Data {
        let data = try input.read()
        let signature = FileSignature.detect(data)
        guard signature == .png else {
            let looksLike = data.isEmpty ? "an empty file" : signature.description
            throw CardFileError(
                path: input.path, kind: .unsupportedFormat, reason: "the image is not a PNG: looks like \(looksLike)")
        }
        return data
    }
}

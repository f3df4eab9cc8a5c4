/// Encodes pixels as a PNG through libpng (used for the default avatar; useful for tests and tools that need an
/// image to embed a card into).
package enum PNGImageEncoder {
    /// Encodes 8-bit RGBA pixels as a non-interlaced PNG.
    ///
    /// - Parameters:
    ///   - pixels: `width * height * 4` bytes, rows top to bottom.
    ///   - width: the width in pixels, 1-16384.
    ///   - height: the height in pixels, 1-16384.
    ///   - compressionLevel: the zlib level, 0-9 (default 6).
    /// - Returns: the PNG's bytes.
    /// - Throws: ``PNGCardError/cannotWrite(reason:)`` for a size mismatch or a libpng failure.
    package static func encodeRGBA(_ pixels: [UInt8], width: Int, height: Int, compressionLevel: Int = 6)
        throws(PNGCardError) -> [UInt8]
    {
        guard (0...9).contains(compressionLevel) else {
            throw .cannotWrite(reason: "compression level \(compressionLevel) is not 0-9")
        }
        return try LibPNG.encodeRGBA(pixels, width: width, height: height, compressionLevel: compressionLevel)
    }
}

package import CardModel
package import Foundation

/// The result of a full check of a PNG card (`validate --image`).
package struct PNGImageCheckResult: Sendable, Hashable {
    /// The IHDR fields as libpng read them.
    package var header: PNGImageHeader
    /// The linked libpng version, for example `1.6.39`.
    package var libpngVersion: String
    /// Whether every row of the image was decoded.
    package var decodedImage: Bool
    /// The byte-level scan of the same file (card chunks, assets, warnings).
    package var scan: PNGCardScan
    /// The scan's warnings, then libpng's warnings, then the text chunks libpng did not return (libpng drops
    /// chunks with a bad CRC, above its size limit or past its chunk cache; other libpng-based readers will not see
    /// them).
    package var diagnostics: [Diagnostic]
}

/// A full check of a PNG: the byte-level scan, then libpng over the same bytes, optionally decoding every row.
///
/// 1. ``PNGCardReader/scan(_:options:)`` checks the container and decodes the card chunks.
/// 2. libpng reads the file with an `end_info` (so text after IDAT is seen), a chunk cache sized to the text chunks
///    the scan found, a chunk limit that keeps all inflated text within ``PNGReadOptions/maxTotalTextLength``, and
///    the CRC policy of the options; with `decodeImage` it inflates and unfilters every row (one row in memory at a
///    time).
/// 3. Every text chunk the scan found but libpng did not return is reported, so nothing libpng drops silently
///    goes unnoticed.
package enum PNGImageCheck {
    /// Checks a PNG in memory.
    ///
    /// - Parameters:
    ///   - png: the file's bytes.
    ///   - options: limits and the CRC policy.
    ///   - decodeImage: whether libpng decodes the pixels (true for `validate --image`); false reads metadata
    ///     only, with IDAT handed to a user chunk callback.
    ///   - maxPixels: the largest width × height decoded; default 2^28.
    /// - Returns: the header, the scan and every diagnostic.
    /// - Throws: ``PNGCardError`` from the scan, or ``PNGCardError/libpng(message:)`` when libpng rejects the file.
    package static func check(
        _ png: some ContiguousBytes,
        options: PNGReadOptions = .init(),
        decodeImage: Bool = true,
        maxPixels: Int = 1 << 28
    ) throws(PNGCardError) -> PNGImageCheckResult {
        let scan = try PNGCardReader.scan(png, options: options)
        // Bound what libpng may hold: room for exactly the text chunks the scan found (none dropped), each copied
        // at most once, and the inflated text of all compressed chunks together within maxTotalTextLength.
        let texts = scan.cardChunks.map(\.location) + scan.assets.map(\.location) + scan.otherTextChunks
        let largestStored = texts.map(\.length).max() ?? 0
        let compressedCount = texts.filter { $0.chunkType != .tEXt }.count
        let inflateLimit = min(options.maxInflatedTextLength, options.maxTotalTextLength / max(1, compressedCount))
        let report = try LibPNG.read(
            png,
            decodeImage: decodeImage,
            options: options,
            maxPixels: maxPixels,
            chunkLimit: max(largestStored + 1, inflateLimit),
            chunkCacheLimit: scan.chunkCount + 16
        )
        var diagnostics = scan.diagnostics
        for warning in report.warnings {
            // Skipping IDAT through the user chunk callback makes libpng see each further IDAT as "too many".
            if !decodeImage && warning.contains("Too many IDATs") { continue }
            diagnostics.append(Diagnostic(.warning, code: .pngLibPNGWarning, "libpng: \(warning)"))
        }
        var returned: [String: Int] = [:]
        for text in report.texts { returned["\(text.type.rawValue) \(text.keyword)", default: 0] += 1 }
        let scanned =
            scan.cardChunks.map(\.location) + scan.assets.map(\.location) + scan.otherTextChunks
        for location in scanned.sorted(by: { $0.offset < $1.offset }) {
            let key = "\(location.chunkType.rawValue) \(location.keyword)"
            if let count = returned[key], count > 0 {
                returned[key] = count - 1
            } else {
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        code: .pngLibPNGDroppedText,
                        offset: location.offset,
                        "libpng did not return \(location): libpng-based readers will not see this chunk"
                    )
                )
            }
        }
        return PNGImageCheckResult(
            header: report.header,
            libpngVersion: LibPNG.version,
            decodedImage: decodeImage,
            scan: scan,
            diagnostics: diagnostics
        )
    }
}

/// What libpng alone reports about a PNG (no byte-level scan): used to compare the engines.
package struct PNGLibPNGReport: Sendable, Hashable {
    /// The IHDR fields.
    package var header: PNGImageHeader
    /// Every text chunk libpng returned, as `type keyword` (for example `tEXt chara`), in libpng's order.
    package var textChunks: [String]
    /// libpng's warnings, one per line.
    package var warnings: [String]
}

extension PNGImageCheck {
    /// Reads a PNG with libpng only: the metadata path (IDAT handed to a user chunk callback and dropped) or a full
    /// decode of every row.
    ///
    /// - Parameters:
    ///   - png: the file's bytes.
    ///   - options: the chunk limit and CRC policy handed to libpng.
    ///   - decodeImage: whether to inflate every row.
    /// - Returns: the header, text chunk names and warnings libpng produced.
    /// - Throws: ``PNGCardError/notPNG(looksLike:)`` or ``PNGCardError/libpng(message:)``.
    package static func readWithLibPNG(
        _ png: some ContiguousBytes, options: PNGReadOptions = .init(), decodeImage: Bool
    )
        throws(PNGCardError) -> PNGLibPNGReport
    {
        let report = try LibPNG.read(png, decodeImage: decodeImage, options: options)
        return PNGLibPNGReport(
            header: report.header,
            textChunks: report.texts.map { "\($0.type.rawValue) \($0.keyword)" },
            warnings: report.warnings
        )
    }
}

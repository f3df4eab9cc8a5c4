internal import CCardPNG
import Foundation

/// A text chunk as libpng returned it.
struct LibPNGText: Hashable {
    var keyword: String
    var type: PNGTextChunkType
    var afterImageData: Bool
    var text: [UInt8]
}

/// What a libpng read returned.
struct LibPNGReport {
    var header: PNGImageHeader
    var texts: [LibPNGText]
    var warnings: [String]
}

/// Swift's side of the shim: the only place that calls `ccard_png_read` and `ccard_png_encode_rgba`.
enum LibPNG {
    /// The linked libpng version, for example `1.6.39`.
    static var version: String {
        let number = Int(ccard_png_version_number())
        return "\(number / 10000).\(number / 100 % 100).\(number % 100)"
    }

    private final class TextCollector {
        var texts: [LibPNGText] = []
    }

    /// Reads a PNG with libpng: IHDR, every text chunk (with an `end_info` for those after IDAT), and either skips
    /// the image data through the user chunk callback or decodes every row.
    ///
    /// The chunk size limit is `chunkLimit`, by default the larger of `options.maxTextChunkLength` and
    /// `options.maxInflatedTextLength` (libpng's own default would be 8 MB); the chunk cache holds `chunkCacheLimit`
    /// chunks, 0 meaning no limit (libpng's default would drop text chunks after about 1000); a bad ancillary CRC is
    /// an error under ``PNGReadOptions/CRCPolicy/error`` and a warning (and a dropped chunk) otherwise.
    static func read(
        _ png: some ContiguousBytes,
        decodeImage: Bool,
        options: PNGReadOptions,
        maxPixels: Int = 1 << 28,
        chunkLimit: Int? = nil,
        chunkCacheLimit: Int = 0
    ) throws(PNGCardError) -> LibPNGReport {
        let collector = TextCollector()
        var report = ccard_png_read_report()
        var warnings = [CChar](repeating: 0, count: 16 * 1024)
        var message = [CChar](repeating: 0, count: 512)
        var readOptions = ccard_png_read_options(
            chunk_malloc_max: max(1, chunkLimit ?? max(options.maxTextChunkLength, options.maxInflatedTextLength)),
            chunk_cache_max: UInt32(clamping: max(0, chunkCacheLimit)),
            strict_ancillary_crc: options.crcPolicy == .error ? 1 : 0,
            decode_image: decodeImage ? 1 : 0,
            max_pixels: UInt64(max(0, maxPixels))
        )
        let visitor: ccard_png_text_visitor = { context, keyword, kind, after, text, length in
            guard let context else { return }
            let collector = Unmanaged<TextCollector>.fromOpaque(context).takeUnretainedValue()
            let type: PNGTextChunkType =
                switch kind {
                case Int32(CCARD_PNG_TEXT_TEXT.rawValue): .tEXt
                case Int32(CCARD_PNG_TEXT_ZTXT.rawValue): .zTXt
                default: .iTXt
                }
            let keywordString = TextChunk.latin1(
                UnsafeRawBufferPointer(start: UnsafeRawPointer(keyword), count: strlen(keyword))
            )
            let bytes = Array(UnsafeRawBufferPointer(start: text, count: length))
            collector.texts.append(
                LibPNGText(keyword: keywordString, type: type, afterImageData: after != 0, text: bytes)
            )
        }
        let status: ccard_png_status = png.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return CCARD_PNG_ERR_NOT_PNG }
            return withExtendedLifetime(collector) {
                ccard_png_read(
                    base,
                    raw.count,
                    &readOptions,
                    visitor,
                    Unmanaged.passUnretained(collector).toOpaque(),
                    &report,
                    &warnings,
                    warnings.count,
                    &message,
                    message.count
                )
            }
        }
        let messageText = cString(message)
        switch status {
        case CCARD_PNG_OK:
            break
        case CCARD_PNG_ERR_NOT_PNG:
            let looksLike = png.withUnsafeBytes { PNGChunkWalker.sniff($0) }
            throw .notPNG(looksLike: looksLike)
        case CCARD_PNG_ERR_TOO_LARGE:
            throw .imageTooLarge(width: Int(report.width), height: Int(report.height), limit: maxPixels)
        default:
            throw .libpng(message: messageText.isEmpty ? "read failed (status \(status.rawValue))" : messageText)
        }
        let header = PNGImageHeader(
            width: Int(report.width),
            height: Int(report.height),
            bitDepth: Int(report.bit_depth),
            colorType: Int(report.color_type),
            interlaced: report.interlace != 0
        )
        let warningLines = cString(warnings).split(separator: "\n").map(String.init)
        return LibPNGReport(header: header, texts: collector.texts, warnings: warningLines)
    }

    /// Encodes 8-bit RGBA pixels as a PNG through libpng.
    static func encodeRGBA(_ pixels: [UInt8], width: Int, height: Int, compressionLevel: Int = 9) throws(PNGCardError)
        -> [UInt8]
    {
        guard width > 0, height > 0, pixels.count == width * height * 4 else {
            throw .cannotWrite(reason: "pixel buffer does not match \(width)x\(height) RGBA")
        }
        var output: UnsafeMutableRawPointer?
        var length = 0
        var message = [CChar](repeating: 0, count: 512)
        let status = pixels.withUnsafeBytes { raw in
            ccard_png_encode_rgba(
                raw.baseAddress!,
                UInt32(width),
                UInt32(height),
                Int32(compressionLevel),
                &output,
                &length,
                &message,
                message.count
            )
        }
        defer { ccard_png_free(output) }
        guard status == CCARD_PNG_OK, let output else {
            throw .cannotWrite(reason: "libpng: \(cString(message))")
        }
        return Array(UnsafeRawBufferPointer(start: output, count: length))
    }

    private static func cString(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

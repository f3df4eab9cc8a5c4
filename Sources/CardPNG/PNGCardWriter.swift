public import CardModel
package import Foundation

/// A text chunk to embed: a keyword and the bytes to base64-encode into it.
package struct PNGCardPayload: Sendable, Hashable {
    /// The keyword, 1-79 Latin-1 characters (written as given; card keywords should be lowercase).
    package var keyword: String
    /// The bytes embedded as base64 (for a card: its UTF-8 JSON).
    package var bytes: [UInt8]

    /// Creates a payload.
    package init(keyword: String, bytes: [UInt8]) {
        self.keyword = keyword
        self.bytes = bytes
    }

    /// A `chara` payload (V1 or V2 JSON).
    package static func chara(_ json: [UInt8]) -> PNGCardPayload { PNGCardPayload(keyword: "chara", bytes: json) }
    /// A `ccv3` payload (V3 JSON).
    package static func ccv3(_ json: [UInt8]) -> PNGCardPayload { PNGCardPayload(keyword: "ccv3", bytes: json) }
}

/// The result of an embed: the new PNG bytes and what was replaced.
public struct PNGEmbedResult: Sendable, Hashable {
    /// The new file's bytes.
    public var png: [UInt8]
    /// The card chunks removed from the input (every `chara`/`ccv3` tEXt, zTXt or iTXt chunk, any case), and its
    /// asset chunks when ``PNGWriteOptions/removeAssetChunks`` is set.
    public var removedChunks: [PNGChunkLocation]
    /// Warnings about the input (bytes after IEND dropped, bad CRCs kept under the lenient policy).
    public var diagnostics: [Diagnostic]
}

/// Options for ``PNGCardWriter``.
public struct PNGWriteOptions: Sendable, Hashable {
    /// How the input is checked while it is copied (CRC policy and limits); default: bad CRCs are errors.
    public var input: PNGReadOptions = .init()
    /// Whether the output is read back through libpng (a metadata read, no pixel decode) before it is returned.
    public var validateWithLibPNG: Bool = false
    /// Whether the input's RisuAI asset chunks (`chara-ext-asset_…`) are removed too; default `false`.
    ///
    /// A writer that puts the assets back itself (or moves them into a CharX) sets it; otherwise they are copied
    /// like any other chunk.
    public var removeAssetChunks: Bool = false

    /// The default options.
    public init() {}
}

/// Embeds card chunks into a PNG at the byte level, never re-encoding the image.
///
/// Every chunk of the input is copied byte for byte except `chara`/`ccv3` text chunks (tEXt, zTXt or iTXt, any
/// keyword case), which are removed; the new `tEXt` chunks go just before IEND, in the order given. Bytes after
/// IEND are dropped (with a warning).
public enum PNGCardWriter {
    /// Embeds payloads into a PNG.
    ///
    /// - Parameters:
    ///   - payloads: the chunks to write, in order (typically ``PNGCardPayload/chara(_:)`` then
    ///     ``PNGCardPayload/ccv3(_:)``).
    ///   - png: the source PNG's bytes.
    ///   - options: the input policy and whether to validate the output with libpng.
    /// - Returns: the new PNG and what was removed.
    /// - Throws: ``PNGCardError`` when the input is not a well-formed PNG, a keyword is invalid, or the output
    ///   fails the libpng check.
    package static func embed(
        _ payloads: [PNGCardPayload],
        into png: some ContiguousBytes,
        options: PNGWriteOptions = .init()
    ) throws(PNGCardError) -> PNGEmbedResult {
        var newChunks: [[UInt8]] = []
        for payload in payloads {
            newChunks.append(try textChunk(payload))
        }
        let result: Result<PNGEmbedResult, PNGCardError> = png.withUnsafeBytes { bytes in
            do throws(PNGCardError) {
                let removeAssets = options.removeAssetChunks
                return .success(
                    try splice(bytes, newChunks: newChunks, options: options.input) { keyword in
                        guard let keyword else { return false }
                        return TextChunk.isCardKeyword(keyword) || (removeAssets && TextChunk.isAssetKeyword(keyword))
                    })
            } catch {
                return .failure(error)
            }
        }
        let embedded = try result.get()
        if options.validateWithLibPNG {
            _ = try LibPNG.read(embedded.png, decodeImage: false, options: options.input)
        }
        return embedded
    }

    /// Embeds a V2 (`chara`) and a V3 (`ccv3`) JSON document, in that order; either may be nil to omit it.
    ///
    /// - Parameters:
    ///   - v2JSON: the UTF-8 JSON for `chara`, or nil.
    ///   - v3JSON: the UTF-8 JSON for `ccv3`, or nil.
    ///   - png: the source PNG's bytes.
    ///   - options: the input policy and whether to validate the output with libpng.
    /// - Returns: the new PNG and what was removed.
    /// - Throws: ``PNGCardError`` as ``embed(_:into:options:)`` does.
    package static func embed(
        v2JSON: [UInt8]?,
        v3JSON: [UInt8]?,
        into png: some ContiguousBytes,
        options: PNGWriteOptions = .init()
    ) throws(PNGCardError) -> PNGEmbedResult {
        var payloads: [PNGCardPayload] = []
        if let v2JSON { payloads.append(.chara(v2JSON)) }
        if let v3JSON { payloads.append(.ccv3(v3JSON)) }
        return try embed(payloads, into: png, options: options)
    }

    /// Builds a complete chunk: length, type, data and CRC.
    static func chunk(type: String, data: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(data.count + 12)
        let length = UInt32(data.count)
        out += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        out += Array(type.utf8)
        out += data
        let crc = out.withUnsafeBytes { raw in CRC32Checksum.compute(UnsafeRawBufferPointer(rebasing: raw[4...])) }
        out += [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        return out
    }

    static func textChunk(_ payload: PNGCardPayload) throws(PNGCardError) -> [UInt8] {
        let scalars = payload.keyword.unicodeScalars
        guard (1...79).contains(scalars.count),
            scalars.allSatisfy({ ($0.value >= 0x20 && $0.value <= 0x7E) || ($0.value >= 0xA1 && $0.value <= 0xFF) }),
            scalars.first != " ", scalars.last != " "
        else {
            throw .cannotWrite(reason: "invalid tEXt keyword '\(payload.keyword)' (1-79 printable Latin-1 characters)")
        }
        let encoded = PNGBase64.encode(payload.bytes)
        guard encoded.count + scalars.count + 1 <= 0x7FFF_FFFF else {
            throw .cannotWrite(reason: "payload for '\(payload.keyword)' is too large for one PNG chunk")
        }
        var data = scalars.map { UInt8($0.value) }
        data.append(0)
        data += encoded
        return chunk(type: "tEXt", data: data)
    }

    /// Copies a PNG chunk by chunk, leaving out the text chunks `remove` picks and putting `newChunks` before IEND.
    ///
    /// `remove` gets each tEXt, zTXt or iTXt chunk's keyword bytes, or nil for a chunk without a valid keyword.
    static func splice(
        _ bytes: UnsafeRawBufferPointer, newChunks: [[UInt8]], options: PNGReadOptions,
        remove: (UnsafeRawBufferPointer?) -> Bool
    ) throws(PNGCardError) -> PNGEmbedResult {
        var diagnostics: [Diagnostic] = []
        var removed: [PNGChunkLocation] = []
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + newChunks.reduce(0) { $0 + $1.count })
        out += PNGChunkWalker.signature
        _ = try PNGChunkWalker.walk(bytes, options: options, diagnostics: &diagnostics) {
            (chunk) throws(PNGCardError) in
            let whole = UnsafeRawBufferPointer(rebasing: bytes[chunk.offset..<chunk.offset + chunk.length + 12])
            let textType: PNGTextChunkType? =
                switch chunk.type {
                case .tEXt: .tEXt
                case .zTXt: .zTXt
                case .iTXt: .iTXt
                default: nil
                }
            if let textType {
                let data = UnsafeRawBufferPointer(rebasing: bytes[chunk.dataOffset..<chunk.dataOffset + chunk.length])
                let end = TextChunk.keywordEnd(data)
                if remove(end.map { UnsafeRawBufferPointer(rebasing: data[0..<$0]) }) {
                    let shown = UnsafeRawBufferPointer(rebasing: data[0..<(end ?? min(data.count, 79))])
                    removed.append(
                        PNGChunkLocation(
                            chunkType: textType,
                            keyword: TextChunk.latin1(shown),
                            chunkIndex: chunk.index,
                            offset: chunk.offset,
                            length: chunk.length,
                            afterImageData: chunk.afterImageData
                        )
                    )
                    return
                }
            }
            if chunk.type == .IEND {
                for newChunk in newChunks { out += newChunk }
            }
            out += whole
        }
        return PNGEmbedResult(png: out, removedChunks: removed, diagnostics: diagnostics)
    }
}

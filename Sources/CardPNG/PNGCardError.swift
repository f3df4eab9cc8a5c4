/// Thrown when a PNG card cannot be read, written or checked.
///
/// Every case that concerns a chunk names the chunk type and the byte offset of the chunk's first byte (its length
/// field) in the file, so a message reads like `byte 1234: tEXt chunk: CRC mismatch`.
public enum PNGCardError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Thrown when the input does not start with the PNG signature; `looksLike` names the format it seems to be
    /// (`JPEG`, `WebP`, `GIF`, `ZIP`, `JSON`…), when it is recognised.
    case notPNG(looksLike: String?)
    /// Thrown when the file ends early: inside the signature, a chunk header, a chunk's data or CRC, or before
    /// IEND. `chunkType` is nil when the file ends between chunks; `offset` is the start of the incomplete chunk
    /// (or the end of the file when no chunk started); `needed` and `available` are byte counts from `offset`.
    case truncated(chunkType: String?, offset: Int, needed: Int, available: Int)
    /// Thrown when a chunk's length field is above 2^31 − 1, which the PNG specification forbids.
    case chunkLengthTooLarge(chunkType: String, offset: Int, length: UInt32)
    /// Thrown when a chunk type is not four ASCII letters (the file is corrupt from here on).
    case invalidChunkType(offset: Int, bytes: [UInt8])
    /// Thrown when the first chunk is not a valid IHDR.
    case invalidHeader(offset: Int, reason: String)
    /// Thrown when a chunk's stored CRC differs from the CRC of its type and data (unless reading leniently).
    case badCRC(chunkType: String, offset: Int, stored: UInt32, computed: UInt32)
    /// Thrown when a text chunk (tEXt, zTXt, iTXt) is larger than ``PNGReadOptions/maxTextChunkLength``.
    case textChunkTooLarge(chunkType: String, offset: Int, length: Int, limit: Int)
    /// Thrown when the text of a zTXt or compressed iTXt chunk inflates past
    /// ``PNGReadOptions/maxInflatedTextLength`` (a decompression bomb), or when all card text together exceeds
    /// ``PNGReadOptions/maxTotalTextLength``.
    case inflatedTextTooLarge(chunkType: String, keyword: String, offset: Int, limit: Int)
    /// Thrown when a text chunk's layout is wrong (no keyword terminator, unknown compression method, corrupt
    /// zlib data…) and the chunk is a card or asset chunk.
    case malformedTextChunk(chunkType: String, keyword: String?, offset: Int, reason: String)
    /// Thrown when a card chunk's payload is not base64; `position` is the index in the payload text.
    case invalidBase64(chunkType: String, keyword: String, offset: Int, position: Int)
    /// Thrown when a card chunk holds a RisuAI encrypted card (`rcc||…`), which needs RisuAI and a password.
    case encryptedRisuCard(chunkType: String, keyword: String, offset: Int)
    /// Thrown when the PNG has no `chara` or `ccv3` text chunk; `textKeywords` lists the text chunks it has (the
    /// message names the first ``listedKeywords``).
    case noCard(textKeywords: [String])
    /// Thrown when libpng rejects the file (a full check or a libpng metadata read); `message` is libpng's.
    case libpng(message: String)
    /// Thrown when an image is larger than the configured pixel limit of a full check.
    case imageTooLarge(width: Int, height: Int, limit: Int)
    /// Thrown when the input file is larger than ``PNGReadOptions/maxFileSize``.
    case fileTooLarge(size: Int, limit: Int)
    /// Thrown when a card or image cannot be written (bad keyword, too-large chunk, encoder failure).
    case cannotWrite(reason: String)

    /// How many text chunk keywords the ``noCard(textKeywords:)`` message lists: 20, then "and N more".
    package static let listedKeywords = 20

    /// The error as one line, naming the chunk and its byte offset where it can.
    public var description: String {
        switch self {
        case .notPNG(let looksLike):
            if let looksLike { return "not a PNG: looks like \(looksLike)" }
            return "not a PNG: the file does not start with the PNG signature"
        case .truncated(let chunkType, let offset, let needed, let available):
            if let chunkType {
                return "byte \(offset): \(chunkType) chunk: file is truncated (chunk needs \(needed) bytes, "
                    + "\(available) left)"
            }
            if needed == 0 { return "byte \(offset): file is truncated: it ends before IEND" }
            return "byte \(offset): file is truncated inside a chunk header (\(needed) bytes needed, \(available) left)"
        case .chunkLengthTooLarge(let chunkType, let offset, let length):
            return "byte \(offset): \(chunkType) chunk: length \(length) is above the PNG maximum 2^31-1"
        case .invalidChunkType(let offset, let bytes):
            let hex = bytes.map { String($0, radix: 16) }.joined(separator: " ")
            return "byte \(offset): invalid chunk type (bytes \(hex)): the file is corrupt"
        case .invalidHeader(let offset, let reason):
            return "byte \(offset): IHDR: \(reason)"
        case .badCRC(let chunkType, let offset, let stored, let computed):
            return "byte \(offset): \(chunkType) chunk: CRC mismatch (stored \(hex32(stored)), computed "
                + "\(hex32(computed)))"
        case .textChunkTooLarge(let chunkType, let offset, let length, let limit):
            return "byte \(offset): \(chunkType) chunk: \(length) bytes is above the text chunk limit of \(limit)"
        case .inflatedTextTooLarge(let chunkType, let keyword, let offset, let limit):
            return "byte \(offset): \(chunkType) chunk '\(keyword)': decompressed text exceeds the limit of "
                + "\(limit) bytes (decompression bomb?)"
        case .malformedTextChunk(let chunkType, let keyword, let offset, let reason):
            let name = keyword.map { " '\($0)'" } ?? ""
            return "byte \(offset): \(chunkType) chunk\(name): \(reason)"
        case .invalidBase64(let chunkType, let keyword, let offset, let position):
            return "byte \(offset): \(chunkType) chunk '\(keyword)': payload is not base64 (bad character at "
                + "payload index \(position))"
        case .encryptedRisuCard(let chunkType, let keyword, let offset):
            return "byte \(offset): \(chunkType) chunk '\(keyword)': encrypted RisuAI card (rcc||): it can only be "
                + "opened in RisuAI with its password"
        case .noCard(let keywords):
            if keywords.isEmpty { return "no card in this PNG: it has no text chunks" }
            // At most `listedKeywords` names: a PNG with 100,000 text chunks made a 789 KB message.
            let listed = keywords.prefix(Self.listedKeywords).joined(separator: ", ")
            let more = keywords.count > Self.listedKeywords ? ", and \(keywords.count - Self.listedKeywords) more" : ""
            return "no card in this PNG: no 'chara' or 'ccv3' text chunk (text chunks: " + listed + more + ")"
        case .libpng(let message):
            return "libpng: \(message)"
        case .imageTooLarge(let width, let height, let limit):
            return "image is \(width)x\(height), above the limit of \(limit) pixels"
        case .fileTooLarge(let size, let limit):
            return "file is \(size) bytes, above the limit of \(limit)"
        case .cannotWrite(let reason):
            return "cannot write PNG: \(reason)"
        }
    }

    /// The byte offset the error points at, when it has one.
    public var offset: Int? {
        switch self {
        case .truncated(_, let offset, _, _), .chunkLengthTooLarge(_, let offset, _), .invalidChunkType(let offset, _),
            .invalidHeader(let offset, _), .badCRC(_, let offset, _, _), .textChunkTooLarge(_, let offset, _, _),
            .inflatedTextTooLarge(_, _, let offset, _), .malformedTextChunk(_, _, let offset, _),
            .invalidBase64(_, _, let offset, _), .encryptedRisuCard(_, _, let offset):
            return offset
        case .notPNG, .noCard, .libpng, .imageTooLarge, .fileTooLarge, .cannotWrite:
            return nil
        }
    }
}

func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}

import CardModel

/// The four-byte type of a chunk, as a big-endian integer (`IHDR` = 0x49484452).
struct ChunkType: Hashable, Sendable {
    var raw: UInt32

    static let IHDR = ChunkType("IHDR")
    static let IDAT = ChunkType("IDAT")
    static let IEND = ChunkType("IEND")
    static let tEXt = ChunkType("tEXt")
    static let zTXt = ChunkType("zTXt")
    static let iTXt = ChunkType("iTXt")

    init(raw: UInt32) { self.raw = raw }

    init(_ name: StaticString) {
        var value: UInt32 = 0
        name.withUTF8Buffer { buffer in
            for byte in buffer { value = value << 8 | UInt32(byte) }
        }
        raw = value
    }

    var name: String {
        let bytes = [UInt8(raw >> 24), UInt8(raw >> 16 & 0xFF), UInt8(raw >> 8 & 0xFF), UInt8(raw & 0xFF)]
        return String(decoding: bytes, as: Unicode.ASCII.self)
    }

    /// Bit 5 of the first byte clear: the chunk is critical.
    var isCritical: Bool { raw & 0x2000_0000 == 0 }
}

/// One chunk found by the walker; offsets are into the file.
struct RawChunk {
    /// The chunk type.
    var type: ChunkType
    /// The offset of the length field.
    var offset: Int
    /// The offset of the first data byte.
    var dataOffset: Int { offset + 8 }
    /// The data length.
    var length: Int
    /// The index among the file's chunks (IHDR is 0).
    var index: Int
    /// Whether an IDAT chunk came before this one.
    var afterImageData: Bool
    /// Whether the CRC was checked and matched (false when it mismatched under the lenient policy, or was not
    /// checked).
    var crcVerified: Bool
}

/// The IHDR fields of a PNG.
public struct PNGImageHeader: Sendable, Hashable {
    /// The width in pixels.
    public var width: Int
    /// The height in pixels.
    public var height: Int
    /// The bit depth (1, 2, 4, 8 or 16).
    public var bitDepth: Int
    /// The PNG colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA).
    public var colorType: Int
    /// Whether the image is Adam7-interlaced.
    public var interlaced: Bool

    /// Creates a header value.
    package init(width: Int, height: Int, bitDepth: Int, colorType: Int, interlaced: Bool) {
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.colorType = colorType
        self.interlaced = interlaced
    }
}

/// A bounded byte-level walk over PNG chunks: the signature, every chunk's length, type and CRC, IHDR first,
/// IEND last, and anything after IEND.
///
/// It never copies chunk data.
enum PNGChunkWalker {
    static let signature = FileSignature.pngBytes

    /// Names the format of bytes that are not a PNG, for "not a PNG: looks like JPEG".
    static func sniff(_ bytes: UnsafeRawBufferPointer) -> String? {
        let signature = FileSignature.detect(bytes)
        return signature == .other ? nil : signature.description
    }

    @inline(__always)
    static func be32(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    static func crc(_ bytes: UnsafeRawBufferPointer, from start: Int, count: Int) -> UInt32 {
        CRC32Checksum.compute(UnsafeRawBufferPointer(rebasing: bytes[start..<start + count]))
    }

    /// Walks every chunk up to IEND, calling `visit` for each, and returns the IHDR fields.
    ///
    /// - Throws: ``PNGCardError`` for a missing signature, truncation, a length above 2^31 − 1, an invalid chunk
    ///   type, a bad IHDR, or a CRC mismatch under ``PNGReadOptions/CRCPolicy/error``.
    static func walk(
        _ bytes: UnsafeRawBufferPointer,
        options: PNGReadOptions,
        diagnostics: inout [Diagnostic],
        visit: (RawChunk) throws(PNGCardError) -> Void
    ) throws(PNGCardError) -> PNGImageHeader {
        let count = bytes.count
        if count > options.maxFileSize { throw .fileTooLarge(size: count, limit: options.maxFileSize) }
        if count < 8 {
            let isPrefix = (0..<count).allSatisfy { bytes[$0] == signature[$0] }
            if isPrefix && count > 0 { throw .truncated(chunkType: nil, offset: 0, needed: 8, available: count) }
            throw .notPNG(looksLike: count == 0 ? "an empty file" : sniff(bytes))
        }
        for i in 0..<8 where bytes[i] != signature[i] { throw .notPNG(looksLike: sniff(bytes)) }

        var position = 8
        var index = 0
        var seenImageData = false
        var header: PNGImageHeader?
        while true {
            let remaining = count - position
            if remaining == 0 { throw .truncated(chunkType: nil, offset: position, needed: 0, available: 0) }
            if remaining < 8 { throw .truncated(chunkType: nil, offset: position, needed: 8, available: remaining) }
            let lengthField = be32(bytes, position)
            let typeRaw = be32(bytes, position + 4)
            for i in 4..<8 {
                let byte = bytes[position + i]
                let isLetter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                if !isLetter {
                    throw .invalidChunkType(offset: position, bytes: (4..<8).map { bytes[position + $0] })
                }
            }
            let type = ChunkType(raw: typeRaw)
            if lengthField > 0x7FFF_FFFF {
                throw .chunkLengthTooLarge(chunkType: type.name, offset: position, length: lengthField)
            }
            let length = Int(lengthField)
            if 12 + length > remaining {
                throw .truncated(chunkType: type.name, offset: position, needed: 12 + length, available: remaining)
            }
            if index == 0 {
                guard type == .IHDR else {
                    throw .invalidHeader(offset: position, reason: "the first chunk is \(type.name), not IHDR")
                }
                guard length == 13 else {
                    throw .invalidHeader(offset: position, reason: "IHDR length is \(length), not 13")
                }
                let d = position + 8
                header = PNGImageHeader(
                    width: Int(be32(bytes, d)),
                    height: Int(be32(bytes, d + 4)),
                    bitDepth: Int(bytes[d + 8]),
                    colorType: Int(bytes[d + 9]),
                    interlaced: bytes[d + 12] != 0
                )
                if header?.width == 0 || header?.height == 0 {
                    throw .invalidHeader(offset: position, reason: "width or height is zero")
                }
            } else if type == .IHDR {
                throw .invalidHeader(offset: position, reason: "a second IHDR chunk at chunk index \(index)")
            }

            var verified = false
            if type != .IDAT || options.verifyImageDataCRC {
                let stored = be32(bytes, position + 8 + length)
                let computed = crc(bytes, from: position + 4, count: length + 4)
                if stored != computed {
                    switch options.crcPolicy {
                    case .error:
                        throw .badCRC(chunkType: type.name, offset: position, stored: stored, computed: computed)
                    case .warn:
                        let error = PNGCardError.badCRC(
                            chunkType: type.name,
                            offset: position,
                            stored: stored,
                            computed: computed
                        )
                        diagnostics.append(
                            Diagnostic(.warning, code: .pngBadCRC, offset: position, "\(error); read anyway")
                        )
                    }
                } else {
                    verified = true
                }
            }
            if type.isCritical && ![ChunkType.IHDR, .IDAT, .IEND, ChunkType("PLTE")].contains(type) {
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        code: .pngUnknownCriticalChunk,
                        offset: position,
                        "unknown critical chunk \(type.name): image viewers will refuse this file"
                    )
                )
            }
            try visit(
                RawChunk(
                    type: type,
                    offset: position,
                    length: length,
                    index: index,
                    afterImageData: seenImageData,
                    crcVerified: verified
                )
            )
            if type == .IDAT { seenImageData = true }
            position += 12 + length
            index += 1
            if type == .IEND {
                if count > position {
                    diagnostics.append(
                        Diagnostic(
                            .warning,
                            code: .pngTrailingBytes,
                            offset: position,
                            "\(count - position) bytes after IEND are ignored"
                        )
                    )
                }
                break
            }
        }
        if !seenImageData {
            diagnostics.append(Diagnostic(.warning, code: .pngNoImageData, "the PNG has no IDAT chunk"))
        }
        // `header` is set: the loop only continues past index 0 after IHDR was read.
        return header ?? PNGImageHeader(width: 0, height: 0, bitDepth: 0, colorType: 0, interlaced: false)
    }
}

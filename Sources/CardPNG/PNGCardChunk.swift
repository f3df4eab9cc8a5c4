/// The kind of PNG text chunk.
public enum PNGTextChunkType: String, Sendable, Hashable, CaseIterable {
    /// `tEXt`: Latin-1 text, uncompressed.
    case tEXt
    /// `zTXt`: Latin-1 text, zlib-compressed.
    case zTXt
    /// `iTXt`: UTF-8 text, optionally zlib-compressed, with language tags.
    case iTXt
}

/// Where a text chunk sits in a PNG file.
public struct PNGChunkLocation: Sendable, Hashable, CustomStringConvertible {
    /// The chunk type.
    public var chunkType: PNGTextChunkType
    /// The keyword, exactly as written.
    public var keyword: String
    /// The chunk's index among all chunks of the file (IHDR is 0).
    public var chunkIndex: Int
    /// The byte offset of the chunk's length field.
    public var offset: Int
    /// The length of the chunk's data.
    public var length: Int
    /// Whether the chunk comes after the first IDAT chunk (where SillyTavern writes cards).
    public var afterImageData: Bool

    /// Creates a location.
    package init(
        chunkType: PNGTextChunkType,
        keyword: String,
        chunkIndex: Int,
        offset: Int,
        length: Int,
        afterImageData: Bool
    ) {
        self.chunkType = chunkType
        self.keyword = keyword
        self.chunkIndex = chunkIndex
        self.offset = offset
        self.length = length
        self.afterImageData = afterImageData
    }

    /// The chunk for messages: type, keyword, index, byte offset, length and side of IDAT.
    public var description: String {
        "\(chunkType.rawValue) '\(keyword)' (chunk \(chunkIndex), byte \(offset), \(length) bytes, "
            + (afterImageData ? "after IDAT)" : "before IDAT)")
    }
}

/// A `chara` or `ccv3` text chunk and the JSON it holds.
public struct PNGCardChunk: Sendable, Hashable {
    /// Which card keyword a chunk carries.
    public enum Role: String, Sendable, Hashable {
        /// `chara`: V1 or V2 JSON (sometimes V3).
        case chara
        /// `ccv3`: V3 JSON.
        case ccv3
    }

    /// `chara` or `ccv3` (the keyword matched case-insensitively).
    public var role: Role
    /// Where the chunk sits.
    public var location: PNGChunkLocation
    /// The decoded payload: the UTF-8 JSON bytes, exactly as embedded (empty when ``problem`` is set).
    public var json: [UInt8]
    /// Why the payload could not be decoded, for a chunk that was not selected (a selected chunk that cannot be
    /// decoded makes the read throw instead).
    public var problem: PNGCardError?

    /// Creates a card chunk value.
    package init(role: Role, location: PNGChunkLocation, json: [UInt8], problem: PNGCardError? = nil) {
        self.role = role
        self.location = location
        self.json = json
        self.problem = problem
    }
}

/// A RisuAI asset chunk (`chara-ext-asset_:N` or `chara-ext-asset_N`), referenced from the card as `__asset:N`.
public struct PNGCardAsset: Sendable, Hashable {
    /// The asset name: the keyword after `chara-ext-asset_:` or `chara-ext-asset_` (usually a number).
    public var name: String
    /// Where the chunk sits.
    public var location: PNGChunkLocation
    /// The decoded asset bytes.
    public var data: [UInt8]

    /// Creates an asset value.
    package init(name: String, location: PNGChunkLocation, data: [UInt8]) {
        self.name = name
        self.location = location
        self.data = data
    }
}

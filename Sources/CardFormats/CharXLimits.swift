public import CardModel

/// Bounds applied to every CharX archive before and while it is unpacked.
///
/// The defaults admit every real CharX seen (RisuAI exports reach a few hundred megabytes) and refuse
/// zip bombs: an archive is checked against the declared sizes in its central directory first, and each
/// entry is then inflated with a running count, so an entry that lies about its size is stopped at the limit.
public struct CharXLimits: Sendable, Hashable {
    /// The most entries an archive may hold (default 10,000).
    public var maxEntries: Int = 10_000
    /// The most bytes all entries may unpack to together (default 1 GiB).
    public var maxTotalUncompressedBytes: UInt64 = 1 << 30
    /// The most bytes one entry may unpack to (default 512 MiB).
    public var maxEntryUncompressedBytes: UInt64 = 512 << 20
    /// The largest uncompressed/compressed ratio allowed for an entry bigger than
    /// ``ratioCheckThreshold`` (default 200; deflate reaches about 1030 on runs of zeros, real images
    /// and JSON stay far below 100).
    ///
    /// The same ratio bounds the whole archive: all entries together may unpack to at most this many times the
    /// archive's size (or ``ratioCheckThreshold``, whichever is larger), so a thousand small entries cannot add up
    /// to a bomb.
    public var maxCompressionRatio: UInt64 = 200
    /// Entries this small are never refused for their ratio (default 1 MiB): a short JSON file of spaces
    /// compresses very well and is harmless.
    public var ratioCheckThreshold: UInt64 = 1 << 20
    /// The largest `card.json` read (default 64 MiB).
    public var maxCardJSONBytes: UInt64 = 64 << 20
    /// The largest base64 `data:` asset URI decoded (default 32 MiB of text).
    public var maxDataURIBytes: Int = 32 << 20

    /// Creates limits with the defaults.
    public init() {}
}

/// Options for ``CharXReader``.
public struct CharXReadOptions: Sendable, Hashable {
    /// Archive bounds.
    public var limits: CharXLimits = .init()
    /// Options for reading `card.json` (strictness, JSON limits).
    public var card: CardReadOptions = {
        var options = CardReadOptions()
        options.expectedSpecs = [.v3]
        options.containerLabel = "card.json"
        return options
    }()
    /// Verify each entry's CRC-32 (default true).
    public var verifyChecksums: Bool = true

    /// Creates options with the defaults.
    public init() {}
}

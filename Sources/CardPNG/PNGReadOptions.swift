/// Limits and policies for reading PNG cards.
///
/// Every limit bounds memory on untrusted input; the defaults accept every real card seen so far (RisuAI keeps
/// card values under 5 MB; Character Foundry caps inflation at 16 MB).
public struct PNGReadOptions: Sendable, Hashable {
    /// What to do when a chunk's stored CRC does not match its contents.
    public enum CRCPolicy: Sendable, Hashable {
        /// Throw ``PNGCardError/badCRC(chunkType:offset:stored:computed:)`` (the default, as SillyTavern does).
        case error
        /// Keep reading and report a `png-bad-crc` warning (`--lenient`).
        case warn
    }

    /// The CRC policy; default ``CRCPolicy/error``.
    public var crcPolicy: CRCPolicy = .error
    /// Whether IDAT CRCs are checked too (default `true`).
    ///
    /// Turning it off makes a metadata read touch only the
    /// chunk headers of the image data, at the price of not noticing a corrupt image.
    public var verifyImageDataCRC: Bool = true
    /// The largest input accepted, in bytes; default 1 GiB.
    public var maxFileSize: Int = 1 << 30
    /// The largest card or asset text chunk (its stored data), in bytes; default 64 MiB.
    public var maxTextChunkLength: Int = 64 << 20
    /// The largest inflated text of one zTXt or compressed iTXt chunk, in bytes; default 64 MiB.
    public var maxInflatedTextLength: Int = 64 << 20
    /// The largest total of card and asset text (after inflation), in bytes; default 256 MiB.
    public var maxTotalTextLength: Int = 256 << 20
    /// The most RisuAI asset chunks (`chara-ext-asset_…`) read from one file; default 4,096.
    ///
    /// Later ones are skipped with a warning.
    public var maxAssetChunks: Int = 4096

    /// Whether a `chara` and a `ccv3` chunk are compared field by field to report a disagreement (default `true`).
    ///
    /// The comparison parses both JSON documents, which costs more than the rest of a metadata read; bulk scans
    /// that only need the selected card can turn it off.
    public var compareCardChunks: Bool = true

    /// The default options: bad CRCs are errors.
    public init() {}

    /// The default options with ``crcPolicy`` set to ``CRCPolicy/warn``.
    public static var lenient: PNGReadOptions {
        var options = PNGReadOptions()
        options.crcPolicy = .warn
        return options
    }
}

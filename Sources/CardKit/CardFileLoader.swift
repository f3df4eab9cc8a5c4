package import CardFormats
import CardKitJSON
import CardModel
import CardPNG
public import Foundation

/// The container a card was found in.
public enum CardContainer: String, Sendable, Hashable, CustomStringConvertible {
    /// A JSON file.
    case json
    /// A PNG image with the card in a text chunk.
    case png
    /// A CharX ZIP archive (possibly appended to a JPEG).
    case charx
    /// A text-generation-webui YAML character.
    case yaml

    /// The container's name as `inspect` shows it (the raw value).
    public var description: String { rawValue }
}

/// Limits and policies for ``CardFileLoader``.
public struct CardLoadOptions: Sendable, Hashable {
    /// How the card JSON is read (strictness, JSON limits).
    public var read: CardReadOptions = CardReadOptions()
    /// How PNG containers are read (CRC policy, text limits).
    public var png: PNGReadOptions = PNGReadOptions()
    /// The largest file accepted, in bytes.
    public var maxFileSize: Int = CardFileLoader.defaultMaxFileSize

    /// The defaults: lenient JSON, bad PNG CRCs are errors.
    public init() {}
}

/// A card read from a file, with everything needed to report on it or write it elsewhere.
public struct LoadedCard: Sendable {
    /// The input path.
    public var path: String
    /// The container.
    public var container: CardContainer
    /// The shape found, for example `v2`, `flat-v2`, `v1`, `pygmalion`, `textgen-yaml`.
    public var format: String
    /// The card.
    public var card: Card
    /// Everything reading found: container warnings first, then the card's.
    public var diagnostics: [Diagnostic]
    /// The card JSON exactly as stored in the file (for a PNG, the selected chunk's decoded payload).
    public var storedJSON: [UInt8]
    /// For PNG cards, the full chunk scan (both `chara` and `ccv3` when present).
    public var pngScan: PNGCardScan?
    /// For PNG cards, the chunk the card was read from.
    public var pngChunk: PNGChunkLocation?
    /// The file's bytes (kept for re-embedding into the same image).
    package var fileBytes: Data
    /// For CharX cards, the whole archive: every asset and file, for writing it elsewhere.
    package var charx: CharXDocument? = nil

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Reads a card from any supported file, deciding the format from the bytes, never from the name.
///
/// Pipeline:
/// 1. Sniff the leading bytes: PNG signature, ZIP (CharX, also appended to a JPEG), other image formats
///    (rejected with "not a card: looks like JPEG"), otherwise text.
/// 2. Open the container: PNG chunks are scanned without decoding the image; CharX and YAML are read
///    by `CardFormats`.
/// 3. Read the card JSON with ``CardReader`` (lenient by default), then join the container's and the
///    card's diagnostics.
public enum CardFileLoader {
    /// The default file size limit: 512 MiB.
    public static let defaultMaxFileSize = 512 << 20

    /// Reads the card in an input file.
    /// - Throws: ``CardFileError`` naming the file.
    public static func load(_ input: CardInput, options: CardLoadOptions = .init()) throws(CardFileError) -> LoadedCard
    {
        let data = try input.read(limit: options.maxFileSize)
        return try load(data: data, path: input.path, options: options)
    }

    /// Reads the card in a file's bytes.
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - path: The name used in messages.
    ///   - options: Limits and policies.
    /// - Returns: The card, the container it came from and every diagnostic.
    /// - Throws: ``CardFileError`` naming `path`.
    public static func load(data: Data, path: String, options: CardLoadOptions = .init()) throws(CardFileError)
        -> LoadedCard
    {
        if data.isEmpty {
            throw CardFileError(path: path, kind: .notACard, reason: "not a card: the file is empty (0 bytes)")
        }
        let signature = FileSignature.detect(data)
        switch signature {
        case .png:
            return try loadPNG(data: data, path: path, options: options)
        case .zip, .jpeg, .webp, .gif, .bmp, .tiff, .isoMedia:
            if let loaded = try CardFormatsBridge.loadArchive(data: data, path: path, options: options) {
                return loaded
            }
            let name = signature == .zip ? "a ZIP archive" : signature.description
            throw CardFileError(
                path: path, kind: .unsupportedFormat, reason: "not a card: looks like \(name) and holds no card")
        case .damagedPNG, .executable, .json, .other:
            return try loadText(data: data, path: path, options: options)
        }
    }

    /// Reads the card in a file's bytes and refuses it when reading found errors: what writing a card needs.
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - path: The name used in messages.
    ///   - options: Limits and policies.
    /// - Returns: A card whose reading found no error.
    /// - Throws: ``CardFileError`` naming `path`; `not-a-card` with the first error (and how many more) when
    ///   reading found errors.
    package static func loadWithoutErrors(data: Data, path: String, options: CardLoadOptions = .init())
        throws(CardFileError) -> LoadedCard
    {
        let loaded = try load(data: data, path: path, options: options)
        let errors = loaded.diagnostics.filter { $0.severity == .error }
        if let first = errors.first {
            throw CardFileError(
                path: path, kind: .notACard,
                reason: "invalid card: \(first)\(errors.count > 1 ? " (and \(errors.count - 1) more)" : "")",
                diagnostics: errors)
        }
        return loaded
    }

    private static func loadPNG(data: Data, path: String, options: CardLoadOptions) throws(CardFileError) -> LoadedCard
    {
        let result: PNGCardReadResult
        do {
            result = try PNGCardReader.read(data, options: options.png)
        } catch {
            let kind: CardFileError.Kind = if case .encryptedRisuCard = error { .encrypted } else { .invalidContainer }
            throw CardFileError(path: path, kind: kind, reason: error.description)
        }
        var readOptions = options.read
        let keyword = result.selected.location.keyword.lowercased()
        if keyword == "chara" {
            readOptions.expectedSpecs = [.v1, .v2]
            readOptions.containerLabel = "the `chara` chunk (\(result.selected.location))"
        } else {
            readOptions.expectedSpecs = [.v3]
            readOptions.containerLabel = "the `ccv3` chunk (\(result.selected.location))"
        }
        var containerDiagnostics = result.diagnostics
        if options.read.strict {
            containerDiagnostics = containerDiagnostics.map { $0.escalated(strict: true) }
            let failures = containerDiagnostics.filter { $0.severity == .error }
            if !failures.isEmpty {
                throw CardFileError(path: path, kind: .strict, reason: failures[0].description, diagnostics: failures)
            }
        }
        let read: CardReadResult
        do {
            read = try CardReader.read(result.json, options: readOptions)
        } catch {
            var failure = CardFileError(path: path, cardError: error)
            failure.reason += " (in \(result.selected.location))"
            throw failure
        }
        return LoadedCard(
            path: path, container: .png, format: read.card.shape.rawValue, card: read.card,
            diagnostics: containerDiagnostics + read.diagnostics, storedJSON: result.json, pngScan: result.scan,
            pngChunk: result.selected.location, fileBytes: data)
    }

    private static func loadText(data: Data, path: String, options: CardLoadOptions) throws(CardFileError) -> LoadedCard
    {
        let bytes = [UInt8](data)
        do {
            let read = try CardReader.read(bytes, options: options.read)
            return LoadedCard(
                path: path, container: .json,
                format: CardFormatsBridge.refinedFormat(of: read.card) ?? read.card.shape.rawValue, card: read.card,
                diagnostics: read.diagnostics, storedJSON: bytes, pngScan: nil, pngChunk: nil, fileBytes: data)
        } catch {
            if let loaded = try CardFormatsBridge.loadText(data: data, path: path, error: error, options: options) {
                return loaded
            }
            throw CardFileError(path: path, cardError: error)
        }
    }
}

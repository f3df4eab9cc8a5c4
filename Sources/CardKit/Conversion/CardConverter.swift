public import Foundation

/// How ``CardConverter`` reads its input and shapes its output.
public struct ConversionOptions: Sendable, Hashable {
    /// How the input is read (strictness, size and JSON limits, PNG CRC policy).
    public var load: CardLoadOptions = CardLoadOptions()
    /// How JSON outputs are written; every JSON output ends with a newline.
    public var jsonStyle: JSONWriter.Style = .compact
    /// Also write the six V1 fields at the root of V2/V3 cards, as SillyTavern does.
    public var withV1Fields: Bool = false
    /// The image to embed the card into for ``ConversionTarget/png``; `nil` takes the input's own PNG, else a
    /// drawn avatar.
    public var image: Data? = nil
    /// Options for platform output (avatar, Spicychat visibility and tags, Character.AI title and markers).
    public var platform: PlatformConversionOptions = PlatformConversionOptions()
    /// For ``ConversionTarget/png``: leave out the asset files of a CharX or PNG input (each is reported as
    /// dropped) instead of carrying them as RisuAI asset chunks.
    public var dropAssets: Bool = false
    /// Whether a persona's avatar file may be returned as a companion file to write beside the output.
    ///
    /// When `false`, the platform object refers to the avatar by its path instead.
    public var includeCompanionFiles: Bool = false

    /// The defaults: lenient reading, compact JSON, no V1 fields, the input's own image.
    public init() {}
}

/// One file a conversion produced.
public struct ConversionFile: Sendable, Hashable {
    /// The file's name, for a companion file (for example a persona avatar); `nil` for the main output, which the
    /// caller names (see ``ConversionTarget/fileSuffix``).
    public var name: String?
    /// The file's bytes.
    public var bytes: [UInt8]

    /// Creates a file.
    /// - Parameters:
    ///   - name: The companion file's name, or `nil` for the main output.
    ///   - bytes: The file's bytes.
    public init(name: String? = nil, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// What converting one input produced: the bytes to write, what was lost and everything reading found.
public struct ConversionResult: Sendable {
    /// The target converted to.
    public var target: ConversionTarget
    /// The main output file.
    public var output: ConversionFile
    /// Extra files to write beside the output, by name (for example a persona's avatar).
    public var companions: [ConversionFile] = []
    /// Reading's diagnostics, then the conversion's repairs, moves and losses (each loss is a `lost-field`
    /// warning).
    public var diagnostics: [Diagnostic]
    /// The typed report of every field, asset and image that did not arrive as it was, for every target.
    public var lossReport: LossReport
    /// Whether the input was a card or a persona.
    public var inputKind: ConversionInputKind = .card

    /// Whether anything was lost.
    public var isLossy: Bool { !lossReport.isLossless }

    /// The machine-readable loss report (`convert --report`), with the input's kind and a one-line summary
    /// (`docs/loss-report.md`).
    public var reportJSON: JSONValue {
        var report = lossReport.jsonValue
        report["kind"] = .string(inputKind.rawValue)
        report["summary"] = .string(lossReport.summary)
        return report
    }

    /// Creates a result; every loss entry also becomes a `lost-field` warning at the end of `diagnostics`.
    init(
        target: ConversionTarget, output: ConversionFile, companions: [ConversionFile] = [],
        diagnostics: [Diagnostic], losses: [LossEntry], inputKind: ConversionInputKind = .card
    ) {
        let report = LossReport(target: target.name, entries: losses)
        self.target = target
        self.output = output
        self.companions = companions
        self.diagnostics =
            diagnostics
            + report.entries.map { entry in
                Diagnostic(
                    .warning, code: .lostField, pointer: entry.pointer,
                    "\(report.targetDisplayName): \(entry.kind.rawValue): \(entry.reason)")
            }
        self.lossReport = report
        self.inputKind = inputKind
    }
}

/// Whether a conversion's input was a character card or a persona.
public enum ConversionInputKind: String, Sendable, Hashable {
    /// A character card (any spec and container).
    case card
    /// A CardKit persona (`"type": "cardkit_persona"`).
    case persona
}

/// Converts a card, book, World Info file or persona, read from any container, into any ``ConversionTarget``.
///
/// This is `cardkit convert` without the files: it returns what to write and never prints. Errors name the input
/// (``CardFileError``): an input whose reading found errors is refused, as is an input that cannot become the target
/// (a card without a book to `book`, a persona to a platform without personas).
public enum CardConverter {
    /// Converts the bytes of one input.
    /// - Parameters:
    ///   - data: The input file's bytes.
    ///   - path: The input's name, used in messages; `-` for standard input.
    ///   - target: What to produce.
    ///   - options: Reading and output options.
    /// - Returns: The output bytes, companions, diagnostics and loss report.
    /// - Throws: ``CardFileError`` naming `path`.
    public static func convert(
        data: Data, path: String, to target: ConversionTarget, options: ConversionOptions = .init()
    ) throws(CardFileError) -> ConversionResult {
        let input = ConversionInput(data: data, path: path, options: options)
        switch target {
        case .card(let spec): return try input.convertCard(to: spec)
        case .png: return try input.convertToPNG()
        case .charx: return try input.convertToCharX()
        case .book, .worldInfo: return try input.convertBook(to: target)
        case .platform(let platform): return try input.convert(to: platform)
        }
    }

    /// Reads one input file and converts it.
    /// - Parameters:
    ///   - input: The file (or standard input).
    ///   - target: What to produce.
    ///   - options: Reading and output options.
    /// - Returns: The output bytes, companions, diagnostics and loss report.
    /// - Throws: ``CardFileError`` naming the input.
    public static func convert(
        _ input: CardInput, to target: ConversionTarget, options: ConversionOptions = .init()
    ) throws(CardFileError) -> ConversionResult {
        let data = try input.read(limit: options.load.maxFileSize)
        return try convert(data: data, path: input.path, to: target, options: options)
    }
}

/// One input being converted: its bytes, its name and the options.
struct ConversionInput {
    let data: Data
    let path: String
    let options: ConversionOptions

    var isStandardInput: Bool { path == "-" }

    var cardOptions: CardConversionOptions { CardConversionOptions(withV1Fields: options.withV1Fields) }

    /// JSON text in the requested style, with a final newline.
    func jsonBytes(_ value: JSONValue) -> [UInt8] {
        JSONWriter.bytes(value, style: options.jsonStyle) + [0x0A]
    }

    /// Loads the card, failing on error diagnostics.
    func loadCard() throws(CardFileError) -> LoadedCard {
        try CardFileLoader.loadWithoutErrors(data: data, path: path, options: options.load)
    }

    func convertCard(to spec: CardSpec) throws(CardFileError) -> ConversionResult {
        let loaded = try loadCard()
        let conversion = loaded.card.converted(to: spec, options: cardOptions)
        // Only a PNG or CharX holds files a JSON card cannot.
        let fileLosses = [.png, .charx].contains(loaded.container) ? CardPackage(loaded).jsonLosses() : []
        return result(
            .card(spec), bytes: jsonBytes(conversion.card.json), loaded: loaded,
            diagnostics: conversion.diagnostics, losses: fileLosses)
    }

    func convertToPNG() throws(CardFileError) -> ConversionResult {
        let loaded = try loadCard()
        let package = CardPackage(loaded)
        let written: CardPackage.Written
        do {
            written = try package.png(image: options.image, dropAssets: options.dropAssets, options: cardOptions)
        } catch {
            let subject = options.image == nil ? "" : "the image: "
            throw CardFileError(path: path, kind: .invalidContainer, reason: "\(subject)\(error.description)")
        }
        return result(
            .png, bytes: written.bytes, loaded: loaded, diagnostics: package.diagnostics + written.diagnostics,
            losses: written.losses)
    }

    /// The result of a card, container or book conversion.
    ///
    /// The conversion's `lost-field` warnings become loss entries (before `losses`); its other diagnostics follow
    /// reading's, without the ones reading already reported.
    func result(
        _ target: ConversionTarget, bytes: [UInt8], loaded: LoadedCard?, diagnostics: [Diagnostic],
        losses: [LossEntry]
    ) -> ConversionResult {
        let (fieldLosses, others) = Self.splitLosses(diagnostics)
        let read = loaded?.diagnostics ?? []
        return ConversionResult(
            target: target, output: ConversionFile(bytes: bytes),
            diagnostics: read + others.filter { !read.contains($0) }, losses: fieldLosses + losses)
    }

    /// Splits a card conversion's diagnostics into loss entries (its `lost-field` warnings) and the rest.
    static func splitLosses(_ diagnostics: [Diagnostic]) -> (losses: [LossEntry], others: [Diagnostic]) {
        var losses: [LossEntry] = []
        var others: [Diagnostic] = []
        for diagnostic in diagnostics {
            if diagnostic.code == .lostField {
                losses.append(
                    LossEntry(.dropped, pointer: diagnostic.pointer ?? JSONPointer(), reason: diagnostic.message))
            } else {
                others.append(diagnostic)
            }
        }
        return (losses, others)
    }
}

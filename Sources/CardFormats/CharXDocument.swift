public import CardModel
public import Foundation

/// A CharX archive read into memory: the card, every asset and every other file.
public struct CharXDocument: Sendable, Hashable {
    /// The card from `card.json`, with its diagnostics.
    public var card: CardReadResult
    /// The ZIP entry the card was read from (`card.json`, or a suffix match such as `x/card.json`).
    public var cardPath: String
    /// The card's assets in `data.assets` order (or the spec's default icon when `assets` is absent), then
    /// every file in the archive no asset references (``CharXAsset/referenced`` false), in archive order.
    public var assets: [CharXAsset]
    /// The bytes of `card.json` exactly as stored in the archive.
    public var cardJSON: Data
    /// Where the ZIP starts in the input: 0 for a plain `.charx`, the prefix length for a ZIP appended to a
    /// JPEG (RisuAI's "charxJpeg") or another file.
    package var zipOffset: Int
    /// Everything noticed while reading the archive (the card's own diagnostics are in ``card``).
    public var diagnostics: [Diagnostic]

    /// Creates a document.
    package init(
        card: CardReadResult, cardPath: String, cardJSON: Data, assets: [CharXAsset], zipOffset: Int,
        diagnostics: [Diagnostic]
    ) {
        self.card = card
        self.cardPath = cardPath
        self.cardJSON = cardJSON
        self.assets = assets
        self.zipOffset = zipOffset
        self.diagnostics = diagnostics
    }

    /// The files of the archive other than the card, each once, in the order they first appear in ``assets``:
    /// what a writer needs to reproduce the archive.
    public var files: [CharXFile] {
        var seen = Set<String>()
        var result: [CharXFile] = []
        for asset in assets {
            guard let path = asset.path, let bytes = asset.bytes, seen.insert(path).inserted else { continue }
            result.append(CharXFile(path: path, bytes: bytes))
        }
        return result
    }

    /// The assets no card asset refers to (RisuAI's `module.risum`, `x_meta/`, stray images).
    package var unreferencedFiles: [CharXAsset] { assets.filter { !$0.referenced } }

    /// The main icon: the `icon` asset named `main`, else the first icon (the newer SillyTavern rule).
    public var mainIcon: CharXAsset? {
        let icons = assets.filter { $0.referenced && $0.type == "icon" }
        return icons.first { $0.name == "main" } ?? icons.first
    }

    /// All diagnostics: the archive's, then the card's.
    public var allDiagnostics: [Diagnostic] { diagnostics + card.diagnostics }
}

/// A file to store in, or read from, a CharX archive.
public struct CharXFile: Sendable, Hashable {
    /// The `/`-separated path inside the archive.
    public var path: String
    /// The file's bytes.
    public var bytes: Data

    /// Creates a file.
    public init(path: String, bytes: Data) {
        self.path = path
        self.bytes = bytes
    }
}

/// One asset of a CharX: a card asset descriptor and what it resolved to, or an archive file nothing references.
public struct CharXAsset: Sendable, Hashable {
    /// How an asset's URI was resolved.
    public enum Resolution: String, Sendable, Hashable {
        /// `embeded://path` (or `embedded://`, `__asset:`) naming an entry exactly.
        case exactPath = "exact-path"
        /// No entry had the exact path; one ending with it was used (SillyTavern's rule), with a warning.
        case suffixMatch = "suffix-match"
        /// A base64 `data:` URI, decoded.
        case dataURI = "data-uri"
        /// `ccdefault:`: the application's default for the type; no bytes in the archive.
        case cardDefault = "ccdefault"
        /// An HTTP(S) URL, recorded and not downloaded.
        case remote
        /// An embedded path with no matching entry.
        case missing
        /// A scheme CardKit does not resolve.
        case unsupported
        /// An archive file no card asset refers to.
        case unreferenced
    }

    /// The card's asset object (nil for an unreferenced file).
    public var descriptor: CardAsset?
    /// The position in `data.assets` (nil for an unreferenced file or the spec's implicit default icon).
    public var index: Int?
    /// The archive entry holding the bytes, when there is one.
    public var path: String?
    /// The bytes, when the asset resolved to an entry or a `data:` URI.
    public var bytes: Data?
    /// How the URI was resolved.
    public var resolution: Resolution

    /// Creates an asset record.
    package init(descriptor: CardAsset?, index: Int?, path: String?, bytes: Data?, resolution: Resolution) {
        self.descriptor = descriptor
        self.index = index
        self.path = path
        self.bytes = bytes
        self.resolution = resolution
    }

    /// Whether a card asset refers to this file.
    package var referenced: Bool { descriptor != nil }
    /// The asset's URI.
    package var uri: String? { descriptor?.uri }
    /// The asset's type (`icon`, `background`, `emotion`, `user_icon`, `x_…`).
    package var type: String? { descriptor?.type }
    /// The asset's name.
    package var name: String? { descriptor?.name }
    /// The asset's extension; for an unreferenced file, the lowercased extension of its path.
    public var ext: String? {
        if let descriptor { return descriptor.ext }
        guard let path, let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        return path[path.index(after: dot)...].lowercased()
    }
}

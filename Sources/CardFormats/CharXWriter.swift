public import CardKitJSON
public import CardModel
import CardPNG
public import Foundation
import ZIPFoundation

/// Options for ``CharXWriter``.
public struct CharXWriteOptions: Sendable, Hashable {
    /// How `card.json` is laid out (default pretty, 2 spaces).
    public var cardStyle: JSONWriter.Style = .pretty(indent: 2)
    /// The modification time stamped on every entry (default 2024-01-01 00:00:00 UTC), so that the same input
    /// always gives the same bytes.
    public var timestamp: Date = Date(timeIntervalSince1970: 1_704_067_200)

    /// Creates options with the defaults.
    public init() {}
}

/// Writes CharX archives: `card.json` first, then the files in the order given.
///
/// The output is deterministic: fixed timestamps, fixed order, and zlib's deterministic deflate (files
/// already compressed, such as PNG, JPEG, WebP or audio, are stored).
public enum CharXWriter {
    /// Writes a CharX archive.
    /// - Parameters:
    ///   - card: The card; its JSON is written as is (convert it to V3 first).
    ///   - files: The other files, with `/`-separated relative paths.
    ///   - options: Layout and timestamp.
    /// - Returns: The archive's bytes.
    /// - Throws: ``CharXError`` for an unsafe or duplicate path, or when the archive cannot be built.
    public static func write(card: Card, files: [CharXFile], options: CharXWriteOptions = .init()) throws(CharXError)
        -> Data
    {
        var seen: Set<String> = ["card.json"]
        for file in files {
            try CharXPath.validate(file.path)
            if file.path.hasSuffix("/") { throw .invalidPath(entry: file.path, reason: "a directory name") }
            guard seen.insert(file.path).inserted else { throw .duplicatePath(entry: file.path) }
        }
        let archive: Archive
        do {
            archive = try Archive(accessMode: .create)
        } catch {
            throw .cannotWrite(reason: String(describing: error))
        }
        let cardBytes = Data(JSONWriter.bytes(card.json, style: options.cardStyle))
        try add(CharXFile(path: "card.json", bytes: cardBytes), to: archive, options: options)
        for file in files {
            try add(file, to: archive, options: options)
        }
        guard let data = archive.data else { throw .cannotWrite(reason: "the in-memory archive has no data") }
        return data
    }

    /// Writes a document read by ``CharXReader`` back: its card and every file it held, referenced or not.
    /// - Parameters:
    ///   - document: The document.
    ///   - options: Layout and timestamp.
    /// - Returns: The archive's bytes.
    /// - Throws: ``CharXError``.
    public static func write(_ document: CharXDocument, options: CharXWriteOptions = .init()) throws(CharXError) -> Data
    {
        try write(card: document.card.card, files: document.files, options: options)
    }

    /// Packs a card and its main image as a CharX: the card is converted to V3 (with `data.extensions`) and its main
    /// icon (the `icon` named `main`, else the first icon, else a new one) points at `assets/icon/images/main.<ext>`.
    ///
    /// With no image, the icon is ``PNGDefaultAvatar``: RisuAI never finishes importing an archive without an asset.
    /// - Parameters:
    ///   - card: The card, of any spec.
    ///   - mainIcon: The image bytes, for example a PNG card's own image; nil for the default avatar.
    ///   - ext: The image's extension (`png`, `jpeg`, `webp`).
    ///   - options: Layout and timestamp.
    /// - Returns: The archive and what the conversion reported.
    /// - Throws: ``CharXError``.
    public static func pack(card: Card, mainIcon: Data?, ext: String = "png", options: CharXWriteOptions = .init())
        throws(CharXError) -> (data: Data, diagnostics: [Diagnostic])
    {
        let conversion = card.converted(to: .v3)
        var v3 = conversion.card
        if v3.fields["extensions"]?.objectValue == nil { v3[field: "extensions"] = .object(JSONObject()) }
        var diagnostics = conversion.diagnostics
        var files: [CharXFile] = []
        var icon = mainIcon
        var ext = ext
        if icon == nil {
            do {
                icon = Data(try PNGDefaultAvatar.png())
                ext = "png"
            } catch {
                throw .cannotWrite(reason: "the default avatar: \(error)")
            }
        }
        if let mainIcon = icon {
            let path = "assets/icon/images/main.\(ext)"
            let uri = "embeded://\(path)"
            var assets = v3.fields["assets"]?.arrayValue ?? []
            let icons = assets.indices.filter { assets[$0].objectValue?["type"]?.stringValue == "icon" }
            let main = icons.first { assets[$0].objectValue?["name"]?.stringValue == "main" } ?? icons.first
            if let main, var object = assets[main].objectValue {
                let old = object["uri"]?.stringValue ?? ""
                object["uri"] = .string(uri)
                object["ext"] = .string(ext)
                assets[main] = .object(object)
                if !old.lowercased().hasPrefix("ccdefault:") && old != uri {
                    diagnostics.append(
                        Diagnostic(
                            .note, code: .iconReplaced,
                            pointer: JSONPointer(tokens: ["data", "assets", String(main), "uri"]),
                            "the main icon \(old) now points at the packed image"))
                }
            } else {
                assets.insert(.object(CardAsset(type: "icon", uri: uri, name: "main", ext: ext).object), at: 0)
            }
            v3[field: "assets"] = .array(assets)
            files.append(CharXFile(path: path, bytes: mainIcon))
        }
        return (try write(card: v3, files: files, options: options), diagnostics)
    }

    // MARK: - Pieces

    /// Extensions whose content is already compressed; storing them saves time and gives the same size.
    static let storedExtensions: Set<String> = [
        "png", "apng", "jpg", "jpeg", "jfif", "webp", "gif", "avif", "zip", "risum", "mp3", "ogg", "m4a", "aac",
        "opus", "flac", "mp4", "webm", "mov", "woff", "woff2",
    ]

    private static func add(_ file: CharXFile, to archive: Archive, options: CharXWriteOptions) throws(CharXError) {
        let ext = file.path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        let method: CompressionMethod = storedExtensions.contains(ext) || file.bytes.isEmpty ? .none : .deflate
        let bytes = file.bytes
        do {
            try archive.addEntry(
                with: file.path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: options.timestamp,
                permissions: 0o644, compressionMethod: method
            ) { position, size in
                let start = bytes.startIndex + Int(position)
                return bytes.subdata(in: start..<start + size)
            }
        } catch {
            throw .cannotWrite(reason: "\(file.path): \(error)")
        }
    }
}

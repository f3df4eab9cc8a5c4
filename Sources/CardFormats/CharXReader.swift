import CardKitJSON
import CardModel
import CardPNG
public import Foundation
import ZIPFoundation

/// Reads CharX archives (V3's ZIP container) from memory, safely.
///
/// Pipeline:
/// 1. Locate the ZIP: at offset 0, or after a prefix (RisuAI's JPEG + ZIP "charxJpeg", self-extracting
///    archives), found from the end-of-central-directory record or, failing that, the first `PK\x03\x04`.
/// 2. List the entries and refuse the archive on the first unsafe one: an absolute path, a `..` component,
///    a symbolic link, too many entries, a total or per-entry size past ``CharXLimits``, or a zip-bomb ratio.
///    `__MACOSX/` entries and directories are skipped.
/// 3. Find the card: a root `card.json`, else (as SillyTavern does, with a warning) an entry ending in `card.json`.
/// 4. Inflate every other file with a running byte count (an entry that inflates past its declared size is
///    refused) and a CRC-32 check.
/// 5. Resolve each `data.assets` URI: `embeded://` / `embedded://` / `__asset:` by exact path, then by suffix
///    (SillyTavern's rule, with a warning); `data:` URIs decoded; `ccdefault:` and HTTP(S) URLs recorded.
///    Files no asset references are kept and listed.
///
/// ```swift
/// let document = try CharXReader.read(data: Data(contentsOf: url))
/// print(document.card.card.name, document.assets.map(\.path))
/// ```
public enum CharXReader {
    /// Reads a CharX held in memory.
    /// - Parameters:
    ///   - data: The file's bytes (a `.charx`, or a JPEG with a ZIP appended).
    ///   - options: Limits and card-reading options.
    /// - Returns: The card, its assets and every other file, with diagnostics.
    /// - Throws: ``CharXError``.
    public static func read(data: Data, options: CharXReadOptions = .init()) throws(CharXError) -> CharXDocument {
        let limits = options.limits
        guard let located = ZIPLocator.locate(data) else {
            throw .notAZip(reason: "no ZIP local file header or end-of-central-directory record")
        }
        var diagnostics: [Diagnostic] = []
        if located.offset > 0 {
            let kind = ZIPLocator.prefixKind(data)
            diagnostics.append(
                Diagnostic(
                    .note, code: .zipAfterPrefix, offset: located.offset,
                    "the ZIP starts at byte \(located.offset), after \(kind) (a CharX appended to another file)"))
        }
        // ZIPFoundation's in-memory archive traps on a read after a seek past the end: check every offset first.
        if let problem = ZIPBoundsCheck.problem(in: located.data, maxEntries: limits.maxEntries) {
            throw .unreadableArchive(reason: problem)
        }
        let archive: Archive
        do {
            archive = try Archive(data: located.data, accessMode: .read)
        } catch {
            throw .unreadableArchive(reason: String(describing: error))
        }

        // 2. List and check every entry before inflating anything.
        var files: [Entry] = []
        var count = 0
        var declaredTotal: UInt64 = 0
        var skippedMacOS = 0
        var seenPaths = Set<String>()
        for entry in archive {
            count += 1
            if count > limits.maxEntries { throw .tooManyEntries(limit: limits.maxEntries) }
            let path = entry.path
            try CharXPath.validate(path)
            if entry.type == .symlink { throw .symbolicLink(entry: path) }
            guard entry.type == .file else { continue }
            if CharXPath.isMacOSMetadata(path) {
                skippedMacOS += 1
                continue
            }
            if !seenPaths.insert(path).inserted {
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .duplicateEntry, "the archive holds \"\(path)\" twice; the first is used"))
                continue
            }
            let size = entry.uncompressedSize
            if size > limits.maxEntryUncompressedBytes {
                throw .entryTooLarge(entry: path, size: size, limit: limits.maxEntryUncompressedBytes)
            }
            let (sum, overflow) = declaredTotal.addingReportingOverflow(size)
            if overflow || sum > limits.maxTotalUncompressedBytes {
                throw .totalSizeExceeded(entry: path, limit: limits.maxTotalUncompressedBytes)
            }
            declaredTotal = sum
            if entry.isCompressed, size > limits.ratioCheckThreshold {
                let ratio = size / max(entry.compressedSize, 1)
                if ratio > limits.maxCompressionRatio {
                    throw .compressionRatioExceeded(entry: path, ratio: ratio, limit: limits.maxCompressionRatio)
                }
            }
            // The archive as a whole: many entries each under the ratio threshold still add up to a bomb.
            let archiveBytes = UInt64(located.data.count)
            let scaled = limits.maxCompressionRatio.multipliedReportingOverflow(by: archiveBytes)
            let archiveLimit = max(limits.ratioCheckThreshold, scaled.overflow ? .max : scaled.partialValue)
            if declaredTotal > archiveLimit {
                throw .archiveRatioExceeded(
                    entry: path, total: declaredTotal, archiveBytes: archiveBytes, limit: limits.maxCompressionRatio)
            }
            files.append(entry)
        }
        if skippedMacOS > 0 {
            diagnostics.append(
                Diagnostic(.note, code: .macOSXSkipped, "skipped \(skippedMacOS) __MACOSX/ entries (macOS metadata)"))
        }

        // 3. The card.
        let cardEntry: Entry
        if let root = files.first(where: { $0.path == "card.json" }) {
            cardEntry = root
        } else if let nested = files.first(where: { CharXPath.components($0.path).last == "card.json" })
            ?? files.first(where: { $0.path.hasSuffix("card.json") })
        {
            cardEntry = nested
            diagnostics.append(
                Diagnostic(
                    .warning, code: .cardJSONNotAtRoot,
                    "no card.json at the archive root; using \"\(nested.path)\" (matched by suffix, as SillyTavern does)"
                ))
        } else {
            throw .missingCardJSON(entries: files.map(\.path))
        }
        if cardEntry.uncompressedSize > limits.maxCardJSONBytes {
            throw .entryTooLarge(
                entry: cardEntry.path, size: cardEntry.uncompressedSize, limit: limits.maxCardJSONBytes)
        }
        var budget = Budget(remaining: limits.maxTotalUncompressedBytes, limit: limits.maxTotalUncompressedBytes)
        let cardBytes = try extract(cardEntry, from: archive, budget: &budget, verify: options.verifyChecksums)
        let card: CardReadResult
        do {
            card = try CardReader.read(cardBytes, options: options.card)
        } catch {
            throw .invalidCard(entry: cardEntry.path, error)
        }

        // 4. Every other file.
        var contents: [(path: String, bytes: Data)] = []
        for entry in files where entry != cardEntry {
            contents.append(
                (entry.path, try extract(entry, from: archive, budget: &budget, verify: options.verifyChecksums)))
        }

        // 5. Assets.
        var resolver = AssetResolver(files: contents, limits: limits)
        let assets = resolver.resolve(card: card.card)
        diagnostics += resolver.diagnostics
        return CharXDocument(
            card: card, cardPath: cardEntry.path, cardJSON: cardBytes, assets: assets, zipOffset: located.offset,
            diagnostics: diagnostics)
    }

    /// Reads a CharX file (memory-mapped when possible).
    /// - Parameters:
    ///   - url: The file.
    ///   - options: Limits and card-reading options.
    /// - Returns: The document.
    /// - Throws: Foundation's error when the file cannot be read, else ``CharXError``.
    package static func read(contentsOf url: URL, options: CharXReadOptions = .init()) throws -> CharXDocument {
        try read(data: Data(contentsOf: url, options: .mappedIfSafe), options: options)
    }

    // MARK: - Inflating

    struct Budget {
        var remaining: UInt64
        let limit: UInt64
    }

    private struct StopInflating: Error {
        enum Reason { case pastDeclaredSize, pastTotal }
        let reason: Reason
    }

    /// Inflates one entry, never past its declared size nor the archive's remaining budget.
    static func extract(_ entry: Entry, from archive: Archive, budget: inout Budget, verify: Bool) throws(CharXError)
        -> Data
    {
        let declared = entry.uncompressedSize
        var output = Data()
        output.reserveCapacity(Int(min(declared, 64 << 20)))
        var produced: UInt64 = 0
        let remaining = budget.remaining
        do {
            // ZIPFoundation's own CRC-32 is a byte-at-a-time Swift loop on Linux (about a quarter of an unpack):
            // the entry is checksummed once, below, by CardPNG's accelerated CRC-32 instead.
            _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: true) { chunk in
                produced += UInt64(chunk.count)
                if produced > declared { throw StopInflating(reason: .pastDeclaredSize) }
                if produced > remaining { throw StopInflating(reason: .pastTotal) }
                output.append(chunk)
            }
        } catch let stop as StopInflating {
            switch stop.reason {
            case .pastDeclaredSize:
                throw .corruptEntry(
                    entry: entry.path, reason: "inflates past its declared size of \(declared) bytes (a lying header)")
            case .pastTotal:
                throw .totalSizeExceeded(entry: entry.path, limit: budget.limit)
            }
        } catch {
            throw .corruptEntry(entry: entry.path, reason: "cannot be inflated: \(error)")
        }
        if produced != declared {
            throw .corruptEntry(entry: entry.path, reason: "holds \(produced) bytes, its header declares \(declared)")
        }
        if verify {
            let computed = CRC32Checksum.compute(output)
            if computed != entry.checksum {
                throw .corruptEntry(
                    entry: entry.path,
                    reason: "CRC-32 mismatch (stored \(hex(entry.checksum)), computed \(hex(computed)))")
            }
        }
        budget.remaining -= produced
        return output
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

// MARK: - Asset resolution

/// Matches card asset URIs to archive files.
struct AssetResolver {
    let files: [(path: String, bytes: Data)]
    let limits: CharXLimits
    private(set) var diagnostics: [Diagnostic] = []
    private var used = Set<String>()

    init(files: [(path: String, bytes: Data)], limits: CharXLimits) {
        self.files = files
        self.limits = limits
    }

    mutating func resolve(card: Card) -> [CharXAsset] {
        var result: [CharXAsset] = []
        let assetsPointer = card.fieldsPointer.appending("assets")
        if let array = card.fields["assets"]?.arrayValue {
            for (index, element) in array.enumerated() {
                guard let object = element.objectValue else {
                    diagnostics.append(
                        Diagnostic(
                            .warning, code: .wrongType, pointer: assetsPointer.appending(String(index)),
                            "asset \(index) is \(element.typeName()), not an object; ignored"))
                    continue
                }
                result.append(
                    resolve(CardAsset(object: object), index: index, pointer: assetsPointer.appending(String(index))))
            }
        } else {
            result.append(resolve(CardAsset.defaultIcon, index: nil, pointer: assetsPointer))
        }
        var unreferenced: [String] = []
        for file in files where !used.contains(file.path) {
            unreferenced.append(file.path)
            result.append(
                CharXAsset(descriptor: nil, index: nil, path: file.path, bytes: file.bytes, resolution: .unreferenced))
        }
        if !unreferenced.isEmpty {
            diagnostics.append(
                Diagnostic(
                    .note, code: .unreferencedFiles,
                    "\(unreferenced.count) file(s) no asset refers to, kept: \(unreferenced.prefix(10).joined(separator: ", "))\(unreferenced.count > 10 ? ", …" : "")"
                ))
        }
        return result
    }

    private mutating func resolve(_ asset: CardAsset, index: Int?, pointer: JSONPointer) -> CharXAsset {
        let uri = asset.uri
        let uriPointer = pointer.appending("uri")
        let lower = uri.lowercased()
        if let (prefix, path) = CharXPath.embeddedPath(of: uri) {
            if prefix == "embedded://" {
                diagnostics.append(
                    Diagnostic(
                        .note, code: .embeddedSpelling, pointer: uriPointer,
                        "`embedded://` read as the spec's `embeded://`"))
            }
            if let file = files.first(where: { $0.path == path }) {
                used.insert(file.path)
                return CharXAsset(
                    descriptor: asset, index: index, path: file.path, bytes: file.bytes, resolution: .exactPath)
            }
            let tail = CharXPath.sillyTavernTail(of: uri)
            let match =
                files.first(where: { !path.isEmpty && $0.path.hasSuffix("/" + path) })
                ?? files.first(where: { !tail.isEmpty && $0.path.hasSuffix(tail) })
            if let file = match {
                used.insert(file.path)
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .assetSuffixMatch, pointer: uriPointer,
                        "no entry \"\(path)\"; using \"\(file.path)\", which ends with it (SillyTavern's rule)"))
                return CharXAsset(
                    descriptor: asset, index: index, path: file.path, bytes: file.bytes, resolution: .suffixMatch)
            }
            diagnostics.append(
                Diagnostic(.warning, code: .assetMissing, pointer: uriPointer, "no archive entry for \(uri)"))
            return CharXAsset(descriptor: asset, index: index, path: nil, bytes: nil, resolution: .missing)
        }
        if lower.hasPrefix("ccdefault:") {
            return CharXAsset(descriptor: asset, index: index, path: nil, bytes: nil, resolution: .cardDefault)
        }
        if lower.hasPrefix("data:") {
            if let bytes = DataURI.decode(uri, maxBytes: limits.maxDataURIBytes) {
                return CharXAsset(descriptor: asset, index: index, path: nil, bytes: bytes, resolution: .dataURI)
            }
            diagnostics.append(
                Diagnostic(
                    .warning, code: .assetDataURI, pointer: uriPointer,
                    "the data: URI is malformed or larger than \(limits.maxDataURIBytes) bytes; not decoded"))
            return CharXAsset(descriptor: asset, index: index, path: nil, bytes: nil, resolution: .unsupported)
        }
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            return CharXAsset(descriptor: asset, index: index, path: nil, bytes: nil, resolution: .remote)
        }
        diagnostics.append(
            Diagnostic(.warning, code: .assetUnsupportedURI, pointer: uriPointer, "unsupported asset URI \(uri)"))
        return CharXAsset(descriptor: asset, index: index, path: nil, bytes: nil, resolution: .unsupported)
    }
}

/// Decodes `data:` URIs (RFC 2397).
enum DataURI {
    static func decode(_ uri: String, maxBytes: Int) -> Data? {
        guard uri.utf8.count <= maxBytes, let comma = uri.firstIndex(of: ",") else { return nil }
        let header = uri[uri.index(uri.startIndex, offsetBy: 5)..<comma].lowercased()
        let payload = String(uri[uri.index(after: comma)...])
        if header.hasSuffix(";base64") {
            var text = payload.filter { !$0.isWhitespace }
            text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while text.utf8.count % 4 != 0 { text += "=" }
            return Data(base64Encoded: text)
        }
        return payload.removingPercentEncoding.map { Data($0.utf8) }
    }
}

// MARK: - Locating the ZIP

/// Finds a ZIP archive inside a byte buffer.
enum ZIPLocator {
    static let localHeader: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
    static let endRecord: [UInt8] = [0x50, 0x4B, 0x05, 0x06]

    /// The archive's bytes (sliced when the ZIP follows a prefix whose offsets it does not count) and where it starts.
    static func locate(_ data: Data) -> (data: Data, offset: Int)? {
        let bytes = [UInt8](data.prefix(4))
        if bytes == localHeader || bytes == endRecord { return (data, 0) }
        let firstLocal = firstIndex(of: localHeader, in: data)
        if let eocd = endOfCentralDirectory(in: data) {
            let cdSize = Int(u32(data, eocd + 12))
            let cdOffset = u32(data, eocd + 16)
            if cdOffset != 0xFFFF_FFFF {
                let start = eocd - cdSize - Int(cdOffset)
                if start > 0, start + 4 <= data.count,
                    [UInt8](data[data.startIndex + start..<data.startIndex + start + 4]) == localHeader
                {
                    return (Data(data[(data.startIndex + start)...]), start)
                }
                if start == 0, let firstLocal {
                    // Offsets already count the prefix (a self-extracting archive): read the whole buffer.
                    return (data, firstLocal)
                }
            }
        }
        if let firstLocal {
            return (Data(data[(data.startIndex + firstLocal)...]), firstLocal)
        }
        return nil
    }

    /// Whether the buffer holds a ZIP anywhere (a cheap check for sniffing).
    static func containsZIP(_ data: Data) -> Bool {
        let bytes = [UInt8](data.prefix(4))
        if bytes == localHeader { return true }
        return endOfCentralDirectory(in: data) != nil && firstIndex(of: localHeader, in: data) != nil
    }

    /// What the bytes before the ZIP look like.
    static func prefixKind(_ data: Data) -> String {
        switch FileSignature.detect(data) {
        case .jpeg: return "a JPEG image"
        case .png, .damagedPNG: return "a PNG image"
        case .executable: return "an executable stub"
        case .zip, .webp, .gif, .bmp, .tiff, .isoMedia, .json, .other: return "other data"
        }
    }

    /// The offset of the end-of-central-directory record, searched backwards over the last 64 KiB + 22 bytes.
    static func endOfCentralDirectory(in data: Data) -> Int? {
        let count = data.count
        guard count >= 22 else { return nil }
        let lowest = max(0, count - 22 - 0xFFFF)
        var candidate = count - 22
        var fallback: Int? = nil
        let base = data.startIndex
        while candidate >= lowest {
            if data[base + candidate] == 0x50, data[base + candidate + 1] == 0x4B, data[base + candidate + 2] == 0x05,
                data[base + candidate + 3] == 0x06
            {
                let commentLength = Int(data[base + candidate + 20]) | Int(data[base + candidate + 21]) << 8
                if candidate + 22 + commentLength == count { return candidate }
                if fallback == nil { fallback = candidate }
            }
            candidate -= 1
        }
        return fallback
    }

    static func firstIndex(of pattern: [UInt8], in data: Data) -> Int? {
        guard let range = data.firstRange(of: Data(pattern)) else { return nil }
        return range.lowerBound - data.startIndex
    }

    static func u32(_ data: Data, _ offset: Int) -> UInt32 {
        let base = data.startIndex + offset
        return UInt32(data[base]) | UInt32(data[base + 1]) << 8 | UInt32(data[base + 2]) << 16 | UInt32(data[base + 3])
            << 24
    }
}

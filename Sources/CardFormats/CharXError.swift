public import CardModel

/// Thrown when a CharX archive cannot be read or written safely.
///
/// Every case that concerns one ZIP entry names it, so a message such as
/// `CharX entry "../evil.png": refused: a ".." path component` says where the problem is.
public enum CharXError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Thrown when the bytes hold no ZIP archive (no local file header and no end-of-central-directory record).
    case notAZip(reason: String)
    /// Thrown when the ZIP structure is damaged (ZIPFoundation could not open it).
    case unreadableArchive(reason: String)
    /// Thrown when an entry's path is absolute (`/x`, `\x`, `C:x`); extracting it would escape the folder.
    case absolutePath(entry: String)
    /// Thrown when an entry's path has a `..` component (zip-slip).
    case parentTraversal(entry: String)
    /// Thrown when an entry is a symbolic link, which could redirect later writes outside the folder.
    case symbolicLink(entry: String)
    /// Thrown when an entry's path is empty, holds a NUL or is otherwise unusable as a file name.
    case invalidPath(entry: String, reason: String)
    /// Thrown when the archive has more entries than ``CharXLimits/maxEntries``.
    case tooManyEntries(limit: Int)
    /// Thrown when the declared or actual uncompressed size of all entries passes ``CharXLimits/maxTotalUncompressedBytes``;
    /// `entry` is the entry at which the running total passed the limit.
    case totalSizeExceeded(entry: String, limit: UInt64)
    /// Thrown when one entry is larger than ``CharXLimits/maxEntryUncompressedBytes``.
    case entryTooLarge(entry: String, size: UInt64, limit: UInt64)
    /// Thrown when an entry's uncompressed/compressed ratio passes ``CharXLimits/maxCompressionRatio`` (a zip bomb).
    case compressionRatioExceeded(entry: String, ratio: UInt64, limit: UInt64)
    /// Thrown when all entries together would unpack to more than ``CharXLimits/maxCompressionRatio`` times the
    /// archive's size (many small entries adding up to a bomb); `entry` is the entry at which the total passed it.
    case archiveRatioExceeded(entry: String, total: UInt64, archiveBytes: UInt64, limit: UInt64)
    /// Thrown when an entry inflates to more bytes than its header declares (a lying header), or fails its CRC,
    /// or cannot be inflated.
    case corruptEntry(entry: String, reason: String)
    /// Thrown when no entry is named `card.json` (at the root or, as SillyTavern accepts, by suffix).
    case missingCardJSON(entries: [String])
    /// Thrown when `card.json` is not a character card; holds the card reader's error.
    case invalidCard(entry: String, CardError)
    /// Thrown by the writer when two files share a path, or a file is named like the card.
    case duplicatePath(entry: String)
    /// Thrown when ZIPFoundation fails to build the archive (writer).
    case cannotWrite(reason: String)
    /// Thrown when unpacking to a folder fails, or would write through a symbolic link already in the folder.
    case cannotUnpack(entry: String, reason: String)

    /// The error as one line, naming the archive entry or offset where it can.
    public var description: String {
        switch self {
        case .notAZip(let reason): return "not a CharX: no ZIP archive found (\(reason))"
        case .unreadableArchive(let reason): return "CharX: damaged ZIP archive: \(reason)"
        case .absolutePath(let entry): return "CharX entry \(Self.quoted(entry)): refused: an absolute path"
        case .parentTraversal(let entry): return "CharX entry \(Self.quoted(entry)): refused: a \"..\" path component"
        case .symbolicLink(let entry): return "CharX entry \(Self.quoted(entry)): refused: a symbolic link"
        case .invalidPath(let entry, let reason): return "CharX entry \(Self.quoted(entry)): refused: \(reason)"
        case .tooManyEntries(let limit): return "CharX: refused: more than \(limit) entries"
        case .totalSizeExceeded(let entry, let limit):
            return "CharX entry \(Self.quoted(entry)): refused: the archive unpacks to more than \(limit) bytes"
        case .entryTooLarge(let entry, let size, let limit):
            return "CharX entry \(Self.quoted(entry)): refused: \(size) bytes uncompressed, the limit is \(limit)"
        case .compressionRatioExceeded(let entry, let ratio, let limit):
            return
                "CharX entry \(Self.quoted(entry)): refused: compression ratio \(ratio):1 exceeds \(limit):1 (zip bomb)"
        case .archiveRatioExceeded(let entry, let total, let archiveBytes, let limit):
            return "CharX entry \(Self.quoted(entry)): refused: the entries so far unpack to \(total) bytes, more than "
                + "\(limit) times the archive's \(archiveBytes) bytes (zip bomb)"
        case .corruptEntry(let entry, let reason): return "CharX entry \(Self.quoted(entry)): \(reason)"
        case .missingCardJSON(let entries):
            let listed = entries.prefix(5).map(Self.quoted).joined(separator: ", ")
            return "CharX: no card.json among \(entries.count) entries"
                + (entries.isEmpty ? "" : " (\(listed)\(entries.count > 5 ? ", …" : ""))")
        case .invalidCard(let entry, let error): return "CharX entry \(Self.quoted(entry)): \(error)"
        case .duplicatePath(let entry): return "CharX entry \(Self.quoted(entry)): written twice"
        case .cannotWrite(let reason): return "CharX: cannot write the archive: \(reason)"
        case .cannotUnpack(let entry, let reason): return "CharX entry \(Self.quoted(entry)): cannot unpack: \(reason)"
        }
    }

    /// The entry the error is about, when there is one.
    public var entry: String? {
        switch self {
        case .absolutePath(let entry), .parentTraversal(let entry), .symbolicLink(let entry),
            .invalidPath(let entry, _), .totalSizeExceeded(let entry, _), .entryTooLarge(let entry, _, _),
            .compressionRatioExceeded(let entry, _, _), .archiveRatioExceeded(let entry, _, _, _),
            .corruptEntry(let entry, _), .invalidCard(let entry, _),
            .duplicatePath(let entry), .cannotUnpack(let entry, _):
            return entry
        case .notAZip, .unreadableArchive, .tooManyEntries, .missingCardJSON, .cannotWrite:
            return nil
        }
    }

    private static func quoted(_ path: String) -> String {
        var out = "\""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

package import CardKitJSON
import CardModel
package import Foundation
import ZIPFoundation

/// A file shape recognised by ``CardFormatSniffer``.
package enum DetectedFormat: Sendable, Hashable, CustomStringConvertible {
    /// A CharX: a ZIP holding a `card.json`; `zipOffset` is 0 for a plain `.charx`, else the length of the data
    /// before it (a JPEG with a ZIP appended).
    case charx(zipOffset: Int)
    /// A ZIP without a `card.json` (for example a BYAF archive), which CardKit does not read as a card.
    case otherZIP(zipOffset: Int)
    /// A SillyTavern World Info file (`entries` keyed by uid).
    case worldInfo
    /// A standalone V3 lorebook (`spec: lorebook_v3`).
    case lorebookV3
    /// A bare character book (`entries` array, no card fields).
    case characterBook
    /// A text-generation-webui YAML character.
    case textGenerationWebUIYAML
    /// Pygmalion/Gradio character JSON (`char_name`).
    case pygmalionJSON
    /// TavernAI's per-character folder JSON (a V1 card with `avatar` and `chat`).
    case tavernAIFolderJSON
    /// None of the shapes above (a PNG, a JSON card, or something else): the caller's own readers decide.
    case unknown

    /// A short name for `inspect`, such as `charx`, `worldinfo`, `lorebook_v3` or `yaml`.
    package var description: String {
        switch self {
        case .charx(let offset): return offset == 0 ? "charx" : "charx (after \(offset) bytes)"
        case .otherZIP: return "zip"
        case .worldInfo: return "worldinfo"
        case .lorebookV3: return "lorebook_v3"
        case .characterBook: return "character_book"
        case .textGenerationWebUIYAML: return "text-generation-webui yaml"
        case .pygmalionJSON: return "pygmalion json"
        case .tavernAIFolderJSON: return "tavernai folder json"
        case .unknown: return "unknown"
        }
    }
}

/// Recognises CharX, World Info, lorebook, YAML and older JSON shapes by content, never by file name.
///
/// The checks are cheap: ZIPs are found by their signatures (at offset 0 or after a prefix) and listed
/// without inflating anything; JSON is parsed once (bounded by the parser's limits); YAML is tried only for
/// text that is not JSON.
package enum CardFormatSniffer {
    /// The largest text file tried as JSON or YAML (default 64 MiB); larger text is `.unknown`.
    package static let maxTextBytes = 64 << 20

    /// Detects the shape of a file's bytes.
    /// - Parameter data: The file's bytes.
    /// - Returns: The shape, or ``DetectedFormat/unknown``.
    package static func detect(data: Data) -> DetectedFormat {
        let signature = FileSignature.detect(data)
        if signature == .png || signature == .damagedPNG { return .unknown }  // PNG: the PNG reader's.
        if ZIPLocator.containsZIP(data), let located = ZIPLocator.locate(data) {
            return hasCardJSON(located.data) ? .charx(zipOffset: located.offset) : .otherZIP(zipOffset: located.offset)
        }
        guard data.count <= maxTextBytes else { return .unknown }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            return .unknown
        }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            guard let value = try? JSONParser.parse(bytes).value else { return .unknown }
            return detect(json: value)
        }
        if bytes.contains(0) { return .unknown }
        let value: JSONValue
        do {
            value = try YAMLToJSON.convert(bytes)
        } catch .tooComplex {
            // Text that is YAML past a limit (a bomb): the YAML reader says which limit, rather than the card
            // reader's "invalid JSON".
            return .textGenerationWebUIYAML
        } catch .tooLarge {
            return startsWithYAMLKey(bytes) ? .textGenerationWebUIYAML : .unknown
        } catch {
            return .unknown
        }
        if let root = value.objectValue, root["name"] != nil && (root["context"] != nil || root["greeting"] != nil) {
            return .textGenerationWebUIYAML
        }
        return .unknown
    }

    /// Detects the shape of a parsed JSON document.
    /// - Parameter json: The document.
    /// - Returns: The shape, or ``DetectedFormat/unknown`` (a card, or something else).
    package static func detect(json: JSONValue) -> DetectedFormat {
        guard let root = json.objectValue else { return .unknown }
        if let spec = root["spec"] {
            return spec.stringValue == LorebookFile.spec ? .lorebookV3 : .unknown
        }
        if root["char_name"] != nil { return .pygmalionJSON }
        let cardFields = ["first_mes", "description", "personality", "mes_example"]
        let looksLikeCard = root["name"] != nil && cardFields.contains { root[$0] != nil }
        switch root["entries"] {
        case .object?: if !looksLikeCard { return .worldInfo }
        case .array?: if !looksLikeCard { return .characterBook }
        default: break
        }
        if looksLikeCard, root["data"] == nil, root["avatar"]?.stringValue != nil, root["chat"] != nil,
            !["system_prompt", "alternate_greetings", "extensions", "creator_notes"].contains(where: { root[$0] != nil }
            )
        {
            return .tavernAIFolderJSON
        }
        return .unknown
    }

    /// Whether the first line that is not blank or a comment is a plain `key:` (a letter, then letters, digits,
    /// `_` or `-`, then `:` and a space or the end of the line): text too large to compose that still reads as YAML.
    private static func startsWithYAMLKey(_ bytes: [UInt8]) -> Bool {
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        func isKeyByte(_ byte: UInt8) -> Bool {
            isLetter(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        for line in bytes.prefix(4096).split(separator: 0x0A) {
            let trimmed = line.drop { $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }
            guard let first = trimmed.first else { continue }
            if first == UInt8(ascii: "#") { continue }
            let key = trimmed.prefix(while: isKeyByte)
            guard isLetter(first), key.count < trimmed.count, trimmed[key.endIndex] == UInt8(ascii: ":") else {
                return false
            }
            let after = trimmed.index(after: key.endIndex)
            return after == trimmed.endIndex || trimmed[after] == 0x20 || trimmed[after] == 0x0D
        }
        return false
    }

    private static func hasCardJSON(_ data: Data) -> Bool {
        // ZIPFoundation's in-memory archive traps on offsets past the end (see ZIPBoundsCheck).
        if ZIPBoundsCheck.problem(in: data, maxEntries: CharXLimits().maxEntries, refusingOverlaps: false) != nil {
            return false
        }
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read, pathEncoding: nil)
        } catch {
            return false
        }
        var count = 0
        for entry in archive {
            count += 1
            if count > CharXLimits().maxEntries { return false }
            if !CharXPath.isMacOSMetadata(entry.path), entry.path.hasSuffix("card.json") { return true }
        }
        return false
    }
}

import CardFormats
import CardKitFiles
import CardKitJSON
package import CardModel
import CardPNG
package import Foundation
import OrderedCollections

/// The container `pack` writes.
package enum CardFolderTarget: String, Sendable, Hashable, CaseIterable {
    /// A V3 JSON card (pretty, 2 spaces).
    case json
    /// A PNG: the folder's image (or a drawn avatar) with `chara` (V2) and `ccv3` (V3).
    case png
    /// A CharX archive with the folder's files.
    case charx

    /// The target a file name asks for, by its extension; `nil` for any other.
    ///
    /// - Parameter path: The output path.
    package init?(path: String) {
        self.init(rawValue: (path as NSString).pathExtension.lowercased())
    }
}

/// What packing a folder gave.
package struct CardFolderPackResult: Sendable {
    /// The card file's bytes.
    package var bytes: [UInt8]
    /// The card, as V3.
    package var card: Card
    /// What packing noticed (an entry file without front matter, the card's repairs).
    package var diagnostics: [Diagnostic]
}

/// A card as a folder of files a person edits and keeps in git, and back (see `docs/card-folder.md`).
///
/// Layout:
/// - `card.json`: the V3 card, pretty-printed, with every field that has its own file replaced by a placeholder
///   (`{"$file": "description.md"}`, `{"$files": "lorebook"}`), so key order, number texts and unknown keys stay.
/// - `description.md`, `personality.md`, `scenario.md`, `first_mes.md`, `mes_example.md`, `system_prompt.md`,
///   `post_history_instructions.md`, `creator_notes.md`: the long texts, each with one final newline added.
/// - `alternate_greetings/01.md`, …: one greeting per file, in file name order.
/// - `lorebook/001-<slug>.md`, …: one entry per file, in file name order: a JSON front matter between `---` lines
///   with every field (`content` as a placeholder), then the content.
/// - `image.png`: a PNG card's image without its card chunks; `files/…`: a CharX's files at their archive paths (or
///   a PNG's asset chunks as `files/__asset/<name>`).
/// - `cardkit-folder.json`: the container it came from and the files' order.
package enum CardFolder {
    /// The text fields that get their own `.md` file, in the order they are written.
    package static let textFields = [
        "description", "personality", "scenario", "first_mes", "mes_example", "system_prompt",
        "post_history_instructions", "creator_notes",
    ]

    /// The value `content` has in an entry's front matter: the content is the text after it.
    package static let contentPlaceholder = "(the text below)"

    /// The layout version written into `cardkit-folder.json`.
    package static let layoutVersion = 1

    // MARK: - Unpack

    /// Unpacks a card file's bytes into a new or empty folder.
    ///
    /// - Parameters:
    ///   - data: The card file's bytes.
    ///   - path: The name used in messages.
    ///   - directory: The folder to write (created when missing; refused when not empty).
    ///   - options: Reading options.
    /// - Returns: The files written, relative to `directory`, in the order written.
    /// - Throws: ``CardAuthoringError`` naming the card or the folder.
    @discardableResult
    package static func unpack(data: Data, path: String, to directory: URL, options: CardLoadOptions = .init())
        throws(CardAuthoringError) -> [String]
    {
        let source = try AuthoringSource.load(data: data, path: path, options: options)
        var files: [(String, [UInt8])] = []
        var data = source.v3.fields
        for field in textFields {
            guard let text = data[field]?.stringValue else { continue }
            files.append(("\(field).md", Array((text + "\n").utf8)))
            data[field] = .object(["$file": .string("\(field).md")])
        }
        if let greetings = data["alternate_greetings"]?.arrayValue,
            greetings.allSatisfy({ $0.stringValue != nil })
        {
            let width = max(2, String(greetings.count).count)
            for (index, greeting) in greetings.enumerated() {
                let name = "alternate_greetings/\(Self.padded(index + 1, width)).md"
                files.append((name, Array(((greeting.stringValue ?? "") + "\n").utf8)))
            }
            data["alternate_greetings"] = .object(["$files": "alternate_greetings"])
        }
        if var book = data["character_book"]?.objectValue, let entries = book["entries"]?.arrayValue,
            entries.allSatisfy({ $0.objectValue?["content"]?.stringValue != nil })
        {
            let width = max(3, String(entries.count).count)
            for (index, entry) in entries.enumerated() {
                guard var object = entry.objectValue else { continue }
                let content = object["content"]?.stringValue ?? ""
                object["content"] = .string(Self.contentPlaceholder)  // keeps the key's place
                let name = "lorebook/\(Self.padded(index + 1, width))-\(Self.slug(for: object)).md"
                let header = JSONWriter.bytes(.object(object), style: .pretty)
                files.append((name, Array("---\n".utf8) + header + Array("\n---\n".utf8) + Array(content.utf8)))
            }
            book["entries"] = .object(["$files": "lorebook"])
            data["character_book"] = .object(book)
        }
        var manifest = source.v3
        manifest.fields = data
        var folder: JSONObject = [
            "layout": .number(JSONNumber(layoutVersion)), "container": .string(source.loaded.container.rawValue),
        ]
        if source.loaded.container == .png {
            do {
                let image = try PNGCardStripper.strip(
                    source.loaded.fileBytes, keepingOtherText: true, options: options.png)
                files.append(("image.png", image.png))
            } catch {
                throw CardAuthoringError(path: path, kind: .unreadable, reason: error.description)
            }
            var assets: [JSONValue] = []
            for asset in source.loaded.pngScan?.assets ?? [] {
                let name = "files/__asset/\(Self.fileSafe(asset.name))"
                files.append((name, asset.data))
                assets.append(.object(["name": .string(asset.name), "file": .string(name)]))
            }
            if !assets.isEmpty { folder["png_assets"] = .array(assets) }
        }
        if let charx = source.charx {
            var order: [JSONValue] = []
            for file in charx.files {
                files.append(("files/" + file.path, [UInt8](file.bytes)))
                order.append(.string(file.path))
            }
            folder["files"] = .array(order)
        }
        files.insert(("card.json", JSONWriter.bytes(manifest.json, style: .pretty) + [0x0A]), at: 0)
        files.append(("cardkit-folder.json", JSONWriter.bytes(.object(folder), style: .pretty) + [0x0A]))
        try write(files, to: directory, path: path)
        return files.map(\.0)
    }

    private static func write(_ files: [(String, [UInt8])], to directory: URL, path: String)
        throws(CardAuthoringError)
    {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw CardAuthoringError(
                    path: directory.path, kind: .invalidFolder, reason: "exists and is not a folder")
            }
            let existing = (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
            guard existing.isEmpty else {
                throw CardAuthoringError(
                    path: directory.path, kind: .invalidFolder,
                    reason: "the folder is not empty; unpack into a new folder")
            }
        }
        for (name, bytes) in files {
            let url = directory.appendingPathComponent(name)
            do {
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try AtomicFile.write(bytes, to: url)
            } catch {
                throw CardAuthoringError(path: url.path, kind: .cannotWrite, reason: "cannot write: \(error)")
            }
        }
    }

    // MARK: - Pack

    /// Packs a card folder into a card file.
    ///
    /// - Parameters:
    ///   - directory: The folder (as `unpack` wrote it, possibly edited).
    ///   - target: The container to write.
    /// - Returns: The card file's bytes and the V3 card.
    /// - Throws: ``CardAuthoringError`` naming the folder or the file in it that is wrong.
    package static func pack(_ directory: URL, as target: CardFolderTarget) throws(CardAuthoringError)
        -> CardFolderPackResult
    {
        let manifestURL = directory.appendingPathComponent("card.json")
        let manifestValue = try readJSON(manifestURL)
        guard case .object(var root) = manifestValue, var data = root["data"]?.objectValue else {
            throw CardAuthoringError(
                path: manifestURL.path, kind: .invalidFolder, reason: "card.json is not a card (no `data` object)")
        }
        var diagnostics: [Diagnostic] = []
        for (key, value) in data {
            guard let file = value.objectValue?["$file"]?.stringValue else { continue }
            data[key] = .string(try readText(directory.appendingPathComponent(file)))
        }
        if let folder = data["alternate_greetings"]?.objectValue?["$files"]?.stringValue {
            let names = try listing(directory.appendingPathComponent(folder, isDirectory: true))
            var greetings: [JSONValue] = []
            for name in names {
                greetings.append(
                    .string(try readText(directory.appendingPathComponent(folder).appendingPathComponent(name))))
            }
            data["alternate_greetings"] = .array(greetings)
        }
        if var book = data["character_book"]?.objectValue,
            let folder = book["entries"]?.objectValue?["$files"]?.stringValue
        {
            let url = directory.appendingPathComponent(folder, isDirectory: true)
            var entries: [JSONValue] = []
            for name in try listing(url) {
                entries.append(try readEntry(url.appendingPathComponent(name), diagnostics: &diagnostics))
            }
            book["entries"] = .array(entries)
            data["character_book"] = .object(book)
        }
        root["data"] = .object(data)
        let read: CardReadResult
        do {
            read = try CardReader.read(json: .object(root))
        } catch {
            throw CardAuthoringError(path: manifestURL.path, kind: .invalidFolder, reason: error.description)
        }
        let conversion = read.card.converted(to: .v3)
        let card = conversion.card
        let folderInfo = (try? readJSON(directory.appendingPathComponent("cardkit-folder.json"))) ?? .object([:])
        let bytes: [UInt8]
        switch target {
        case .json:
            bytes = JSONWriter.bytes(card.json, style: .pretty) + [0x0A]
        case .png:
            let imageURL = directory.appendingPathComponent("image.png")
            let image = FileManager.default.fileExists(atPath: imageURL.path) ? try readBytes(imageURL) : nil
            var assetPayloads: [PNGCardPayload] = []
            for asset in folderInfo["png_assets"]?.arrayValue ?? [] {
                guard let name = asset["name"]?.stringValue, let file = asset["file"]?.stringValue else { continue }
                let assetBytes = try readBytes(directory.appendingPathComponent(file))
                assetPayloads.append(PNGCardPayload(keyword: "chara-ext-asset_:\(name)", bytes: assetBytes))
            }
            do {
                var base = image
                if !assetPayloads.isEmpty {
                    // The asset chunks go before the card chunks, as RisuAI writes them.
                    base = try PNGCardWriter.embed(assetPayloads, into: image ?? PNGDefaultAvatar.png()).png
                }
                let embedded = try PNGCardWriter.embed(card: card, into: base)
                bytes = embedded.png
            } catch {
                throw CardAuthoringError(path: imageURL.path, kind: .cannotWrite, reason: String(describing: error))
            }
        case .charx:
            var files: [CharXFile] = []
            var seen = Set<String>()
            let filesURL = directory.appendingPathComponent("files", isDirectory: true)
            let listed = (folderInfo["files"]?.arrayValue ?? []).compactMap(\.stringValue)
            for path in listed + allFiles(under: filesURL) where seen.insert(path).inserted {
                let url = filesURL.appendingPathComponent(path)
                guard FileManager.default.fileExists(atPath: url.path) else { continue }
                files.append(CharXFile(path: path, bytes: Data(try readBytes(url))))
            }
            let imageURL = directory.appendingPathComponent("image.png")
            let icon =
                files.isEmpty && FileManager.default.fileExists(atPath: imageURL.path)
                ? Data(try readBytes(imageURL)) : nil
            do {
                if files.isEmpty {
                    // The folder's image, else the default avatar: a CharX always holds an asset.
                    bytes = [UInt8](try CharXWriter.pack(card: card, mainIcon: icon).data)
                } else {
                    bytes = [UInt8](try CharXWriter.write(card: card, files: files))
                }
            } catch {
                throw CardAuthoringError(path: directory.path, kind: .cannotWrite, reason: error.description)
            }
        }
        return CardFolderPackResult(bytes: bytes, card: card, diagnostics: diagnostics)
    }

    /// Reads one lorebook entry file: JSON front matter between `---` lines, then the content; a file without front
    /// matter is all content, keyed by its name without the number (`010-dragons.md` is keyed `dragons`).
    private static func readEntry(_ url: URL, diagnostics: inout [Diagnostic]) throws(CardAuthoringError)
        -> JSONValue
    {
        let text = try readBytes(url)
        let opening = Array("---\n".utf8)
        let closing = Array("\n---\n".utf8)
        if text.starts(with: opening), let end = Self.find(closing, in: text, from: opening.count) {
            let header = Array(text[opening.count..<end])
            let content = String(decoding: text[(end + closing.count)...], as: UTF8.self)
            let value: JSONValue
            do {
                value = try JSONParser.parse(header).value
            } catch {
                throw CardAuthoringError(
                    path: url.path, kind: .invalidFolder, reason: "the front matter is not JSON: \(error)")
            }
            guard case .object(var object) = value else {
                throw CardAuthoringError(
                    path: url.path, kind: .invalidFolder, reason: "the front matter is not a JSON object")
            }
            object["content"] = .string(content)
            return .object(object)
        }
        var stem = url.deletingPathExtension().lastPathComponent
        if let dash = stem.firstIndex(of: "-"), stem[..<dash].allSatisfy(\.isNumber) {
            stem = String(stem[stem.index(after: dash)...])
        }
        diagnostics.append(
            Diagnostic(
                .note, code: .upgradeDefault,
                "\(url.lastPathComponent) has no front matter: a new entry keyed \"\(stem)\" with the file as content"))
        return .object([
            "keys": .array([.string(stem)]), "content": .string(String(decoding: text, as: UTF8.self)),
            "extensions": .object([:]), "enabled": true, "insertion_order": 0, "use_regex": false,
        ])
    }

    // MARK: - Pieces

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], Array(haystack[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }

    private static func readBytes(_ url: URL) throws(CardAuthoringError) -> [UInt8] {
        do {
            return [UInt8](try CardInput(path: url.path).read())
        } catch {
            throw CardAuthoringError(path: url.path, kind: .invalidFolder, reason: error.reason)
        }
    }

    private static func readJSON(_ url: URL) throws(CardAuthoringError) -> JSONValue {
        let bytes = try readBytes(url)
        do {
            return try JSONParser.parse(bytes).value
        } catch {
            throw CardAuthoringError(path: url.path, kind: .invalidFolder, reason: "invalid JSON: \(error)")
        }
    }

    /// A text file's contents without the one final newline `unpack` adds.
    private static func readText(_ url: URL) throws(CardAuthoringError) -> String {
        var text = String(decoding: try readBytes(url), as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The visible files of a folder, sorted by name; none when the folder is missing (an empty list is written as
    /// no folder).
    private static func listing(_ url: URL) throws(CardAuthoringError) -> [String] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { !$0.hasPrefix(".") }
                .sorted()
        } catch {
            throw CardAuthoringError(path: url.path, kind: .invalidFolder, reason: "cannot list the folder")
        }
    }

    /// Every file below `url`, as `/`-separated relative paths, sorted.
    private static func allFiles(under url: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: url.path) else { return [] }
        var result: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(path).path, isDirectory: &isFolder),
                !isFolder.boolValue, !(path as NSString).lastPathComponent.hasPrefix(".")
            {
                result.append(path)
            }
        }
        return result.sorted()
    }

    private static func padded(_ number: Int, _ width: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// A readable, stable file name part for an entry: its comment or first key, lowercased, `a-z0-9` and dashes.
    private static func slug(for entry: JSONObject) -> String {
        let comment = entry["comment"]?.stringValue ?? ""
        let key = entry["keys"]?.arrayValue?.first?.stringValue ?? ""
        let base = comment.isEmpty ? key : comment
        return fileSafe(base, fallback: "entry")
    }

    private static func fileSafe(_ text: String, fallback: String = "asset") -> String {
        var result = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("-") {
                result += "-"
            }
            if result.count >= 40 { break }
        }
        let trimmed = result.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? fallback : trimmed
    }
}

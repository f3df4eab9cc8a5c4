import CardFormats
package import CardKitJSON
import CardModel
package import Foundation
import OrderedCollections

/// How ``CardDiff`` reads and compares two cards.
package struct CardDiffOptions: Sendable {
    /// How both inputs are read.
    package var load: CardLoadOptions = CardLoadOptions()
    /// Whether `data.modification_date` is compared (an edit stamps it, so by default it is not).
    package var includeModificationDate: Bool = false
    /// Whether the images (a PNG's image data, a CharX's main icon) are compared.
    package var compareImages: Bool = false

    /// The defaults: lenient reading, no dates, no images.
    package init() {}
}

/// One difference between two cards.
package struct CardChange: Sendable, Hashable {
    /// What happened to the value.
    package enum Kind: String, Sendable, Hashable {
        /// Only B has it.
        case added
        /// Only A has it.
        case removed
        /// Both have it, with different values.
        case changed
        /// The same items in another order (lorebook entries, assets).
        case reordered
    }

    /// What happened.
    package var kind: Kind
    /// Where, in B's V3 card (in A's for a removal); `nil` for a file of the container (an asset file, the image).
    package var pointer: JSONPointer?
    /// The change in words, for example `lorebook entry id 3 (dragon, wyrm): content`.
    package var what: String
    /// A's value.
    package var old: JSONValue?
    /// B's value.
    package var new: JSONValue?
    /// For long texts, a line diff: each line prefixed with `- `, `+ ` or two spaces.
    package var lineDiff: [String]?

    /// The change as a JSON record (`kind`, `pointer`, `what`, `old`, `new`, and `lines` for a long text).
    package var json: JSONValue {
        var object: JSONObject = ["kind": .string(kind.rawValue)]
        object["pointer"] = pointer.map { .string($0.description) } ?? .null
        object["what"] = .string(what)
        if let old { object["old"] = old }
        if let new { object["new"] = new }
        if let lineDiff { object["lines"] = .array(lineDiff.map { .string($0) }) }
        return .object(object)
    }
}

/// What comparing two cards found.
package struct CardDiffResult: Sendable {
    /// Every difference in the cards' V3 values, in document order.
    package var changes: [CardChange]
    /// Differences in the containers' files (asset files, the image), which a patch cannot carry.
    package var fileChanges: [CardChange]
    /// The RFC 6902 patch that turns A's V3 card into B's.
    package var patch: JSONPatch

    /// Whether the cards are the same.
    package var isSame: Bool { changes.isEmpty && fileChanges.isEmpty }

    /// The result as one JSON document: `same`, `changes`, `files`.
    package var json: JSONValue {
        .object([
            "same": .bool(isSame), "changes": .array(changes.map(\.json)),
            "files": .array(fileChanges.map(\.json)),
        ])
    }
}

/// Compares two cards semantically, whatever their containers.
///
/// Both cards are compared as V3 values (so a PNG and the JSON it holds are the same card): objects regardless of key
/// order, numbers by value. Lorebook entries are matched by `id`, else by their keys, and assets by type and name,
/// else by URI, so a reordered list is reported as reordered, not as all changed. Asset files of two CharX archives
/// (or the asset chunks of two PNGs) are compared byte for byte, and with ``CardDiffOptions/compareImages`` the images
/// too.
package enum CardDiff {
    /// Compares two card files' bytes.
    ///
    /// - Parameters:
    ///   - a: A's bytes and name.
    ///   - b: B's bytes and name.
    ///   - options: Reading and comparing options.
    /// - Returns: The differences and the patch from A to B.
    /// - Throws: ``CardAuthoringError`` naming the file that could not be read.
    package static func compare(
        _ a: (data: Data, path: String), _ b: (data: Data, path: String), options: CardDiffOptions = .init()
    ) throws(CardAuthoringError) -> CardDiffResult {
        let left = try AuthoringSource.load(data: a.data, path: a.path, options: options.load)
        let right = try AuthoringSource.load(data: b.data, path: b.path, options: options.load)
        return compare(left, right, options: options)
    }

    /// Reads two card files and compares them.
    ///
    /// - Parameters:
    ///   - a: The first file.
    ///   - b: The second file.
    ///   - options: Reading and comparing options.
    /// - Returns: The differences and the patch from A to B.
    /// - Throws: ``CardAuthoringError`` naming the file that could not be read.
    package static func compare(_ a: CardInput, _ b: CardInput, options: CardDiffOptions = .init())
        throws(CardAuthoringError) -> CardDiffResult
    {
        let left = try AuthoringSource.load(a, options: options.load)
        let right = try AuthoringSource.load(b, options: options.load)
        return compare(left, right, options: options)
    }

    /// Compares two cards read for authoring.
    static func compare(_ a: AuthoringSource, _ b: AuthoringSource, options: CardDiffOptions) -> CardDiffResult {
        var left = a.v3.json
        var right = b.v3.json
        if !options.includeModificationDate {
            left["data"]?["modification_date"] = nil
            right["data"]?["modification_date"] = nil
        }
        // The V3 spec: a card without `assets` behaves as one with the default icon, which writers add.
        let defaultAssets: JSONValue = [["type": "icon", "uri": "ccdefault:", "name": "main", "ext": "png"]]
        if left["data"]?["assets"] == nil, right["data"]?["assets"] == defaultAssets {
            left["data"]?["assets"] = defaultAssets
        }
        if right["data"]?["assets"] == nil, left["data"]?["assets"] == defaultAssets {
            right["data"]?["assets"] = defaultAssets
        }
        var differ = Differ()
        differ.diff(left, right, at: JSONPointer())
        let files = fileChanges(a, b, options: options)
        return CardDiffResult(
            changes: differ.changes, fileChanges: files, patch: JSONPatch(operations: differ.operations))
    }

    /// Compares two V3 card values.
    ///
    /// - Parameters:
    ///   - a: A's V3 value.
    ///   - b: B's V3 value.
    /// - Returns: The differences and the patch from A to B.
    package static func compare(values a: JSONValue, _ b: JSONValue) -> CardDiffResult {
        var differ = Differ()
        differ.diff(a, b, at: JSONPointer())
        return CardDiffResult(changes: differ.changes, fileChanges: [], patch: JSONPatch(operations: differ.operations))
    }

    // MARK: - Files

    private static func fileChanges(_ a: AuthoringSource, _ b: AuthoringSource, options: CardDiffOptions)
        -> [CardChange]
    {
        var changes: [CardChange] = []
        if a.loaded.container == b.loaded.container, let left = files(of: a), let right = files(of: b) {
            for (path, bytes) in left where right[path] == nil {
                changes.append(
                    CardChange(kind: .removed, pointer: nil, what: "asset file \(path) (\(bytes.count) bytes)"))
            }
            for (path, bytes) in right {
                if let old = left[path] {
                    if old != bytes {
                        changes.append(
                            CardChange(
                                kind: .changed, pointer: nil,
                                what: "asset file \(path) (\(old.count) bytes, now \(bytes.count) bytes)"))
                    }
                } else {
                    changes.append(
                        CardChange(kind: .added, pointer: nil, what: "asset file \(path) (\(bytes.count) bytes)"))
                }
            }
        }
        if options.compareImages {
            let left = image(of: a)
            let right = image(of: b)
            switch (left, right) {
            case (nil, nil): break
            case (nil, .some(let image)):
                changes.append(CardChange(kind: .added, pointer: nil, what: "image (\(image.count) bytes)"))
            case (.some(let image), nil):
                changes.append(CardChange(kind: .removed, pointer: nil, what: "image (\(image.count) bytes)"))
            case (.some(let old), .some(let new)) where old != new:
                changes.append(
                    CardChange(
                        kind: .changed, pointer: nil, what: "image (\(old.count) bytes, now \(new.count) bytes)"))
            default: break
            }
        }
        return changes
    }

    /// The container's asset files by path: a CharX's files, or a PNG's asset chunks by name; `nil` for JSON.
    ///
    /// They are compared only between two archives or two PNGs: a PNG and the CharX made from it hold the same
    /// card with their files in different places.
    private static func files(of source: AuthoringSource) -> OrderedDictionary<String, Data>? {
        if let charx = source.charx {
            var result: OrderedDictionary<String, Data> = [:]
            for file in charx.files { result[file.path] = file.bytes }
            return result
        }
        if let scan = source.loaded.pngScan {
            var result: OrderedDictionary<String, Data> = [:]
            for asset in scan.assets { result["__asset:\(asset.name)"] = Data(asset.data) }
            return result
        }
        return nil
    }

    /// The image without any text chunk: a PNG's own, or a CharX's main icon.
    private static func image(of source: AuthoringSource) -> [UInt8]? {
        let bytes: Data
        if source.loaded.container == .png {
            bytes = source.loaded.fileBytes
        } else if let icon = source.charx?.mainIcon?.bytes {
            bytes = icon
        } else {
            return nil
        }
        return (try? CardStripper.strip(data: bytes, path: source.path, keepingOtherText: false).png) ?? [UInt8](bytes)
    }
}

/// Walks two values side by side, recording changes and the patch operations that apply them in order.
private struct Differ {
    var changes: [CardChange] = []
    var operations: [JSONPatch.Operation] = []

    static let entriesPointer = JSONPointer(tokens: ["data", "character_book", "entries"])
    static let assetsPointer = JSONPointer(tokens: ["data", "assets"])

    mutating func diff(_ a: JSONValue, _ b: JSONValue, at pointer: JSONPointer, label: String? = nil) {
        if a == b || a.isSemanticallyEqual(to: b) { return }
        switch (a, b) {
        case (.object(let left), .object(let right)):
            for (key, value) in left where right[key] == nil {
                let child = pointer.appending(key)
                changes.append(
                    CardChange(kind: .removed, pointer: child, what: Self.describe(child, label: label), old: value))
                operations.append(.remove(path: child))
            }
            for (key, value) in right {
                let child = pointer.appending(key)
                if let old = left[key] {
                    diff(old, value, at: child, label: label)
                } else {
                    changes.append(
                        CardChange(kind: .added, pointer: child, what: Self.describe(child, label: label), new: value))
                    operations.append(.add(path: child, value: value))
                }
            }
        case (.array(let left), .array(let right)):
            if pointer == Self.entriesPointer {
                keyedDiff(left, right, at: pointer, keys: [Self.entryID, Self.entryKeys], noun: "lorebook entry")
            } else if pointer == Self.assetsPointer {
                keyedDiff(left, right, at: pointer, keys: [Self.assetName, Self.assetURI], noun: "asset")
            } else {
                arrayDiff(left, right, at: pointer, label: label)
            }
        default:
            var change = CardChange(
                kind: .changed, pointer: pointer, what: Self.describe(pointer, label: label), old: a, new: b)
            if let old = a.stringValue, let new = b.stringValue,
                old.contains("\n") || new.contains("\n")
                    || old.count > 80 || new.count > 80
            {
                change.lineDiff = LineDiff.lines(old, new)
            }
            changes.append(change)
            operations.append(.replace(path: pointer, value: b))
        }
    }

    /// Arrays without identities: the common head and tail are kept, a middle of equal length is compared item by
    /// item, any other middle is removed and added.
    private mutating func arrayDiff(_ a: [JSONValue], _ b: [JSONValue], at pointer: JSONPointer, label: String?) {
        var head = 0
        while head < a.count, head < b.count, a[head].isSemanticallyEqual(to: b[head]) { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head,
            a[a.count - 1 - tail].isSemanticallyEqual(to: b[b.count - 1 - tail])
        {
            tail += 1
        }
        let oldMiddle = head..<(a.count - tail)
        let newMiddle = head..<(b.count - tail)
        if oldMiddle.count == newMiddle.count {
            for index in oldMiddle { diff(a[index], b[index], at: pointer.appending(index), label: label) }
            return
        }
        for index in oldMiddle.reversed() {
            let child = pointer.appending(index)
            changes.append(
                CardChange(kind: .removed, pointer: child, what: Self.describe(child, label: label), old: a[index]))
            operations.append(.remove(path: child))
        }
        for index in newMiddle {
            let child = pointer.appending(index)
            changes.append(
                CardChange(kind: .added, pointer: child, what: Self.describe(child, label: label), new: b[index]))
            operations.append(.add(path: child, value: b[index]))
        }
    }

    /// Arrays of items with identities (lorebook entries, assets): items are matched by the first key function
    /// that gives every item on both sides a unique key, else compared as a plain array.
    private mutating func keyedDiff(
        _ a: [JSONValue], _ b: [JSONValue], at pointer: JSONPointer, keys: [(JSONValue) -> String?], noun: String
    ) {
        guard let (leftKeys, rightKeys) = Self.uniqueKeys(a, b, keys) else {
            arrayDiff(a, b, at: pointer, label: noun)
            return
        }
        let rightIndex = Dictionary(uniqueKeysWithValues: rightKeys.enumerated().map { ($1, $0) })
        let leftSet = Set(leftKeys)
        // 1. Removed items, last first.
        for (index, item) in a.enumerated().reversed() where rightIndex[leftKeys[index]] == nil {
            let child = pointer.appending(index)
            changes.append(
                CardChange(kind: .removed, pointer: child, what: Self.name(noun, item, index: index), old: item))
            operations.append(.remove(path: child))
        }
        // 2. The kept items into B's order.
        var current = leftKeys.filter { rightIndex[$0] != nil }
        let target = rightKeys.filter { leftSet.contains($0) }
        if current != target {
            changes.append(
                CardChange(kind: .reordered, pointer: pointer, what: "\(noun) order (\(target.count) matched)"))
            for position in target.indices where current[position] != target[position] {
                guard let from = current.firstIndex(of: target[position]) else { continue }
                operations.append(.move(from: pointer.appending(from), path: pointer.appending(position)))
                current.insert(current.remove(at: from), at: position)
            }
        }
        // 3. Added items, at B's positions, first first.
        for (index, item) in b.enumerated() where !leftSet.contains(rightKeys[index]) {
            let child = pointer.appending(index)
            changes.append(
                CardChange(kind: .added, pointer: child, what: Self.name(noun, item, index: index), new: item))
            operations.append(.add(path: child, value: item))
        }
        // 4. The matched items, now at B's positions.
        let leftByKey = Dictionary(uniqueKeysWithValues: leftKeys.enumerated().map { ($1, a[$0]) })
        for (index, item) in b.enumerated() {
            guard let old = leftByKey[rightKeys[index]] else { continue }
            diff(old, item, at: pointer.appending(index), label: Self.name(noun, item, index: index))
        }
    }

    /// The first key function that names every item of both arrays uniquely, with the keys.
    private static func uniqueKeys(_ a: [JSONValue], _ b: [JSONValue], _ keys: [(JSONValue) -> String?]) -> (
        [String], [String]
    )? {
        for key in keys {
            let left = a.compactMap(key)
            let right = b.compactMap(key)
            if left.count == a.count, right.count == b.count, Set(left).count == left.count,
                Set(right).count == right.count
            {
                return (left, right)
            }
        }
        return nil
    }

    static func entryID(_ entry: JSONValue) -> String? {
        guard let id = entry["id"], id != .null else { return nil }
        return "id:" + JSONWriter.string(id)
    }

    static func entryKeys(_ entry: JSONValue) -> String? {
        guard let keys = entry["keys"]?.arrayValue else { return nil }
        return "keys:" + keys.compactMap(\.stringValue).joined(separator: "\u{1F}")
    }

    static func assetName(_ asset: JSONValue) -> String? {
        guard let type = asset["type"]?.stringValue, let name = asset["name"]?.stringValue else { return nil }
        return type + "\u{1F}" + name
    }

    static func assetURI(_ asset: JSONValue) -> String? { asset["uri"]?.stringValue }

    /// `lorebook entry id 3 (dragon, wyrm)` or `asset icon main`.
    static func name(_ noun: String, _ item: JSONValue, index: Int) -> String {
        if noun == "asset" {
            let type = item["type"]?.stringValue ?? "?"
            let name = item["name"]?.stringValue ?? "?"
            return "asset \(type) \(name)"
        }
        let keys = (item["keys"]?.arrayValue ?? []).compactMap(\.stringValue).prefix(3).joined(separator: ", ")
        let id = item["id"].flatMap { $0 == .null ? nil : JSONWriter.string($0) }
        return "\(noun) \(id.map { "id \($0)" } ?? "#\(index)") (\(keys))"
    }

    /// The field a pointer names, in words: `name`, `extensions.depth_prompt.prompt`, or within an item's label.
    static func describe(_ pointer: JSONPointer, label: String?) -> String {
        var tokens = pointer.tokens
        if tokens.first == "data" { tokens.removeFirst() }
        if let label {
            // Keep what follows the item: `…entries/2/content` within `lorebook entry id 2 (…)` is `content`.
            let tail: [String]
            if let entries = pointer.tokens.firstIndex(of: "entries"), pointer.tokens.count > entries + 2 {
                tail = Array(pointer.tokens[(entries + 2)...])
            } else if let assets = pointer.tokens.firstIndex(of: "assets"), pointer.tokens.count > assets + 2 {
                tail = Array(pointer.tokens[(assets + 2)...])
            } else {
                tail = []
            }
            return tail.isEmpty ? label : "\(label): \(tail.joined(separator: "."))"
        }
        return tokens.isEmpty ? "(the card)" : tokens.joined(separator: ".")
    }
}

/// A line diff of two texts (longest common subsequence of lines).
package enum LineDiff {
    /// The most line pairs compared; longer texts are shown as all removed, then all added.
    package static let maxCells = 4_000_000

    /// Each line of `old` and `new` prefixed with `- ` (only in old), `+ ` (only in new) or two spaces (both).
    ///
    /// - Parameters:
    ///   - old: A's text.
    ///   - new: B's text.
    /// - Returns: The merged lines, in order.
    package static func lines(_ old: String, _ new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard a.count * b.count <= maxCells else { return a.map { "- " + $0 } + b.map { "+ " + $0 } }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var result: [String] = []
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                result.append("  " + a[i])
                i += 1
                j += 1
            } else if table[i + 1][j] >= table[i][j + 1] {
                result.append("- " + a[i])
                i += 1
            } else {
                result.append("+ " + b[j])
                j += 1
            }
        }
        result += a[i...].map { "- " + $0 } + b[j...].map { "+ " + $0 }
        return result
    }
}

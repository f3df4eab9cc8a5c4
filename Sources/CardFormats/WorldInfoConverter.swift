public import CardKitJSON
public import CardModel
import OrderedCollections

/// Converts between SillyTavern World Info files and character books (V2 `character_book`, V3 Lorebook).
///
/// World Info → book follows SillyTavern's `convertWorldInfoToCharacterBook`: each entry's SillyTavern-only
/// settings (position 0–6, depth, probability, group, recursion flags, sticky/cooldown/delay, role, …) go to
/// the entry's `extensions` under SillyTavern's own key names, `use_regex` is `true`, and the non-zero
/// positions all become `after_char`. To make the trip back exact, each entry also records, under
/// `extensions.cardkit_worldinfo`, which World Info keys it had and in what order, plus any value the
/// mapping cannot carry (unknown keys, a non-derivable `addMemo`, the entry's own `extensions`); the book
/// records the file's other top-level keys the same way.
///
/// Book → World Info follows `convertCharacterBook`: SillyTavern's defaults fill what the book lacks, and
/// the result keeps the book as `originalData`, which a later World Info → book uses to restore the fields
/// World Info cannot hold (`use_regex`, `priority`, `name`, the book's `scan_depth`, `token_budget`, …).
public enum WorldInfoConverter {
    /// The `extensions` key holding what World Info → book needs to come back exactly.
    package static let stashKey = "cardkit_worldinfo"

    // MARK: - World Info → book

    /// Converts a World Info file (`{"entries": {"<uid>": entry, …}, …}`) to a character book.
    /// - Parameters:
    ///   - worldInfo: The parsed World Info file.
    ///   - name: The book's name (World Info files carry none; SillyTavern uses the file name).
    /// - Returns: The book and what the conversion noticed.
    /// - Throws: ``CardFormatError/notWorldInfo(pointer:reason:)`` when `entries` is missing or not an object/array,
    ///   ``CardFormatError/limitExceeded(pointer:reason:)`` past `CharacterBook.maxEntries` entries.
    public static func book(fromWorldInfo worldInfo: JSONValue, name: String? = nil) throws(CardFormatError)
        -> BookReadResult
    {
        guard let root = worldInfo.objectValue else {
            throw .notWorldInfo(
                pointer: JSONPointer(), reason: "the document is \(worldInfo.typeName()), not an object")
        }
        var diagnostics: [Diagnostic] = []
        let entriesPointer = JSONPointer(tokens: ["entries"])
        if let problem = CharacterBook.entriesLimitProblem(root["entries"]) {
            throw .limitExceeded(pointer: entriesPointer, reason: problem)
        }
        var pairs: [(key: String, value: JSONValue)] = []
        switch root["entries"] {
        case .object(let object)?:
            for (key, value) in object { pairs.append((key, value)) }
        case .array(let array)?:
            diagnostics.append(
                Diagnostic(
                    .warning, code: .wrongType, pointer: entriesPointer,
                    "`entries` is an array; World Info keys entries by uid"))
            for (index, value) in array.enumerated() { pairs.append((String(index), value)) }
        default:
            throw .notWorldInfo(pointer: entriesPointer, reason: "`entries` is missing or not an object")
        }
        let original = root["originalData"]?.objectValue
        let originalEntries = (original?["entries"]?.arrayValue ?? []).compactMap(\.objectValue)

        var entries: [JSONValue] = []
        for (key, value) in pairs {
            let pointer = entriesPointer.appending(key)
            guard let wi = value.objectValue else {
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .wrongType, pointer: pointer,
                        "entry is \(value.typeName()), not an object; skipped"))
                continue
            }
            var entry = bookEntry(fromWorldInfoEntry: wi, objectKey: key)
            if let uid = wi["uid"], let source = originalEntry(for: uid, in: originalEntries) {
                for field in bookOnlyEntryFields where entry[field] == nil || field == "use_regex" {
                    if let value = source[field] { entry[field] = value }
                }
            }
            entries.append(.object(entry))
        }

        var book = JSONObject()
        if let name = name ?? original?["name"]?.stringValue { book["name"] = .string(name) }
        if let original {
            for field in ["description", "scan_depth", "token_budget", "recursive_scanning"] {
                if let value = original[field] { book[field] = value }
            }
            diagnostics.append(
                Diagnostic(
                    .note, code: .originalData, pointer: JSONPointer(tokens: ["originalData"]),
                    "book-only fields restored from `originalData` (the book SillyTavern imported this World Info from)"
                ))
        }
        var extensions = original?["extensions"]?.objectValue ?? JSONObject()
        var stash = JSONObject()
        stash["key_order"] = .array(root.keys.map { .string($0) })
        var extra = JSONObject()
        for (key, value) in root where key != "entries" { extra[key] = value }
        if !extra.isEmpty { stash["extra"] = .object(extra) }
        extensions[stashKey] = .object(stash)
        book["extensions"] = .object(extensions)
        book["entries"] = .array(entries)
        return BookReadResult(book: CharacterBook(object: book), diagnostics: diagnostics)
    }

    /// Converts one World Info entry to a book entry (SillyTavern's mapping plus the exactness stash).
    static func bookEntry(fromWorldInfoEntry wi: JSONObject, objectKey: String) -> JSONObject {
        var entry = JSONObject()
        var extensions = wi["extensions"]?.objectValue ?? JSONObject()
        var extra = JSONObject()
        if let uid = wi["uid"] { entry["id"] = uid } else { entry["id"] = idValue(fromKey: objectKey) }
        entry["keys"] = wi["key"] ?? .array([])
        if let value = wi["keysecondary"] { entry["secondary_keys"] = value }
        if let value = wi["comment"] { entry["comment"] = value }
        entry["content"] = wi["content"] ?? .string("")
        if let value = wi["constant"] { entry["constant"] = value }
        if let value = wi["selective"] { entry["selective"] = value }
        entry["insertion_order"] = wi["order"] ?? .number(JSONNumber(100))
        switch wi["disable"] {
        case nil: entry["enabled"] = .bool(true)
        case .bool(let disabled)?: entry["enabled"] = .bool(!disabled)
        case let other?:
            entry["enabled"] = .bool(!truthy(other))
            extra["disable"] = other
        }
        if let position = wi["position"] {
            entry["position"] = .string(position.numberValue?.literal == "0" ? "before_char" : "after_char")
            extensions["position"] = position
        }
        entry["use_regex"] = .bool(true)
        for map in extensionMaps {
            if let value = wi[map.worldInfo] {
                extensions[map.book] = value
            } else if let fill = map.fill {
                extensions[map.book] = fill
            }
        }
        let derivedMemo = !(wi["comment"]?.stringValue ?? "").isEmpty
        if let memo = wi["addMemo"], memo != .bool(derivedMemo) { extra["addMemo"] = memo }
        if let own = wi["extensions"] { extra["extensions"] = own }
        if wi["uid"] == nil || wi["uid"].map(keyText) != objectKey { extra["\u{0}key"] = .string(objectKey) }
        for (key, value) in wi where !mappedWorldInfoKeys.contains(key) { extra[key] = value }
        var stash: JSONObject = ["key_order": .array(wi.keys.map { .string($0) })]
        if !extra.isEmpty { stash["extra"] = .object(extra) }
        extensions[stashKey] = .object(stash)
        entry["extensions"] = .object(extensions)
        return entry
    }

    // MARK: - Book → World Info

    /// Converts a character book to a World Info file.
    /// - Parameter book: The book.
    /// - Returns: The World Info file and what the conversion noticed (fields World Info cannot hold).
    public static func worldInfo(fromBook book: CharacterBook) -> WorldInfoConversion {
        var diagnostics: [Diagnostic] = []
        let bookStash = book.extensions[stashKey]?.objectValue
        var entries = JSONObject()
        let rawEntries = book.object["entries"]?.arrayValue ?? []
        for (index, value) in rawEntries.enumerated() {
            let pointer = JSONPointer(tokens: ["entries", String(index)])
            guard let entry = value.objectValue else {
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .wrongType, pointer: pointer,
                        "entry is \(value.typeName()), not an object; skipped"))
                continue
            }
            let (key, wi) = worldInfoEntry(fromBookEntry: entry, index: index)
            if bookStash == nil {
                let lost = bookOnlyEntryFields.filter { field in
                    guard let value = entry[field] else { return false }
                    return !(field == "use_regex" && value == .bool(true))
                }
                if !lost.isEmpty {
                    diagnostics.append(
                        Diagnostic(
                            .note, code: .keptInOriginalData, pointer: pointer,
                            "World Info has no place for \(lost.joined(separator: ", ")); kept in `originalData`"))
                }
            }
            if entries[key] != nil {
                diagnostics.append(
                    Diagnostic(
                        .warning, code: .duplicateID, pointer: pointer.appending("id"),
                        "id \(key) is used twice; the later entry wins"))
            }
            entries[key] = .object(wi)
        }
        var root = JSONObject()
        if let bookStash, let order = bookStash["key_order"]?.arrayValue {
            let extra = bookStash["extra"]?.objectValue ?? JSONObject()
            for key in order.compactMap(\.stringValue) {
                if key == "entries" {
                    root["entries"] = .object(entries)
                } else if let value = extra[key] {
                    root[key] = value
                }
            }
            if root["entries"] == nil { root["entries"] = .object(entries) }
        } else {
            root["entries"] = .object(entries)
            root["originalData"] = .object(book.object)
        }
        return WorldInfoConversion(worldInfo: .object(root), diagnostics: diagnostics)
    }

    /// Converts one book entry to a World Info entry and the key it is stored under.
    static func worldInfoEntry(fromBookEntry entry: JSONObject, index: Int) -> (String, JSONObject) {
        var extensions = entry["extensions"]?.objectValue ?? JSONObject()
        let stash = extensions.removeValue(forKey: stashKey)?.objectValue
        let extra = stash?["extra"]?.objectValue ?? JSONObject()
        let keyOrder = stash?["key_order"]?.arrayValue?.compactMap(\.stringValue)
        var candidates = JSONObject()
        // Whether a key's value came from the book (so it must be written) or from a default.
        var fromBook = Set<String>()
        func put(_ key: String, _ value: JSONValue?, default fallback: JSONValue?, changed: Bool) {
            if let value {
                candidates[key] = value
                if changed { fromBook.insert(key) }
            } else if let fallback {
                candidates[key] = fallback
            }
        }
        let id = entry["id"]
        let key: String
        if case .string(let storedKey)? = extra["\u{0}key"] {
            key = storedKey
        } else {
            key = id.map(keyText) ?? String(index)
        }
        // A World Info entry without `uid` got its id from its key; it gets no `uid` back unless the id changed.
        let uidDerived = keyOrder.map { !$0.contains("uid") } ?? false && id == idValue(fromKey: key)
        put("uid", id, default: .number(JSONNumber(index)), changed: !uidDerived)
        put("key", entry["keys"], default: .array([]), changed: entry["keys"] != .array([]))
        put("keysecondary", entry["secondary_keys"], default: .array([]), changed: entry["secondary_keys"] != nil)
        put("comment", entry["comment"], default: .string(""), changed: entry["comment"] != nil)
        put("content", entry["content"], default: .string(""), changed: entry["content"] != .string(""))
        put("constant", entry["constant"], default: .bool(false), changed: entry["constant"] != nil)
        put("selective", entry["selective"], default: .bool(false), changed: entry["selective"] != nil)
        put(
            "order", entry["insertion_order"], default: .number(JSONNumber(100)),
            changed: entry["insertion_order"] != .number(JSONNumber(100)))
        let position: JSONValue
        if let exact = extensions["position"] {
            position = exact
        } else {
            position = .number(JSONNumber(entry["position"]?.stringValue == "before_char" ? 0 : 1))
        }
        put("position", position, default: nil, changed: extensions["position"] != nil)
        let enabled = entry["enabled"]?.boolValue ?? true
        put("disable", .bool(!enabled), default: nil, changed: !enabled)
        put("addMemo", .bool(!(entry["comment"]?.stringValue ?? "").isEmpty), default: nil, changed: false)
        for map in extensionMaps {
            let value = extensions[map.book]
            let fallback: JSONValue? = map.worldInfo == "displayIndex" ? .number(JSONNumber(index)) : map.inDefault
            put(map.worldInfo, value, default: fallback, changed: value != nil && value != map.fill)
        }
        var wiExtensions = extensions
        wiExtensions.removeValue(forKey: "position")
        for map in extensionMaps { wiExtensions.removeValue(forKey: map.book) }
        put(
            "extensions", .object(stash == nil ? (entry["extensions"]?.objectValue ?? JSONObject()) : wiExtensions),
            default: nil, changed: stash == nil ? false : !wiExtensions.isEmpty)

        guard let keyOrder else {
            var result = JSONObject()
            for name in canonicalOrder { if let value = candidates[name] { result[name] = value } }
            for (name, value) in candidates where result[name] == nil { result[name] = value }
            return (key, result)
        }
        var result = JSONObject()
        for name in keyOrder {
            if let value = extra[name] {
                result[name] = value
            } else if let value = candidates[name] {
                result[name] = value
            }
        }
        for name in canonicalOrder where result[name] == nil && fromBook.contains(name) {
            if let value = candidates[name] { result[name] = value }
        }
        return (key, result)
    }

    // MARK: - Tables

    /// A World Info entry key stored under the book entry's `extensions`.
    struct ExtensionMap {
        /// The World Info key.
        let worldInfo: String
        /// The key in the book entry's `extensions` (SillyTavern's name).
        let book: String
        /// What SillyTavern writes into the book when the World Info entry lacks the key (nil: nothing).
        let fill: JSONValue?
        /// What SillyTavern's `convertCharacterBook` uses when the book lacks it (nil: nothing).
        let inDefault: JSONValue?
    }

    static let extensionMaps: [ExtensionMap] = [
        ExtensionMap(worldInfo: "excludeRecursion", book: "exclude_recursion", fill: nil, inDefault: false),
        ExtensionMap(worldInfo: "displayIndex", book: "display_index", fill: nil, inDefault: nil),
        ExtensionMap(worldInfo: "probability", book: "probability", fill: .null, inDefault: 100),
        ExtensionMap(worldInfo: "useProbability", book: "useProbability", fill: false, inDefault: true),
        ExtensionMap(worldInfo: "depth", book: "depth", fill: 4, inDefault: 4),
        ExtensionMap(worldInfo: "selectiveLogic", book: "selectiveLogic", fill: 0, inDefault: 0),
        ExtensionMap(worldInfo: "group", book: "group", fill: "", inDefault: ""),
        ExtensionMap(worldInfo: "groupOverride", book: "group_override", fill: false, inDefault: false),
        ExtensionMap(worldInfo: "groupWeight", book: "group_weight", fill: .null, inDefault: 100),
        ExtensionMap(worldInfo: "preventRecursion", book: "prevent_recursion", fill: false, inDefault: false),
        ExtensionMap(worldInfo: "delayUntilRecursion", book: "delay_until_recursion", fill: false, inDefault: false),
        ExtensionMap(worldInfo: "scanDepth", book: "scan_depth", fill: .null, inDefault: .null),
        ExtensionMap(worldInfo: "matchWholeWords", book: "match_whole_words", fill: .null, inDefault: .null),
        ExtensionMap(worldInfo: "useGroupScoring", book: "use_group_scoring", fill: false, inDefault: .null),
        ExtensionMap(worldInfo: "caseSensitive", book: "case_sensitive", fill: .null, inDefault: .null),
        ExtensionMap(worldInfo: "automationId", book: "automation_id", fill: "", inDefault: ""),
        ExtensionMap(worldInfo: "role", book: "role", fill: 0, inDefault: 0),
        ExtensionMap(worldInfo: "vectorized", book: "vectorized", fill: false, inDefault: false),
        ExtensionMap(worldInfo: "sticky", book: "sticky", fill: .null, inDefault: .null),
        ExtensionMap(worldInfo: "cooldown", book: "cooldown", fill: .null, inDefault: .null),
        ExtensionMap(worldInfo: "delay", book: "delay", fill: .null, inDefault: .null),
        // Newer SillyTavern keys (seen in 爱.json): carried only when present.
        ExtensionMap(worldInfo: "ignoreBudget", book: "ignore_budget", fill: nil, inDefault: nil),
        ExtensionMap(
            worldInfo: "matchPersonaDescription", book: "match_persona_description", fill: nil, inDefault: nil),
        ExtensionMap(
            worldInfo: "matchCharacterDescription", book: "match_character_description", fill: nil, inDefault: nil),
        ExtensionMap(
            worldInfo: "matchCharacterPersonality", book: "match_character_personality", fill: nil, inDefault: nil),
        ExtensionMap(
            worldInfo: "matchCharacterDepthPrompt", book: "match_character_depth_prompt", fill: nil, inDefault: nil),
        ExtensionMap(worldInfo: "matchScenario", book: "match_scenario", fill: nil, inDefault: nil),
        ExtensionMap(worldInfo: "matchCreatorNotes", book: "match_creator_notes", fill: nil, inDefault: nil),
        ExtensionMap(worldInfo: "outletName", book: "outlet_name", fill: nil, inDefault: nil),
        ExtensionMap(worldInfo: "triggers", book: "triggers", fill: nil, inDefault: nil),
    ]

    /// The World Info keys the mapping carries (everything else goes to the stash).
    static let mappedWorldInfoKeys: Set<String> = Set(
        [
            "uid", "key", "keysecondary", "comment", "content", "constant", "selective", "order", "position", "disable",
            "addMemo", "extensions",
        ] + extensionMaps.map(\.worldInfo))

    /// Book entry fields World Info cannot hold.
    static let bookOnlyEntryFields = ["use_regex", "priority", "name", "case_sensitive"]

    /// The order SillyTavern's World Info entries list their keys in.
    static let canonicalOrder: [String] =
        [
            "uid", "key", "keysecondary", "comment", "content", "constant", "selective", "selectiveLogic", "order",
            "position", "disable", "displayIndex", "addMemo", "group", "groupOverride", "groupWeight", "sticky",
            "cooldown", "delay", "probability", "depth", "useProbability", "role", "vectorized", "excludeRecursion",
            "preventRecursion", "delayUntilRecursion", "scanDepth", "caseSensitive", "matchWholeWords",
            "useGroupScoring", "automationId",
        ] + extensionMaps.suffix(9).map(\.worldInfo) + ["extensions"]

    // MARK: - Helpers

    /// The `originalData` entry a World Info entry came from: the one with the same `id`, else (SillyTavern
    /// numbers entries without an id by position) the entry at index `uid` when it has no id.
    private static func originalEntry(for uid: JSONValue, in entries: [JSONObject]) -> JSONObject? {
        if let match = entries.first(where: { $0["id"] == uid }) { return match }
        guard let index = uid.numberValue?.intValue, entries.indices.contains(index), entries[index]["id"] == nil else {
            return nil
        }
        return entries[index]
    }

    private static func keyText(_ value: JSONValue) -> String {
        switch value {
        case .number(let number): return number.literal
        case .string(let string): return string
        default: return JSONWriter.string(value)
        }
    }

    private static func idValue(fromKey key: String) -> JSONValue {
        if let number = Int(key) { return .number(JSONNumber(number)) }
        return .string(key)
    }

    private static func truthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .bool(let b): return b
        case .number(let n): return n.doubleValue != 0
        case .string(let s): return !s.isEmpty
        case .rawString: return true
        case .array, .object: return true
        }
    }
}

/// A World Info file made from a character book, and what the conversion noticed.
public struct WorldInfoConversion: Sendable, Hashable {
    /// The World Info document.
    public var worldInfo: JSONValue
    /// Fields World Info cannot hold, and other notes.
    public var diagnostics: [Diagnostic]

    /// The World Info document and diagnostics, for destructuring.
    package var pair: (JSONValue, [Diagnostic]) { (worldInfo, diagnostics) }
}

public import CardKitJSON

/// A character book (V2 `character_book`, V3 Lorebook): typed accessors over the stored object.
public struct CharacterBook: Sendable, Hashable {
    /// The book object as stored; unknown keys are kept.
    public var object: JSONObject

    /// Wraps a stored book object.
    public init(object: JSONObject) { self.object = object }

    /// The most entries a book may have when read: 100,000.
    ///
    /// The largest real lorebook known has about 5,000 entries; a million entries took 28 seconds and 1.4 GB to read
    /// and check, so a book past this limit is refused before any entry is looked at.
    package static let maxEntries = 100_000

    /// Why a book's `entries` (an array, or an object keyed by id) is refused, or nil when it is within
    /// ``maxEntries``.
    /// - Parameter entries: The book's `entries` value.
    /// - Returns: A one-line reason naming the count and the limit.
    package static func entriesLimitProblem(_ entries: JSONValue?) -> String? {
        let count: Int
        switch entries {
        case .array(let array)?: count = array.count
        case .object(let object)?: count = object.count
        default: return nil
        }
        guard count > maxEntries else { return nil }
        return "the book has \(count) entries, more than the limit of \(maxEntries) (real lorebooks have a few "
            + "thousand)"
    }

    /// Creates an empty book with the required keys.
    public init(name: String? = nil, entries: [BookEntry] = []) {
        object = JSONObject()
        if let name { object["name"] = .string(name) }
        object["extensions"] = .object(JSONObject())
        object["entries"] = .array(entries.map { .object($0.object) })
    }

    /// The book's name, when present.
    public var name: String? { object["name"]?.stringValue }
    /// The book's description, when present.
    public var description: String? { object["description"]?.stringValue }
    /// Match keys only in the last N messages.
    public var scanDepth: JSONNumber? { object["scan_depth"]?.numberValue }
    /// The token budget.
    public var tokenBudget: JSONNumber? { object["token_budget"]?.numberValue }
    /// Whether entry content can trigger other entries.
    public var recursiveScanning: Bool? { object["recursive_scanning"]?.boolValue }
    /// The book's `extensions` (empty when absent).
    public var extensions: JSONObject { object["extensions"]?.objectValue ?? JSONObject() }

    /// The entries that are objects, in order.
    public var entries: [BookEntry] {
        get { (object["entries"]?.arrayValue ?? []).compactMap { $0.objectValue.map(BookEntry.init(object:)) } }
        set { object["entries"] = .array(newValue.map { .object($0.object) }) }
    }
}

/// One lorebook entry: typed accessors over the stored object.
public struct BookEntry: Sendable, Hashable {
    /// The entry object as stored; unknown keys are kept.
    public var object: JSONObject

    /// Wraps a stored entry object.
    public init(object: JSONObject) { self.object = object }

    /// Creates an entry with the fields V2 and V3 require.
    public init(keys: [String], content: String, enabled: Bool = true, insertionOrder: Int = 0, useRegex: Bool = false)
    {
        object = [
            "keys": .array(keys.map { .string($0) }), "content": .string(content), "extensions": .object(JSONObject()),
            "enabled": .bool(enabled), "insertion_order": .number(JSONNumber(insertionOrder)),
            "use_regex": .bool(useRegex),
        ]
    }

    /// Trigger keys (a comma-separated string reads as several keys).
    public var keys: [String] { CardFieldDefaults.lenientStrings(object["keys"], splitOnCommas: true) ?? [] }
    /// Secondary keys.
    public var secondaryKeys: [String] {
        CardFieldDefaults.lenientStrings(object["secondary_keys"], splitOnCommas: true) ?? []
    }
    /// The content, including any V3 decorator lines at its start.
    public var content: String { CardFieldDefaults.lenientString(object["content"]) ?? "" }
    /// Whether the entry is enabled (default true).
    public var enabled: Bool { object["enabled"]?.boolValue ?? true }
    /// The insertion order.
    public var insertionOrder: JSONNumber? { object["insertion_order"]?.numberValue }
    /// Whether keys are regular expressions (V3).
    public var useRegex: Bool { object["use_regex"]?.boolValue ?? false }
    /// Whether the entry always matches.
    public var constant: Bool? { object["constant"]?.boolValue }
    /// The entry's name.
    public var name: String? { object["name"]?.stringValue }
    /// The comment (SillyTavern's entry title).
    public var comment: String? { object["comment"]?.stringValue }
    /// The id (a number in V2, a number or string in V3).
    public var id: JSONValue? { object["id"] }
    /// `before_char` or `after_char`.
    public var position: String? { object["position"]?.stringValue }
    /// The entry's `extensions` (empty when absent).
    public var extensions: JSONObject { object["extensions"]?.objectValue ?? JSONObject() }

    /// The V3 decorator lines at the start of the content (`@@depth 4`, `@@@fallback`), in order.
    public var decorators: [String] {
        var result: [String] = []
        for line in content.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            guard line.hasPrefix("@@") else { break }
            result.append(String(line))
        }
        return result
    }
}

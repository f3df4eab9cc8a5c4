import CardKitJSON
import OrderedCollections

/// Brings card fields to the exact shape a spec requires, reporting every repair.
///
/// Reading runs it to find problems (the result is discarded, the document kept as read); conversion
/// runs it to build the output. Existing keys keep their order; missing required keys are appended
/// in spec order; unknown keys are kept untouched. Every `at:` pointer is an autoclosure, built only when a diagnostic
/// is reported: most fields of most lorebook entries need none, and building them all was an eighth of a card read.
struct CardNormalizer {
    /// The most diagnostics of one code listed one by one; the rest are counted in one `more-diagnostics` note.
    ///
    /// A book of 100,000 entries that all lack the same fields would otherwise make 500,000 diagnostics (and
    /// their messages) on every read and conversion.
    static let maxDiagnosticsPerCode = 100

    /// Whether only the diagnostics are wanted (a read's check): lorebook entries are then inspected but not
    /// repaired, so no entry and no `entries` array is copied to hold a repair nobody keeps.
    ///
    /// The diagnostics are the same either way: each entry's are worked out from the entry as read.
    var reportsOnly = false

    private var listed: [Diagnostic] = []
    private var counts: [Diagnostic.Code: Int] = [:]

    /// Every repair reported, at most ``maxDiagnosticsPerCode`` of each code, then one note per code that had more.
    var diagnostics: [Diagnostic] {
        let more = counts.filter { $0.value > Self.maxDiagnosticsPerCode }.sorted { $0.key.rawValue < $1.key.rawValue }
        return listed
            + more.map { code, count in
                Diagnostic(
                    .note, code: .moreDiagnostics,
                    "\(count - Self.maxDiagnosticsPerCode) more `\(code)` diagnostics are not listed")
            }
    }

    // MARK: - Card fields

    /// Normalizes the object holding the card fields for `target` (V2 or V3 field set).
    ///
    /// Fields the source's own spec does not define (upgrading V1 to V2, or V2 to V3) get their defaults with a
    /// note; fields the source's spec requires but lacks get a warning.
    mutating func normalizeFields(_ source: JSONObject, at base: JSONPointer, target: CardSpec, sourceSpec: CardSpec)
        -> JSONObject
    {
        var result = JSONObject()
        for (key, value) in source {
            if let fixed = normalizeField(key, value, at: base.appending(key), target: target) {
                result[key] = fixed
            }
        }
        let required = target == .v1 ? CardFields.v1 : CardFields.v2.filter { $0 != "character_book" }
        for field in required where result[field] == nil {
            if sourceSpec == .v1, !CardFields.v1.contains(field) {
                report(.note, .upgradeDefault, base.appending(field), "`\(field)` (new in V2) set to its default")
            } else {
                report(
                    .warning, .missingField, base.appending(field),
                    "missing required field `\(field)`; using the default")
            }
            result[field] = CardFieldDefaults.value(for: field)
        }
        if target == .v3, result["group_only_greetings"] == nil {
            if sourceSpec == .v3 {
                report(
                    .warning, .missingField, base.appending("group_only_greetings"),
                    "missing field `group_only_greetings`, required by V3; using []")
            } else {
                report(
                    .note, .upgradeDefault, base.appending("group_only_greetings"),
                    "`group_only_greetings` (new in V3) set to []")
            }
            result["group_only_greetings"] = .array([])
        }
        if target != .v1, result["name"]?.stringValue == "" {
            report(.warning, .emptyName, base.appending("name"), "the card's name is empty")
        }
        return result
    }

    /// Normalizes one field; `nil` removes it.
    private mutating func normalizeField(
        _ key: String, _ value: JSONValue, at pointer: @autoclosure () -> JSONPointer, target: CardSpec
    )
        -> JSONValue?
    {
        if CardFields.v2Strings.contains(key) || key == "nickname" {
            return normalizeString(value, at: pointer())
        }
        if CardFields.stringArrays.contains(key) {
            return normalizeStringArray(value, at: pointer(), splitOnCommas: key == "tags")
        }
        switch key {
        case "extensions":
            return normalizeObject(value, at: pointer(), what: "`extensions`")
        case "character_book":
            return normalizeBook(value, at: pointer(), target: target)
        case "creation_date", "modification_date":
            return normalizeNumber(value, at: pointer())
        case "creator_notes_multilingual":
            return normalizeObject(value, at: pointer(), what: "`creator_notes_multilingual`")
        case "assets":
            if value.arrayValue == nil {
                report(.error, .invalidType, pointer(), "`assets` must be an array, found \(value.typeName())")
            }
            return value
        default:
            return value
        }
    }

    mutating func normalizeString(_ value: JSONValue, at pointer: @autoclosure () -> JSONPointer) -> JSONValue {
        switch value {
        case .string, .rawString: return value
        case .null:
            report(.warning, .wrongType, pointer(), "expected a string, found null; using \"\"")
            return .string("")
        case .number(let n):
            report(
                .warning, .wrongType, pointer(),
                "expected a string, found the number \(n.literal); using \"\(n.literal)\"")
            return .string(n.literal)
        case .bool(let b):
            report(.warning, .wrongType, pointer(), "expected a string, found \(b); using \"\(b)\"")
            return .string(b ? "true" : "false")
        case .array, .object:
            report(.error, .invalidType, pointer(), "expected a string, found \(value.typeName())")
            return value
        }
    }

    mutating func normalizeStringArray(
        _ value: JSONValue, at pointer: @autoclosure () -> JSONPointer, splitOnCommas: Bool
    ) -> JSONValue {
        if value.isStringArray { return value }
        guard let strings = CardFieldDefaults.lenientStrings(value, splitOnCommas: splitOnCommas) else {
            report(.error, .invalidType, pointer(), "expected an array of strings, found \(value.typeName())")
            return value
        }
        let shown = JSONWriter.string(value)
        let clipped = shown.count > 40 ? String(shown.prefix(40)) + "…" : shown
        report(
            .warning, .wrongType, pointer(),
            "expected an array of strings, found \(value.typeName()) \(clipped); read as \(strings.count) string(s)")
        return .array(strings.map { .string($0) })
    }

    mutating func normalizeObject(_ value: JSONValue, at pointer: @autoclosure () -> JSONPointer, what: String)
        -> JSONValue
    {
        switch value {
        case .object: return value
        case .null:
            report(.warning, .wrongType, pointer(), "\(what) is null; using {}")
            return .object(JSONObject())
        default:
            report(.error, .invalidType, pointer(), "\(what) must be an object, found \(value.typeName())")
            return value
        }
    }

    mutating func normalizeNumber(_ value: JSONValue, at pointer: @autoclosure () -> JSONPointer) -> JSONValue {
        switch value {
        case .number: return value
        case .string(let s):
            if let parsed = try? JSONParser.parse(s), case .number = parsed.value {
                report(.warning, .wrongType, pointer(), "expected a number, found the string \"\(s)\"; using \(s)")
                return parsed.value
            }
            report(.error, .invalidType, pointer(), "expected a number, found the string \"\(s)\"")
            return value
        default:
            report(.error, .invalidType, pointer(), "expected a number, found \(value.typeName())")
            return value
        }
    }

    // MARK: - Character book

    /// Normalizes a character book; `nil` removes a `null` book.
    mutating func normalizeBook(_ value: JSONValue, at pointer: @autoclosure () -> JSONPointer, target: CardSpec)
        -> JSONValue?
    {
        guard case .object(let book) = value else {
            if value.isNull {
                report(.warning, .nullBook, pointer(), "`character_book` is null; treated as absent")
                return nil
            }
            report(.error, .invalidType, pointer(), "`character_book` must be an object, found \(value.typeName())")
            return value
        }
        var result = JSONObject()
        for (key, member) in book {
            switch key {
            case "entries": result[key] = normalizeEntries(member, at: pointer().appending(key), target: target)
            case "extensions":
                result[key] = normalizeObject(member, at: pointer().appending(key), what: "the book's `extensions`")
            case "name", "description": result[key] = normalizeString(member, at: pointer().appending(key))
            case "scan_depth", "token_budget":
                result[key] = member.isNull ? member : normalizeNumber(member, at: pointer().appending(key))
            case "recursive_scanning": result[key] = normalizeBool(member, at: pointer().appending(key))
            default: result[key] = member
            }
        }
        if result["extensions"] == nil {
            report(
                .warning, .missingField, pointer().appending("extensions"),
                "the book has no `extensions` (required by V2/V3; SillyTavern omits it); using {}")
            result["extensions"] = .object(JSONObject())
        }
        if result["entries"] == nil {
            report(.warning, .missingField, pointer().appending("entries"), "the book has no `entries`; using []")
            result["entries"] = .array([])
        }
        return .object(result)
    }

    private mutating func normalizeEntries(
        _ value: JSONValue, at pointer: @autoclosure () -> JSONPointer, target: CardSpec
    ) -> JSONValue {
        var elements: [JSONValue]
        switch value {
        case .array(let array): elements = array
        case .object(let object):
            report(
                .warning, .wrongType, pointer(),
                "`entries` is an object keyed by id (World Info shape); read as an array of \(object.count) entries")
            elements = object.map { $0.value }
        default:
            report(.error, .invalidType, pointer(), "`entries` must be an array, found \(value.typeName())")
            return value
        }
        for index in elements.indices {
            if let fixed = normalizeEntry(elements[index], at: pointer().appending(index), target: target),
                !reportsOnly
            {
                elements[index] = fixed
            }
        }
        return reportsOnly ? value : .array(elements)
    }

    /// The members every entry needs, in the order they are appended when missing, with their defaults.
    private static let entryDefaults: [(EntryFields, String, JSONValue)] = [
        (.keys, "keys", .array([])), (.content, "content", .string("")),
        (.extensions, "extensions", .object(JSONObject())), (.enabled, "enabled", .bool(true)),
        (.insertionOrder, "insertion_order", .number(JSONNumber(0))),
    ]

    /// Normalizes one lorebook entry in place.
    ///
    /// The members keep their storage and order; only a member that needs a repair is replaced, then missing
    /// required members are appended. Returns nil when the entry is already in shape, so that the caller keeps the
    /// value it has and copies nothing.
    private mutating func normalizeEntry(
        _ value: JSONValue, at pointer: @autoclosure () -> JSONPointer, target: CardSpec
    ) -> JSONValue? {
        guard case .object(var entry) = value else {
            report(.error, .invalidType, pointer(), "a book entry must be an object, found \(value.typeName())")
            return nil
        }
        var present: EntryFields = []
        var changed = false
        for index in entry.members.keys.indices {
            let key = entry.members.keys[index]
            guard let field = EntryFields(key: key) else { continue }
            present.insert(field)
            let member = entry.members.values[index]
            guard !field.accepts(member) else { continue }
            let fixed: JSONValue
            switch field {
            case .keys, .secondaryKeys:
                fixed = normalizeStringArray(member, at: pointer().appending(key), splitOnCommas: true)
            case .content, .name, .comment:
                fixed = normalizeString(member, at: pointer().appending(key))
            case .extensions:
                fixed = normalizeObject(member, at: pointer().appending(key), what: "the entry's `extensions`")
            case .insertionOrder, .priority:
                fixed = normalizeNumber(member, at: pointer().appending(key))
            default:
                fixed = normalizeBool(member, at: pointer().appending(key))
            }
            if !reportsOnly { entry.members.values[index] = fixed }
            changed = true
        }
        for (field, key, defaultValue) in Self.entryDefaults where !present.contains(field) {
            report(
                .warning, .missingField, pointer().appending(key),
                "the entry has no `\(key)`; using \(JSONWriter.string(defaultValue))")
            if !reportsOnly { entry[key] = defaultValue }
            changed = true
        }
        if target == .v3, !present.contains(.useRegex) {
            report(.note, .missingField, pointer().appending("use_regex"), "V3 requires `use_regex`; using false")
            if !reportsOnly { entry["use_regex"] = .bool(false) }
            changed = true
        }
        return changed ? .object(entry) : nil
    }

    private mutating func normalizeBool(_ value: JSONValue, at pointer: @autoclosure () -> JSONPointer) -> JSONValue {
        switch value {
        case .bool: return value
        case .string(let s) where s == "true" || s == "false":
            report(.warning, .wrongType, pointer(), "expected a Boolean, found the string \"\(s)\"; using \(s)")
            return .bool(s == "true")
        case .number(let n) where n.literal == "0" || n.literal == "1":
            report(.warning, .wrongType, pointer(), "expected a Boolean, found \(n.literal); using \(n.literal == "1")")
            return .bool(n.literal == "1")
        default:
            report(.error, .invalidType, pointer(), "expected a Boolean, found \(value.typeName())")
            return value
        }
    }

    // MARK: - SillyTavern's own keys (checked, never changed)

    /// Reports SillyTavern keys with the wrong type (`talkativeness: "0.5"`, `fav: "false"`, `tags: ""`,
    /// a string `depth_prompt.depth`) without changing them: they are not spec fields.
    mutating func checkSillyTavernKeys(_ object: JSONObject, at base: JSONPointer) {
        if case .string(let s)? = object["talkativeness"] {
            report(
                .warning, .wrongType, base.appending("talkativeness"),
                "`talkativeness` is the string \"\(s)\" (a number is expected); read as \(Double(s).map { "\($0)" } ?? "0.5")"
            )
        }
        if case .string(let s)? = object["fav"] {
            report(
                .warning, .wrongType, base.appending("fav"), "`fav` is the string \"\(s)\" (a Boolean is expected)")
        }
        if case .string(let s)? = object["depth_prompt"]?["depth"] {
            report(
                .warning, .wrongType, base.appending("depth_prompt").appending("depth"),
                "`depth_prompt.depth` is the string \"\(s)\" (a number is expected)")
        }
    }

    mutating func report(
        _ severity: Diagnostic.Severity, _ code: Diagnostic.Code, _ pointer: @autoclosure () -> JSONPointer,
        _ message: @autoclosure () -> String
    ) {
        let count = counts[code, default: 0] + 1
        counts[code] = count
        guard count <= Self.maxDiagnosticsPerCode else { return }
        listed.append(Diagnostic(severity, code: code, pointer: pointer(), message()))
    }
}

// MARK: - Lorebook entry fields

/// The lorebook entry members the normalizer checks, as a set of bits: an entry's members are classified once,
/// by length and then bytes, instead of compared with every field name in turn.
private struct EntryFields: OptionSet {
    let rawValue: UInt16

    static let keys = EntryFields(rawValue: 1 << 0)
    static let secondaryKeys = EntryFields(rawValue: 1 << 1)
    static let content = EntryFields(rawValue: 1 << 2)
    static let name = EntryFields(rawValue: 1 << 3)
    static let comment = EntryFields(rawValue: 1 << 4)
    static let extensions = EntryFields(rawValue: 1 << 5)
    static let enabled = EntryFields(rawValue: 1 << 6)
    static let caseSensitive = EntryFields(rawValue: 1 << 7)
    static let useRegex = EntryFields(rawValue: 1 << 8)
    static let constant = EntryFields(rawValue: 1 << 9)
    static let selective = EntryFields(rawValue: 1 << 10)
    static let insertionOrder = EntryFields(rawValue: 1 << 11)
    static let priority = EntryFields(rawValue: 1 << 12)

    init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The field named `key`, or nil for a member the normalizer keeps as it is.
    init?(key: String) {
        let field: EntryFields?
        switch key.utf8.count {
        case 4: field = key == "keys" ? .keys : key == "name" ? .name : nil
        case 7: field = key == "content" ? .content : key == "comment" ? .comment : key == "enabled" ? .enabled : nil
        case 8: field = key == "constant" ? .constant : key == "priority" ? .priority : nil
        case 9: field = key == "use_regex" ? .useRegex : key == "selective" ? .selective : nil
        case 10: field = key == "extensions" ? .extensions : nil
        case 14: field = key == "secondary_keys" ? .secondaryKeys : key == "case_sensitive" ? .caseSensitive : nil
        case 15: field = key == "insertion_order" ? .insertionOrder : nil
        default: field = nil
        }
        guard let field else { return nil }
        self = field
    }

    /// Whether `value` is already what this (single) field needs, so that the normalizer leaves it untouched and
    /// reports nothing: a string array, a string, an object, a Boolean or a number, and `null` where the spec
    /// allows it (`priority` and every flag but `enabled`).
    func accepts(_ value: JSONValue) -> Bool {
        switch self {
        case .keys, .secondaryKeys: return value.isStringArray
        case .content, .name, .comment:
            switch value {
            case .string, .rawString: return true
            default: return false
            }
        case .extensions: return value.objectValue != nil
        case .insertionOrder: return value.numberValue != nil
        case .priority:
            switch value {
            case .null, .number: return true
            default: return false
            }
        case .enabled: return value.boolValue != nil
        default:
            switch value {
            case .null, .bool: return true
            default: return false
            }
        }
    }
}

extension JSONValue {
    /// Whether this is an array whose every element is a string.
    fileprivate var isStringArray: Bool {
        guard case .array(let elements) = self else { return false }
        return elements.allSatisfy {
            if case .string = $0 { true } else if case .rawString = $0 { true } else { false }
        }
    }
}

public import CardKitJSON
package import CardModel

/// One thing a conversion could not carry over exactly.
public struct LossEntry: Sendable, Hashable, CustomStringConvertible {
    /// What happened to the source value.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The value is not in the output at all.
        case dropped
        /// The value was folded into another output field (for example personality appended to a definition).
        case merged
        /// The value was cut to fit a length limit.
        case truncated
        /// The value was changed to fit the platform (types, markers, duplicates removed).
        case coerced
        /// The output breaks a platform limit CardKit cannot repair (too short a name, too few tags);
        /// the platform is expected to reject it.
        case limit
    }

    /// What happened.
    public var kind: Kind
    /// Where the value is in the source document (the original card or persona file).
    public var pointer: JSONPointer
    /// A one-line explanation naming the platform rule.
    public var reason: String
    /// The output field the value went to, when it went anywhere (`persona`, `definition`, …).
    public var target: String?
    /// The conversion option that would have kept the value, when one would; a caller names it in its own terms
    /// (the CLI as a flag).
    public var option: PlatformConversionOption? = nil
    /// The file the entry is about, when it is one: a CharX entry path (`assets/icon/images/main.png`) or a PNG
    /// asset chunk (`chara-ext-asset_:0`).
    public var asset: String? = nil

    /// Creates an entry.
    /// - Parameters:
    ///   - kind: What happened.
    ///   - pointer: The source location.
    ///   - reason: A one-line explanation.
    ///   - target: The output field, if any.
    ///   - asset: The file concerned, if any.
    package init(_ kind: Kind, pointer: JSONPointer, reason: String, target: String? = nil, asset: String? = nil) {
        self.kind = kind
        self.pointer = pointer
        self.reason = reason
        self.target = target
        self.asset = asset
    }

    /// `dropped /data/character_book: …`, or `dropped assets/x.png: …` for a file no field names.
    public var description: String {
        let subject = pointer.tokens.isEmpty ? (asset ?? pointer.displayString) : pointer.displayString
        return "\(kind.rawValue) \(subject): \(reason)"
    }

    /// The entry as JSON: `{kind, pointer, reason, target?, option?, asset?}`.
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "kind": .string(kind.rawValue), "pointer": .string(pointer.description), "reason": .string(reason),
        ]
        if let target { object["target"] = .string(target) }
        if let option { object["option"] = .string(option.rawValue) }
        if let asset { object["asset"] = .string(asset) }
        return .object(object)
    }
}

/// Everything a conversion lost, in the order of the source fields.
///
/// One format for every target: a platform (`spicychat`), a card spec (`v1`, `v2`, `v3`), a container (`png`,
/// `charx`) or a book format (`book`, `worldinfo`). `docs/loss-report.md` describes its JSON form.
public struct LossReport: Sendable, Hashable, CustomStringConvertible {
    /// The name of the target converted to (``Platform/rawValue`` for a platform).
    public var target: String
    /// The entries, in source order.
    public var entries: [LossEntry]

    /// Creates a platform report.
    /// - Parameters:
    ///   - platform: The platform converted to.
    ///   - entries: The entries, in source order.
    package init(platform: Platform, entries: [LossEntry] = []) {
        self.init(target: platform.rawValue, entries: entries)
    }

    /// Creates a report for any target.
    /// - Parameters:
    ///   - target: The target's name (`png`, `charx`, `v2`, a platform's raw value).
    ///   - entries: The entries, in source order.
    package init(target: String, entries: [LossEntry] = []) {
        self.target = target
        self.entries = entries
    }

    /// The platform the report is about; nil for a report on a card spec, container or book format.
    public var platform: Platform? { Platform(rawValue: target) }

    /// The target as people name it: `Spicychat`, `PNG`, `CharX`, `V2`.
    public var targetDisplayName: String {
        if let platform { return platform.displayName }
        switch target {
        case "charx": return "CharX"
        case "worldinfo": return "World Info"
        case "book": return "Lorebook"
        default: return target.uppercased()
        }
    }

    /// Whether nothing was dropped, merged, truncated, coerced or left over a limit.
    public var isLossless: Bool { entries.isEmpty }

    /// How many entries of each kind, for the kinds that occur.
    public var counts: [LossEntry.Kind: Int] {
        var result: [LossEntry.Kind: Int] = [:]
        for entry in entries { result[entry.kind, default: 0] += 1 }
        return result
    }

    /// A one-line summary, for example `spicychat: 4 losses (3 dropped, 1 merged)` or `nextchat: lossless`.
    public var summary: String {
        guard !isLossless else { return "\(target): lossless" }
        let counts = self.counts
        let parts = LossEntry.Kind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }
        let noun = entries.count == 1 ? "loss" : "losses"
        return "\(target): \(entries.count) \(noun) (\(parts.joined(separator: ", ")))"
    }

    /// The summary line, then one indented line per entry.
    public var description: String { ([summary] + entries.map { "  \($0)" }).joined(separator: "\n") }

    /// The report as JSON: `{target, platform?, lossless, entries: [...]}`; `platform` only for a platform.
    public var jsonValue: JSONValue {
        var object: JSONObject = ["target": .string(target)]
        if let platform { object["platform"] = .string(platform.rawValue) }
        object["lossless"] = .bool(isLossless)
        object["entries"] = .array(entries.map(\.jsonValue))
        return .object(object)
    }

    /// The entries as warnings (code `lost-<kind>`), for commands that print diagnostics.
    package var diagnostics: [Diagnostic] {
        entries.map {
            Diagnostic(
                .warning, code: $0.kind.diagnosticCode, pointer: $0.pointer,
                "\(targetDisplayName): \($0.kind.rawValue): \($0.reason)")
        }
    }

    /// Adds an entry.
    /// - Parameters:
    ///   - kind: What happened.
    ///   - pointer: The source location.
    ///   - reason: A one-line explanation.
    ///   - target: The output field, if any.
    ///   - option: The option that would have kept the value, if any.
    ///   - asset: The file concerned, if any.
    package mutating func append(
        _ kind: LossEntry.Kind, _ pointer: JSONPointer, _ reason: String, target: String? = nil,
        option: PlatformConversionOption? = nil, asset: String? = nil
    ) {
        var entry = LossEntry(kind, pointer: pointer, reason: reason, target: target, asset: asset)
        entry.option = option
        entries.append(entry)
    }
}

extension LossEntry.Kind {
    /// The code of the warning ``LossReport/diagnostics`` reports for an entry of this kind (`lost-<kind>`).
    package var diagnosticCode: Diagnostic.Code {
        switch self {
        case .dropped: .lostDropped
        case .merged: .lostMerged
        case .truncated: .lostTruncated
        case .coerced: .lostCoerced
        case .limit: .lostLimit
        }
    }
}

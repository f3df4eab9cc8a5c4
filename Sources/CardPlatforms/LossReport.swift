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

    /// Creates an entry.
    /// - Parameters:
    ///   - kind: What happened.
    ///   - pointer: The source location.
    ///   - reason: A one-line explanation.
    ///   - target: The output field, if any.
    package init(_ kind: Kind, pointer: JSONPointer, reason: String, target: String? = nil) {
        self.kind = kind
        self.pointer = pointer
        self.reason = reason
        self.target = target
    }

    /// `dropped /data/character_book: …`.
    public var description: String { "\(kind.rawValue) \(pointer.displayString): \(reason)" }

    /// The entry as JSON: `{kind, pointer, reason, target?, option?}`.
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "kind": .string(kind.rawValue), "pointer": .string(pointer.description), "reason": .string(reason),
        ]
        if let target { object["target"] = .string(target) }
        if let option { object["option"] = .string(option.rawValue) }
        return .object(object)
    }
}

/// Everything a conversion lost, in the order of the source fields.
public struct LossReport: Sendable, Hashable, CustomStringConvertible {
    /// The platform the report is about.
    public var platform: Platform
    /// The entries, in source order.
    public var entries: [LossEntry]

    /// Creates a report.
    package init(platform: Platform, entries: [LossEntry] = []) {
        self.platform = platform
        self.entries = entries
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
        guard !isLossless else { return "\(platform.rawValue): lossless" }
        let counts = self.counts
        let parts = LossEntry.Kind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }
        let noun = entries.count == 1 ? "loss" : "losses"
        return "\(platform.rawValue): \(entries.count) \(noun) (\(parts.joined(separator: ", ")))"
    }

    /// The summary line, then one indented line per entry.
    public var description: String { ([summary] + entries.map { "  \($0)" }).joined(separator: "\n") }

    /// The report as JSON: `{platform, lossless, entries: [...]}`.
    public var jsonValue: JSONValue {
        [
            "platform": .string(platform.rawValue), "lossless": .bool(isLossless),
            "entries": .array(entries.map(\.jsonValue)),
        ]
    }

    /// The entries as warnings (code `lost-<kind>`), for commands that print diagnostics.
    package var diagnostics: [Diagnostic] {
        entries.map {
            Diagnostic(
                .warning, code: $0.kind.diagnosticCode, pointer: $0.pointer,
                "\(platform.displayName): \($0.kind.rawValue): \($0.reason)")
        }
    }

    mutating func append(
        _ kind: LossEntry.Kind, _ pointer: JSONPointer, _ reason: String, target: String? = nil,
        option: PlatformConversionOption? = nil
    ) {
        var entry = LossEntry(kind, pointer: pointer, reason: reason, target: target)
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

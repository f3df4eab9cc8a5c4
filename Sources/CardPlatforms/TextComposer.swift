import CardKitJSON

/// Text helpers for composing and cutting platform fields (internal).
enum TextComposer {
    /// `Label: text` (or `Label:` and the text on the next lines when it has several lines), the marked-header
    /// style every composed field uses.
    static func section(_ label: String, _ text: String) -> String {
        text.contains(where: \.isNewline) ? "\(label):\n\(text)" : "\(label): \(text)"
    }

    /// The non-empty parts joined by blank lines.
    static func join(_ parts: [String]) -> String { parts.filter { !$0.isEmpty }.joined(separator: "\n\n") }

    /// The first non-blank line, trimmed, and whether anything else non-blank follows it.
    static func firstLine(_ text: String) -> (line: String, hasMore: Bool) {
        let lines = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
        guard let index = lines.firstIndex(where: { !$0.allSatisfy(\.isWhitespace) }) else { return ("", false) }
        let line = lines[index].trimmingWhitespace()
        let hasMore = lines[(index + 1)...].contains { !$0.allSatisfy(\.isWhitespace) }
        return (line, hasMore)
    }

    /// The length as platforms written in Python count it (Unicode scalars).
    static func length(_ text: String) -> Int { text.unicodeScalarCount }

    /// The longest prefix of whole characters with at most `limit` scalars, and whether it was cut.
    static func clip(_ text: String, to limit: Int) -> (text: String, cut: Bool) {
        guard length(text) > limit else { return (text, false) }
        var count = 0
        var end = text.startIndex
        for index in text.indices {
            let scalars = text[index].unicodeScalars.count
            if count + scalars > limit { break }
            count += scalars
            end = text.index(after: index)
        }
        return (String(text[..<end]), true)
    }
}

/// How a name fits a platform's length range (internal): as it is, shortened by ``NameFit/fit(_:in:)``'s rule, or
/// not at all.
enum NameFit: Equatable {
    /// The name fits as written (trimmed).
    case fits(String)
    /// The name was too long; this shorter form keeps it recognisable, by the rule described.
    case shortened(String, rule: String)
    /// The name cannot be made to fit recognisably, for this reason.
    case refused(String)

    /// Fits a name into `range` (counted in Unicode scalars, as the platforms count).
    ///
    /// The rule, tried in order on a name that is too long:
    /// 1. the part before the first bracket or separator (`(`, `[`, `{`, `|`, `,`, `:`, `/`, ` - `, ` – `), so
    ///    "Seraphina (Forest Guardian)" becomes "Seraphina";
    /// 2. the longest run of whole leading words that fits (a hyphen also ends a word), so "Professor Archibald
    ///    Montgomery" becomes "Professor Archibald".
    /// A name too short, or whose first word alone is too long, is refused: padding or cutting a word would give
    /// a name nobody recognises.
    static func fit(_ name: String, in range: ClosedRange<Int>) -> NameFit {
        let trimmed = name.trimmingWhitespace()
        let length = TextComposer.length(trimmed)
        if range.contains(length) { return .fits(trimmed) }
        if length < range.lowerBound {
            return .refused("needs at least \(range.lowerBound) characters; \"\(trimmed)\" has \(length)")
        }
        let separators = ["(", "[", "{", "|", ",", ":", "/", " - ", " – "]
        let cut = separators.compactMap { separator in trimmed.firstRange(of: separator)?.lowerBound }.min()
        if let cut {
            let head = trimmed[..<cut].trimmingWhitespace()
            if range.contains(TextComposer.length(head)) {
                return .shortened(head, rule: "the part before \"\(trimmed[cut])\"")
            }
        }
        // Whole words: cut before a space or a hyphen ("Alice Wonderland-Liddell" → "Alice Wonderland").
        var head = ""
        for index in trimmed.indices where trimmed[index].isWhitespace || trimmed[index] == "-" {
            let candidate = trimmed[..<index].trimmingWhitespace()
            guard TextComposer.length(candidate) <= range.upperBound else { break }
            head = candidate
        }
        if range.contains(TextComposer.length(head)) {
            return .shortened(head, rule: "the whole words that fit")
        }
        return .refused(
            "holds at most \(range.upperBound) characters, and \"\(trimmed)\" cannot be shortened to whole words that fit"
        )
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}

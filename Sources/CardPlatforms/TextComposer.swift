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
    static func length(_ text: String) -> Int { text.unicodeScalars.count }

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

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}

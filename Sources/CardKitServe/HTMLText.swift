/// HTML made from untrusted text: every card value goes through here (or through Mustache's `{{…}}`, which escapes
/// the same five characters) before it reaches a page.
package enum HTMLText {
    /// Escapes `&`, `<`, `>`, `"` and `'`, so the text is inert in element content and in quoted attributes.
    ///
    /// - Parameter text: Any text.
    /// - Returns: The escaped text.
    package static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\0": result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The macros highlighted in card texts (`{{char}}`, `{{user}}` and the older `<BOT>`, `<USER>`), matched in
    /// any letter case.
    static let macros = ["{{char}}", "{{user}}", "<bot>", "<user>"]

    /// Escapes a card text and wraps every `{{char}}`, `{{user}}`, `<BOT>` and `<USER>` in `<mark class="macro">`.
    ///
    /// The text is escaped first and the macros are found in the escaped text, so nothing of the card's own can
    /// open an element.
    ///
    /// - Parameter text: A card text.
    /// - Returns: Safe HTML.
    package static func highlightingMacros(_ text: String) -> String {
        let escaped = escape(text)
        let needles = macros.map { escape($0) }
        let longest = needles.map(\.count).max() ?? 0
        var result = ""
        result.reserveCapacity(escaped.utf8.count)
        var rest = Substring(escaped)
        while let start = rest.firstIndex(where: { $0 == "{" || $0 == "&" }) {
            result += rest[..<start]
            let tail = rest[start...]
            let head = tail.prefix(longest).lowercased()
            if let needle = needles.first(where: { head.hasPrefix($0) }) {
                let end = tail.index(tail.startIndex, offsetBy: needle.count)
                result += "<mark class=\"macro\">" + tail[..<end] + "</mark>"
                rest = tail[end...]
            } else {
                result.append(tail[tail.startIndex])
                rest = tail.dropFirst()
            }
        }
        result += rest
        return result
    }
}

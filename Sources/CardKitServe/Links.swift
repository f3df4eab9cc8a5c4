/// The app's URLs, built in one place so that every path and value is percent-encoded the same way.
enum Links {
    static func card(_ path: String) -> String { "/card?path=" + FormFields.encode(path) }
    static func edit(_ path: String) -> String { "/edit?path=" + FormFields.encode(path) }
    static func avatar(_ entry: CollectionEntry) -> String {
        "/avatar?path=" + FormFields.encode(entry.path) + "&v=\(entry.stamp.modified)"
    }
    static func download(_ path: String, to target: String) -> String {
        "/download?path=" + FormFields.encode(path) + "&to=" + FormFields.encode(target)
    }
    static func diff(_ a: String, _ b: String? = nil) -> String {
        "/diff?a=" + FormFields.encode(a) + (b.map { "&b=" + FormFields.encode($0) } ?? "")
    }

    /// The gallery with a query's filters, some replaced.
    ///
    /// - Parameters:
    ///   - query: The current query.
    ///   - tag: A tag filter to use instead (`.some(nil)` removes it).
    ///   - page: The page to show.
    /// - Returns: `/?q=…&tag=…&page=N`.
    static func gallery(_ query: CollectionQuery, tag: String?? = nil, page: Int = 1) -> String {
        var parts: [String] = []
        if !query.words.isEmpty { parts.append("q=" + FormFields.encode(query.words.joined(separator: " "))) }
        if let tag = tag ?? query.tag { parts.append("tag=" + FormFields.encode(tag)) }
        if let spec = query.spec { parts.append("spec=" + FormFields.encode(spec)) }
        if let container = query.container { parts.append("container=" + FormFields.encode(container)) }
        if let validity = query.validity { parts.append("validity=" + FormFields.encode(validity)) }
        if page > 1 { parts.append("page=\(page)") }
        return parts.isEmpty ? "/" : "/?" + parts.joined(separator: "&")
    }

    /// The gallery filtered by one tag, the other filters dropped.
    static func tag(_ tag: String) -> String { "/?tag=" + FormFields.encode(tag) }
}

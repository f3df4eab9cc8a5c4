/// Path rules for ZIP entries: what is safe to unpack, and how CharX URIs name entries.
enum CharXPath {
    /// Checks an entry path for zip-slip and unusable names.
    /// - Throws: ``CharXError/absolutePath(entry:)``, ``CharXError/parentTraversal(entry:)`` or
    ///   ``CharXError/invalidPath(entry:reason:)``.
    static func validate(_ path: String) throws(CharXError) {
        if path.isEmpty { throw .invalidPath(entry: path, reason: "an empty name") }
        if path.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw .invalidPath(entry: path, reason: "a NUL character in the name")
        }
        if path.hasPrefix("/") || path.hasPrefix("\\") { throw .absolutePath(entry: path) }
        let scalars = Array(path.unicodeScalars.prefix(3))
        if scalars.count >= 2, scalars[1] == ":", ("A"..."Z").contains(scalars[0]) || ("a"..."z").contains(scalars[0]) {
            throw .absolutePath(entry: path)
        }
        for component in components(path) where component == ".." {
            throw .parentTraversal(entry: path)
        }
    }

    /// The components of a path, splitting on `/` and `\` (archives made on Windows use either).
    static func components(_ path: String) -> [Substring] {
        path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
    }

    /// Whether the entry belongs to macOS resource-fork noise (`__MACOSX/…`) and is skipped.
    static func isMacOSMetadata(_ path: String) -> Bool {
        path.hasPrefix("__MACOSX/") || path == "__MACOSX" || path.hasPrefix("__MACOSX\\")
    }

    /// The URI prefixes that name an entry inside the archive, compared case-insensitively as the newer
    /// SillyTavern parser does: the spec's `embeded://`, the common `embedded://`, and Risu's `__asset:`.
    static let embeddedPrefixes = ["embeded://", "embedded://", "__asset:"]

    /// The entry path an asset URI names, or nil when the URI does not point into the archive.
    static func embeddedPath(of uri: String) -> (prefix: String, path: String)? {
        let lower = uri.lowercased()
        for prefix in embeddedPrefixes where lower.hasPrefix(prefix) {
            return (prefix, String(uri.unicodeScalars.dropFirst(prefix.unicodeScalars.count)))
        }
        return nil
    }

    /// SillyTavern 2024's tail for suffix matching: the URI with `/^(?:\/\/|[^/]+)*\//` removed, which drops
    /// the scheme and the first path component (`embeded://assets/icon/main.png` → `icon/main.png`).
    static func sillyTavernTail(of uri: String) -> String {
        // The regex is greedy with backtracking: it ends at the last "/" reachable through runs of
        // non-slash characters or "//" pairs, i.e. the first single "/" that follows such runs.
        let chars = Array(uri)
        var index = 0
        var lastEnd: Int? = nil
        while index < chars.count {
            if chars[index] == "/" {
                if index + 1 < chars.count, chars[index + 1] == "/" {
                    index += 2
                    continue
                }
                lastEnd = index + 1
                break
            }
            index += 1
        }
        guard let end = lastEnd else { return uri }
        return String(chars[end...])
    }
}

/// Path rules for ZIP entries: what is safe to unpack, and how CharX URIs name entries.
package enum CharXPath {
    /// Checks an entry path for zip-slip and unusable names.
    /// - Parameter path: The entry path.
    /// - Throws: ``CharXError/absolutePath(entry:)``, ``CharXError/parentTraversal(entry:)`` or
    ///   ``CharXError/invalidPath(entry:reason:)``.
    package static func validate(_ path: String) throws(CharXError) {
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

    /// The path the V3 spec recommends for an asset, `assets/{type}/{kind}/{name}.{ext}`, not yet in `taken`.
    ///
    /// `type` is `icon`, `background`, `emotion` or `user_icon`, else `other`; `kind` follows the extension
    /// (`images`, `audio`, `video`, else `other`). The name keeps letters, digits, `-`, `_` and `.`, and is
    /// numbered (`happy-2`) when the path is taken.
    /// - Parameters:
    ///   - type: The asset's `type`.
    ///   - name: The asset's `name`.
    ///   - ext: The asset's `ext` (without the dot), or empty.
    ///   - taken: Paths already used; the result is added to it.
    /// - Returns: A safe, unused path.
    package static func assetPath(type: String, name: String, ext: String, taken: inout Set<String>) -> String {
        let folder = ["icon", "background", "emotion", "user_icon"].contains(type) ? type : "other"
        let lowered = ext.lowercased()
        let kind: String
        switch lowered {
        case "png", "apng", "jpg", "jpeg", "jfif", "webp", "gif", "avif", "bmp": kind = "images"
        case "mp3", "ogg", "wav", "m4a", "aac", "opus", "flac": kind = "audio"
        case "mp4", "webm", "mov": kind = "video"
        default: kind = "other"
        }
        let safe = String(
            name.unicodeScalars.map { scalar -> Character in
                let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
                return ok || "-_.".unicodeScalars.contains(scalar) ? Character(scalar) : "_"
            })
        let stem = safe.isEmpty || safe.allSatisfy({ $0 == "." }) ? "asset" : safe
        let suffix = lowered.isEmpty || lowered == "unknown" ? "" : ".\(lowered)"
        var candidate = "assets/\(folder)/\(kind)/\(stem)\(suffix)"
        var number = 2
        while taken.contains(candidate) {
            candidate = "assets/\(folder)/\(kind)/\(stem)-\(number)\(suffix)"
            number += 1
        }
        taken.insert(candidate)
        return candidate
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

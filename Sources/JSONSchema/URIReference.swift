import Foundation

/// RFC 3986 reference parsing and resolution, enough for `$id`/`$ref` handling (internal).
struct URIReference: Sendable, Hashable {
    var scheme: String?
    var authority: String?
    var path: String
    var query: String?
    var fragment: String?

    /// Splits a reference into its five components (RFC 3986, appendix B).
    ///
    /// Works on UTF-8 code units: every delimiter is ASCII, so each split falls on a scalar boundary.
    init(parsing text: String) {
        let utf8 = text.utf8
        var end = utf8.endIndex
        if let hash = utf8.firstIndex(of: UInt8(ascii: "#")) {
            fragment = String(text[utf8.index(after: hash)...])
            end = hash
        } else {
            fragment = nil
        }
        if let question = utf8[..<end].firstIndex(of: UInt8(ascii: "?")) {
            query = String(text[utf8.index(after: question)..<end])
            end = question
        } else {
            query = nil
        }
        var start = utf8.startIndex
        scheme = nil
        if let colon = utf8[..<end].firstIndex(of: UInt8(ascii: ":")), colon > start {
            let candidate = utf8[start..<colon]
            let first = candidate[candidate.startIndex]
            let isAlpha = { (byte: UInt8) in (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
            if isAlpha(first),
                candidate.allSatisfy({ byte in
                    isAlpha(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                        || byte == UInt8(ascii: "+")
                        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                })
            {
                scheme = String(text[start..<colon])
                start = utf8.index(after: colon)
            }
        }
        let slash = UInt8(ascii: "/")
        let rest = utf8[start..<end]
        if rest.count >= 2, rest[rest.startIndex] == slash, rest[utf8.index(after: rest.startIndex)] == slash {
            let afterSlashes = utf8.index(start, offsetBy: 2)
            let authorityEnd = utf8[afterSlashes..<end].firstIndex(of: slash) ?? end
            authority = String(text[afterSlashes..<authorityEnd])
            start = authorityEnd
        } else {
            authority = nil
        }
        path = String(text[start..<end])
    }

    init(scheme: String?, authority: String?, path: String, query: String?, fragment: String?) {
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.query = query
        self.fragment = fragment
    }

    /// The recomposed text.
    var text: String {
        var result = ""
        if let scheme { result += scheme + ":" }
        if let authority { result += "//" + authority }
        result += path
        if let query { result += "?" + query }
        if let fragment { result += "#" + fragment }
        return result
    }

    /// The reference without its fragment.
    var withoutFragment: URIReference {
        var copy = self
        copy.fragment = nil
        return copy
    }

    /// Resolves `self` against `base` (RFC 3986, section 5.2.2).
    func resolved(against base: URIReference) -> URIReference {
        if scheme != nil {
            return URIReference(
                scheme: scheme, authority: authority, path: Self.removeDotSegments(path), query: query,
                fragment: fragment)
        }
        if authority != nil {
            return URIReference(
                scheme: base.scheme, authority: authority, path: Self.removeDotSegments(path), query: query,
                fragment: fragment)
        }
        if path.isEmpty {
            return URIReference(
                scheme: base.scheme, authority: base.authority, path: base.path, query: query ?? base.query,
                fragment: fragment)
        }
        let mergedPath: String
        if path.hasPrefix("/") {
            mergedPath = path
        } else if base.authority != nil && base.path.isEmpty {
            mergedPath = "/" + path
        } else if let slash = base.path.lastIndex(of: "/") {
            mergedPath = String(base.path[...slash]) + path
        } else {
            mergedPath = path
        }
        return URIReference(
            scheme: base.scheme, authority: base.authority, path: Self.removeDotSegments(mergedPath), query: query,
            fragment: fragment)
    }

    /// RFC 3986, section 5.2.4.
    static func removeDotSegments(_ path: String) -> String {
        guard hasDotSegments(path) else { return path }
        var input = Substring(path)
        var output: [Substring] = []
        var result = ""
        while !input.isEmpty {
            if input.hasPrefix("../") {
                input = input.dropFirst(3)
            } else if input.hasPrefix("./") {
                input = input.dropFirst(2)
            } else if input.hasPrefix("/./") {
                input = input.dropFirst(2)
            } else if input == "/." {
                input = "/"
            } else if input.hasPrefix("/../") {
                input = input.dropFirst(3)
                if !output.isEmpty { output.removeLast() }
            } else if input == "/.." {
                input = "/"
                if !output.isEmpty { output.removeLast() }
            } else if input == "." || input == ".." {
                input = ""
            } else {
                var end = input.index(after: input.startIndex)
                if input.first == "/" {
                    end = input[end...].firstIndex(of: "/") ?? input.endIndex
                } else {
                    end = input.firstIndex(of: "/") ?? input.endIndex
                }
                output.append(input[..<end])
                input = input[end...]
            }
        }
        for segment in output { result += segment }
        return result
    }

    /// Resolves reference text against base text and returns the result as text.
    static func resolve(_ reference: String, against base: String) -> String {
        // Fast paths: a same-document reference (`#…`, or empty) keeps the base and replaces its fragment,
        // exactly as RFC 3986 section 5.2.2 does for an empty path without query.
        let utf8 = reference.utf8
        if utf8.isEmpty || utf8.first == UInt8(ascii: "#") {
            let baseWithoutFragment =
                offset(of: UInt8(ascii: "#"), in: base).map { prefix(of: base, bytes: $0) } ?? base
            return utf8.isEmpty ? baseWithoutFragment : baseWithoutFragment + reference
        }
        if isAbsoluteWithoutDotSegments(reference) { return reference }
        return URIReference(parsing: reference).resolved(against: URIReference(parsing: base)).text
    }

    /// The byte offset of the first `byte` in `text`, scanning contiguous UTF-8 directly.
    static func offset(of byte: UInt8, in text: String) -> Int? {
        if let found = text.utf8.withContiguousStorageIfAvailable({ buffer in buffer.firstIndex(of: byte) }) {
            return found
        }
        return text.utf8.firstIndex(of: byte).map { text.utf8.distance(from: text.utf8.startIndex, to: $0) }
    }

    /// The first `count` bytes of `text` (`count` lies on an ASCII delimiter, so on a scalar boundary).
    private static func prefix(of text: String, bytes count: Int) -> String {
        String(text[..<text.utf8.index(text.utf8.startIndex, offsetBy: count)])
    }

    /// Whether `reference` has a scheme and a path without `.` or `..` segments, so that resolving it against
    /// any base gives it back unchanged (RFC 3986 section 5.2.2 with a scheme: only dot segments change).
    static func isAbsoluteWithoutDotSegments(_ reference: String) -> Bool {
        let answer = reference.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            func isAlpha(_ byte: UInt8) -> Bool {
                (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            }
            guard let first = bytes.first, isAlpha(first) else { return false }
            // The scheme: letters, digits, `+`, `-`, `.` up to the first `:`.
            var index = 1
            while index < bytes.count, bytes[index] != UInt8(ascii: ":") {
                let byte = bytes[index]
                guard
                    isAlpha(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                        || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                else { return false }
                index += 1
            }
            guard index < bytes.count else { return false }
            index += 1
            // The authority (`//…` up to the next `/`, `?` or `#`) may hold dots; it is never rewritten.
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "/"), bytes[index + 1] == UInt8(ascii: "/") {
                index += 2
                while index < bytes.count, bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: "?"),
                    bytes[index] != UInt8(ascii: "#")
                {
                    index += 1
                }
            }
            // The path, up to `?` or `#`, must have no `.` or `..` segment.
            var end = index
            while end < bytes.count, bytes[end] != UInt8(ascii: "?"), bytes[end] != UInt8(ascii: "#") { end += 1 }
            return !containsDotSegment(UnsafeBufferPointer(rebasing: bytes[index..<end]))
        }
        return answer ?? false
    }

    /// Whether a path has a `.` or `..` segment (the only thing ``removeDotSegments(_:)`` changes).
    static func hasDotSegments(_ path: String) -> Bool {
        path.utf8.withContiguousStorageIfAvailable { containsDotSegment($0) } ?? path.utf8.contains(UInt8(ascii: "."))
    }

    private static func containsDotSegment(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/")
        var index = 0
        while index < bytes.count {
            if bytes[index] == dot, index == 0 || bytes[index - 1] == slash {
                var next = index + 1
                if next < bytes.count, bytes[next] == dot { next += 1 }
                if next == bytes.count || bytes[next] == slash { return true }
            }
            index += 1
        }
        return false
    }

    /// Splits resolved text into the part before `#` and the (percent-decoded) fragment.
    static func split(_ uri: String) -> (base: String, fragment: String) {
        guard let hashOffset = offset(of: UInt8(ascii: "#"), in: uri) else { return (uri, "") }
        let hash = uri.utf8.index(uri.utf8.startIndex, offsetBy: hashOffset)
        let raw = String(uri[uri.utf8.index(after: hash)...])
        let fragment = offset(of: UInt8(ascii: "%"), in: raw) != nil ? (raw.removingPercentEncoding ?? raw) : raw
        return (String(uri[..<hash]), fragment)
    }

    /// The text without an empty trailing fragment, as used for registry keys.
    static func normalized(_ uri: String) -> String {
        uri.utf8.last == UInt8(ascii: "#") ? String(uri.dropLast()) : uri
    }
}

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
        guard path.utf8.contains(UInt8(ascii: ".")) else { return path }
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
            let baseWithoutFragment = base.utf8.firstIndex(of: UInt8(ascii: "#")).map { String(base[..<$0]) } ?? base
            return utf8.isEmpty ? baseWithoutFragment : baseWithoutFragment + reference
        }
        let parsed = URIReference(parsing: reference)
        if parsed.scheme != nil, !parsed.path.utf8.contains(UInt8(ascii: ".")) {
            // An absolute reference without dot segments resolves to itself.
            return reference
        }
        return parsed.resolved(against: URIReference(parsing: base)).text
    }

    /// Splits resolved text into the part before `#` and the (percent-decoded) fragment.
    static func split(_ uri: String) -> (base: String, fragment: String) {
        let utf8 = uri.utf8
        guard let hash = utf8.firstIndex(of: UInt8(ascii: "#")) else { return (uri, "") }
        let raw = String(uri[utf8.index(after: hash)...])
        let fragment = raw.utf8.contains(UInt8(ascii: "%")) ? (raw.removingPercentEncoding ?? raw) : raw
        return (String(uri[..<hash]), fragment)
    }

    /// The text without an empty trailing fragment, as used for registry keys.
    static func normalized(_ uri: String) -> String {
        uri.utf8.last == UInt8(ascii: "#") ? String(uri.dropLast()) : uri
    }
}

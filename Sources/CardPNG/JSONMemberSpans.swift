import CardKitJSON
import Foundation

/// The members of a JSON object found by a structural scan that builds no values: each key with the byte range of
/// its value in the document.
///
/// The `chara`/`ccv3` agreement check uses it to compare two documents member by member without parsing them:
/// values whose bytes are identical agree, and only the members whose bytes differ are parsed. The scan checks just
/// enough structure to find the members (strings, brackets, commas, colons); it does not validate numbers or
/// literals, and a document it cannot follow gives nil so that the caller falls back to a full parse. It allocates
/// one entry per member and uses no recursion: nested values are skipped with a bracket counter.
struct JSONMemberSpans {
    /// A member: the key's raw UTF-8 bytes (between the quotes) and the value's byte range.
    struct Member {
        var key: ArraySlice<UInt8>
        var value: Range<Int>
    }

    /// The members in document order; a repeated key appears as many times as it is written.
    var members: [Member]

    /// Scans the object that fills `range` of `bytes` (surrounding whitespace and a UTF-8 byte order mark allowed).
    ///
    /// Fails (nil) when the range is not an object this scan can follow, or a key holds an escape; the caller then
    /// parses the document instead.
    /// - Parameters:
    ///   - bytes: The document.
    ///   - range: The part holding the object; the whole document when nil.
    init?(_ bytes: [UInt8], in range: Range<Int>? = nil) {
        let range = range ?? bytes.indices
        guard let members = bytes.withUnsafeBufferPointer({ JSONMemberSpans.scan($0, range) }) else { return nil }
        self.members = members.map { Member(key: bytes[$0.key], value: $0.value) }
    }

    /// The members as a key → value-range table in first-appearance order, a repeated key taking its last value
    /// (as `JSONParser` and JavaScript do).
    var lastValueByKey: (order: [ArraySlice<UInt8>], ranges: [ArraySlice<UInt8>: Range<Int>]) {
        var order: [ArraySlice<UInt8>] = []
        var ranges: [ArraySlice<UInt8>: Range<Int>] = [:]
        for member in members {
            if ranges.updateValue(member.value, forKey: member.key) == nil { order.append(member.key) }
        }
        return (order, ranges)
    }

    private static func scan(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [(
        key: Range<Int>, value: Range<Int>
    )]? {
        var i = range.lowerBound
        let end = range.upperBound
        if end - i >= 3, b[i] == 0xEF, b[i + 1] == 0xBB, b[i + 2] == 0xBF { i += 3 }
        skipWhitespace(b, &i, end)
        guard i < end, b[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var members: [(key: Range<Int>, value: Range<Int>)] = []
        skipWhitespace(b, &i, end)
        if i < end, b[i] == UInt8(ascii: "}") {
            i += 1
            return trailingIsWhitespace(b, i, end) ? members : nil
        }
        while true {
            guard i < end, b[i] == UInt8(ascii: "\"") else { return nil }
            let keyStart = i + 1
            guard let keyEnd = stringEnd(b, from: i, end), !b[keyStart..<keyEnd - 1].contains(UInt8(ascii: "\\"))
            else { return nil }
            i = keyEnd
            skipWhitespace(b, &i, end)
            guard i < end, b[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipWhitespace(b, &i, end)
            let valueStart = i
            guard let valueEnd = valueEnd(b, from: i, end) else { return nil }
            members.append((keyStart..<keyEnd - 1, valueStart..<valueEnd))
            i = valueEnd
            skipWhitespace(b, &i, end)
            guard i < end else { return nil }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                skipWhitespace(b, &i, end)
                continue
            }
            guard b[i] == UInt8(ascii: "}") else { return nil }
            return trailingIsWhitespace(b, i + 1, end) ? members : nil
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func skipWhitespace(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ end: Int) {
        while i < end, isWhitespace(b[i]) { i += 1 }
    }

    private static func trailingIsWhitespace(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Bool {
        var i = from
        skipWhitespace(b, &i, end)
        return i == end
    }

    /// The index just past the closing quote of the string whose opening quote is at `start`.
    ///
    /// It jumps from quote to quote with `memchr` and does not stop at escapes: a quote is escaped exactly when an
    /// odd number of backslashes precede it, since a run of backslashes that follows any other byte pairs up from
    /// its start. (Card text has an escaped line break every line, so stopping at each backslash cost a restart of
    /// the scan every few dozen bytes.)
    private static func stringEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int, _ end: Int) -> Int? {
        guard let base = b.baseAddress else { return nil }
        var i = start + 1
        while i < end {
            guard let found = memchr(base + i, Int32(UInt8(ascii: "\"")), end - i) else { return nil }
            let quote = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            var backslashes = 0
            while quote - 1 - backslashes > start, base[quote - 1 - backslashes] == UInt8(ascii: "\\") {
                backslashes += 1
            }
            if backslashes % 2 == 0 { return quote + 1 }
            i = quote + 1
        }
        return nil
    }

    /// The index just past the value starting at `start`.
    private static func valueEnd(_ b: UnsafeBufferPointer<UInt8>, from start: Int, _ end: Int) -> Int? {
        guard start < end else { return nil }
        switch b[start] {
        case UInt8(ascii: "\""):
            return stringEnd(b, from: start, end)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < end {
                switch b[i] {
                case UInt8(ascii: "\""):
                    guard let next = stringEnd(b, from: i, end) else { return nil }
                    i = next
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default:
                    break
                }
                i += 1
            }
            return nil
        case UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: ":"):
            return nil
        default:
            var i = start
            while i < end {
                let byte = b[i]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                    || isWhitespace(byte)
                {
                    break
                }
                i += 1
            }
            return i
        }
    }
}

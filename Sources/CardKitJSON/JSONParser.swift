import OrderedCollections

/// Limits and switches for ``JSONParser``.
public struct JSONParseOptions: Sendable, Hashable {
    /// The deepest nesting of arrays and objects accepted.
    ///
    /// Default 512.
    public var maxDepth: Int = 512
    /// The largest input accepted, in bytes.
    ///
    /// Default 256 MiB.
    public var maxInputBytes: Int = 256 << 20
    /// The longest string accepted, in UTF-8 bytes of its source.
    ///
    /// Default 32 MiB.
    public var maxStringBytes: Int = 32 << 20
    /// The most values (scalars, arrays and objects, each counted once) a document may hold.
    ///
    /// Default 2,000,000: the largest real cards (a 5,000-entry lorebook, about 30 values an entry) hold under
    /// 200,000, while 64 MiB of `[[0],[0],…]` holds 33 million and would take gigabytes as a value tree.
    public var maxValues: Int = 2_000_000
    /// The most ``JSONWarning/Kind/duplicateKey`` warnings listed one by one; later duplicates are counted in
    /// one ``JSONWarning/Kind/moreDuplicateKeys`` warning at the end.
    ///
    /// Default 100: enough to see the pattern, while a million duplicate keys stay one line each for the first 100.
    public var maxDuplicateKeyWarnings: Int = 100

    /// Creates options with the defaults.
    public init() {}
}

/// A problem the parser tolerated and reports.
public struct JSONWarning: Sendable, Hashable, CustomStringConvertible {
    /// What kind of tolerance was applied.
    public enum Kind: String, Sendable, Hashable {
        /// A UTF-8 byte-order mark preceded the document and was stripped.
        case byteOrderMark = "bom"
        /// An object held the same key twice; the later value was kept at the first key's position.
        case duplicateKey = "duplicate-key"
        /// More duplicate keys than ``JSONParseOptions/maxDuplicateKeyWarnings``: ``JSONWarning/count`` says how many
        /// were not listed; ``JSONWarning/pointer`` and ``JSONWarning/offset`` locate the first of them.
        case moreDuplicateKeys = "more-duplicate-keys"
    }

    /// The kind of warning.
    public var kind: Kind
    /// The JSON pointer of the value concerned (`""` for the document).
    public var pointer: JSONPointer
    /// The byte offset in the input.
    public var offset: Int
    /// How many occurrences the warning stands for (1, or the number left unlisted for
    /// ``Kind/moreDuplicateKeys``).
    public var count: Int

    /// Creates a warning.
    package init(kind: Kind, pointer: JSONPointer, offset: Int, count: Int = 1) {
        self.kind = kind
        self.pointer = pointer
        self.offset = offset
        self.count = count
    }

    /// The warning as one line: what was tolerated, with its JSON pointer and byte offset.
    public var description: String {
        switch kind {
        case .byteOrderMark: return "a UTF-8 byte-order mark at the start was stripped"
        case .duplicateKey: return "duplicate key at \(pointer.displayString) (byte \(offset)): the later value wins"
        case .moreDuplicateKeys:
            return "\(count) more duplicate keys, the first at \(pointer.displayString) (byte \(offset)), not listed: "
                + "the later value wins for each"
        }
    }
}

/// A parsed document: the value and the warnings met on the way.
public struct ParsedJSON: Sendable, Hashable {
    /// The document's value.
    public var value: JSONValue
    /// What the parser tolerated, in input order.
    public var warnings: [JSONWarning]
}

/// Thrown when input is not a JSON document the parser accepts.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: String, Sendable, Hashable {
        /// The input is empty or holds only whitespace.
        case empty
        /// The input ended inside a value (a truncated document).
        case unexpectedEnd = "truncated"
        /// A byte that cannot start or continue a value here.
        case unexpectedCharacter = "unexpected-character"
        /// Content after the document's value.
        case trailingContent = "trailing-content"
        /// Bytes that are not valid UTF-8.
        case invalidUTF8 = "invalid-utf8"
        /// A malformed backslash escape.
        case invalidEscape = "invalid-escape"
        /// A raw control character (below U+0020) inside a string.
        case controlCharacter = "control-character"
        /// A malformed number.
        case invalidNumber = "invalid-number"
        /// Nesting deeper than ``JSONParseOptions/maxDepth``.
        case depthLimitExceeded = "too-deep"
        /// Input larger than ``JSONParseOptions/maxInputBytes``.
        case inputTooLarge = "too-large"
        /// A string longer than ``JSONParseOptions/maxStringBytes``.
        case stringTooLong = "string-too-long"
        /// More values than ``JSONParseOptions/maxValues``.
        case tooManyValues = "too-many-values"
    }

    /// The class of failure.
    public var kind: Kind
    /// The byte offset where it was detected.
    public var offset: Int
    /// The 1-based line of ``offset``.
    public var line: Int
    /// The 1-based column (in bytes) of ``offset``.
    public var column: Int
    /// A one-line explanation.
    public var message: String

    /// The error as one line: line, column and byte offset, then what went wrong.
    public var description: String { "line \(line), column \(column) (byte \(offset)): \(message)" }
}

/// A strict, lossless, iterative JSON parser (RFC 8259) with bounded depth and size.
///
/// It never recurses, so a 100,000-deep document ends in ``JSONParseError/Kind/depthLimitExceeded``
/// rather than a stack overflow.
public enum JSONParser {
    /// Parses a complete JSON document.
    /// - Parameters:
    ///   - bytes: The UTF-8 input. A leading byte-order mark is stripped with a warning.
    ///   - options: Limits to apply.
    /// - Returns: The value and any warnings.
    /// - Throws: ``JSONParseError``.
    public static func parse(_ bytes: some Collection<UInt8>, options: JSONParseOptions = .init())
        throws(JSONParseError)
        -> ParsedJSON
    {
        let result: Result<ParsedJSON, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            parseBuffer(buffer, options: options)
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { parseBuffer($0, options: options) }.get()
    }

    /// Parses a complete JSON document from a string.
    /// - Throws: ``JSONParseError``.
    public static func parse(_ text: String, options: JSONParseOptions = .init()) throws(JSONParseError) -> ParsedJSON {
        try parse(Array(text.utf8), options: options)
    }

    private static func parseBuffer(_ buffer: UnsafeBufferPointer<UInt8>, options: JSONParseOptions) -> Result<
        ParsedJSON, JSONParseError
    > {
        var parser = Parser(buffer: buffer, options: options)
        do {
            let value = try parser.parseDocument()
            return .success(ParsedJSON(value: value, warnings: parser.warnings))
        } catch {
            return .failure(error)
        }
    }
}

// MARK: - Implementation

private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let options: JSONParseOptions
    var position = 0
    var warnings: [JSONWarning] = []
    /// Values still allowed by ``JSONParseOptions/maxValues``.
    var valueBudget: Int
    /// Duplicate keys seen so far, and the warning that counts those past the listed ones.
    var duplicateKeys = 0
    var moreDuplicateKeys: JSONWarning?
    /// The containers still open, innermost last.
    var frames: [Frame] = []
    /// The finished elements and member values of every open container, innermost last.
    let values = JSONBuildStack<JSONValue>()
    /// The keys of the finished members of every open object, innermost last, and their fingerprints (0 for a key
    /// that is not plain ASCII).
    let keys = JSONBuildStack<String>()
    var keyPrints: [UInt64] = []
    /// The bytes of the escaped string being decoded, kept between strings so that each does not allocate anew.
    let unescaped = JSONByteBuffer(capacity: 256)
    /// Short plain keys met so far, by the top byte of their fingerprint (see `plainKey`).
    var keyCache = [CachedKey](repeating: CachedKey(low: 0, high: 0, count: -1, key: ""), count: 256)

    /// A key of up to 16 bytes, held whole in two little-endian words, and its string.
    struct CachedKey {
        var low: UInt64
        var high: UInt64
        var count: Int
        var key: String
    }

    /// An object with fewer members than this finds a duplicate key by comparing fingerprints one by one, as long
    /// as all its keys are plain ASCII; a larger one, or one with another key, gets a hash index.
    static let linearKeySearchLimit = 16

    /// One open container: where its finished members start on the build stacks, and for an object the key whose
    /// value is being parsed.
    ///
    /// Mutated in place through `frames[last]`.
    struct Frame {
        var isArray: Bool
        /// The index of the container's first finished value in `values`.
        var valueStart: Int
        /// The index of the object's first finished key in `keys` and `keyPrints`.
        var keyStart: Int
        var key: String = ""
        /// The fingerprint of `key` when it is plain ASCII (no escape), else nil.
        var keyPrint: UInt64?
        var keyOffset: Int = 0
        /// Key → member position, once the object is large or holds a key that is not plain ASCII.
        ///
        /// Swift compares such keys by canonical equivalence, as the object's `OrderedDictionary` will.
        var index: [String: Int]?
    }

    init(buffer: UnsafeBufferPointer<UInt8>, options: JSONParseOptions) {
        self.bytes = buffer
        self.options = options
        self.valueBudget = options.maxValues
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        guard bytes.count <= options.maxInputBytes else {
            throw error(.inputTooLarge, "input is \(bytes.count) bytes, above the limit of \(options.maxInputBytes)")
        }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            position = 3
            warnings.append(JSONWarning(kind: .byteOrderMark, pointer: JSONPointer(), offset: 0))
        }
        skipWhitespace()
        guard position < bytes.count else { throw error(.empty, "no JSON value in the input") }
        let value = try parseValueTree()
        skipWhitespace()
        guard position == bytes.count else {
            throw error(.trailingContent, "unexpected \(describe(bytes[position])) after the end of the document")
        }
        if let moreDuplicateKeys { warnings.append(moreDuplicateKeys) }
        return value
    }

    private mutating func parseValueTree() throws(JSONParseError) -> JSONValue {
        parsing: while true {
            skipWhitespace()
            guard position < bytes.count else { throw truncated() }
            valueBudget -= 1
            if valueBudget < 0 {
                throw error(.tooManyValues, "more than \(options.maxValues) values in the document")
            }
            var value: JSONValue
            switch bytes[position] {
            case UInt8(ascii: "{"):
                try checkDepth(frames.count + 1)
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    value = .object(JSONObject())
                } else {
                    var frame = Frame(isArray: false, valueStart: values.count, keyStart: keys.count)
                    (frame.key, frame.keyPrint, frame.keyOffset) = try parseKeyAndColon()
                    frames.append(frame)
                    continue
                }
            case UInt8(ascii: "["):
                try checkDepth(frames.count + 1)
                position += 1
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    value = .array([])
                } else {
                    frames.append(Frame(isArray: true, valueStart: values.count, keyStart: keys.count))
                    continue
                }
            case quote: value = try parseString()
            case UInt8(ascii: "t"): value = try parseLiteral("true", .bool(true))
            case UInt8(ascii: "f"): value = try parseLiteral("false", .bool(false))
            case UInt8(ascii: "n"): value = try parseLiteral("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = try parseNumber()
            default:
                throw error(.unexpectedCharacter, "unexpected \(describe(bytes[position])) where a value was expected")
            }
            // Attach the finished value to its parents, closing containers as they end.
            while let top = frames.indices.last {
                if frames[top].isArray {
                    values.append(consume value)
                    skipWhitespace()
                    guard position < bytes.count else { throw truncated() }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                        continue parsing
                    }
                    guard bytes[position] == UInt8(ascii: "]") else {
                        throw error(
                            .unexpectedCharacter, "expected ',' or ']' in an array, found \(describe(bytes[position]))")
                    }
                    position += 1
                    value = .array(values.popArray(from: frames.removeLast().valueStart))
                } else {
                    addMember(consume value)
                    skipWhitespace()
                    guard position < bytes.count else { throw truncated() }
                    if bytes[position] == UInt8(ascii: ",") {
                        position += 1
                        skipWhitespace()
                        (frames[top].key, frames[top].keyPrint, frames[top].keyOffset) = try parseKeyAndColon()
                        continue parsing
                    }
                    guard bytes[position] == UInt8(ascii: "}") else {
                        throw error(
                            .unexpectedCharacter, "expected ',' or '}' in an object, found \(describe(bytes[position]))"
                        )
                    }
                    position += 1
                    value = .object(closeObject())
                }
            }
            return value
        }
    }

    /// Adds the innermost object's member being parsed: its pending key, and `value`.
    ///
    /// A key the object already holds keeps its first position and takes the later value, with a warning.
    private mutating func addMember(_ value: consuming JSONValue) {
        let top = frames.count - 1
        let keyStart = frames[top].keyStart
        let memberCount = keys.count - keyStart
        if frames[top].index == nil, let print = frames[top].keyPrint, memberCount < Self.linearKeySearchLimit {
            // Every key so far is plain ASCII too, so byte equality is String equality: only a key with the same
            // fingerprint needs comparing.
            for position in keyStart..<keys.count where keyPrints[position] == print {
                if keys[position] == frames[top].key {
                    values[frames[top].valueStart + position - keyStart] = value
                    noteDuplicateKey()
                    return
                }
            }
            appendMember(value, print: print)
            return
        }
        if frames[top].index == nil {
            var index: [String: Int] = [:]
            index.reserveCapacity(memberCount * 2)
            for position in keyStart..<keys.count { index[keys[position]] = position - keyStart }
            frames[top].index = index
        }
        let key = frames[top].key
        if let existing = frames[top].index?[key] {
            values[frames[top].valueStart + existing] = value
            noteDuplicateKey()
            return
        }
        frames[top].index?[key] = memberCount
        appendMember(value, print: frames[top].keyPrint ?? 0)
    }

    private mutating func appendMember(_ value: consuming JSONValue, print: UInt64) {
        let top = frames.count - 1
        keys.append(frames[top].key)
        keyPrints.append(print)
        values.append(value)
    }

    /// Ends the innermost object: its members move off the build stacks into the object, whose keys are unique.
    private mutating func closeObject() -> JSONObject {
        let frame = frames.removeLast()
        let memberKeys = keys.popArray(from: frame.keyStart)
        keyPrints.removeSubrange(frame.keyStart...)
        let memberValues = values.popArray(from: frame.valueStart)
        return JSONObject(OrderedDictionary(uncheckedUniqueKeys: memberKeys, values: memberValues))
    }

    /// A plain ASCII key (no escape) and its fingerprint: keys with different fingerprints differ.
    ///
    /// A key of up to 16 bytes is held whole in two words, which are its fingerprint's source and the check of a
    /// small cache of the keys met so far: the keys of a lorebook repeat in every entry, so most keys are found
    /// there instead of being made anew. A longer key's fingerprint is its 64-bit FNV-1a hash.
    private mutating func plainKey(_ key: UnsafeBufferPointer<UInt8>) -> (String, UInt64) {
        guard key.count <= 16 else {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in key { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            return (String(decoding: key, as: UTF8.self), hash)
        }
        var low: UInt64 = 0
        var high: UInt64 = 0
        for (index, byte) in key.enumerated() {
            if index < 8 {
                low |= UInt64(byte) << (8 * index)
            } else {
                high |= UInt64(byte) << (8 * (index - 8))
            }
        }
        let print = (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(key.count)
        let slot = Int(truncatingIfNeeded: print >> 56)
        if keyCache[slot].low == low, keyCache[slot].high == high, keyCache[slot].count == key.count {
            return (keyCache[slot].key, print)
        }
        let string = String(decoding: key, as: UTF8.self)
        keyCache[slot] = CachedKey(low: low, high: high, count: key.count, key: string)
        return (string, print)
    }

    /// Lists the first ``JSONParseOptions/maxDuplicateKeyWarnings`` duplicate keys and counts the rest.
    private mutating func noteDuplicateKey() {
        duplicateKeys += 1
        let offset = frames[frames.count - 1].keyOffset
        if duplicateKeys <= options.maxDuplicateKeyWarnings {
            warnings.append(JSONWarning(kind: .duplicateKey, pointer: openPointer(), offset: offset))
        } else if moreDuplicateKeys != nil {
            moreDuplicateKeys?.count += 1
        } else {
            moreDuplicateKeys = JSONWarning(kind: .moreDuplicateKeys, pointer: openPointer(), offset: offset)
        }
    }

    /// The pointer of the value being parsed: each open array's next index, each open object's pending key.
    private func openPointer() -> JSONPointer {
        var tokens: [String] = []
        tokens.reserveCapacity(frames.count)
        for (depth, frame) in frames.enumerated() {
            if frame.isArray {
                let end = depth + 1 < frames.count ? frames[depth + 1].valueStart : values.count
                tokens.append(String(end - frame.valueStart))
            } else {
                tokens.append(frame.key)
            }
        }
        return JSONPointer(tokens: tokens)
    }

    private func checkDepth(_ depth: Int) throws(JSONParseError) {
        if depth > options.maxDepth {
            throw error(.depthLimitExceeded, "nesting deeper than \(options.maxDepth) levels")
        }
    }

    /// Parses an object key and the colon after it: the key, its fingerprint when it is plain ASCII (no escape), and
    /// the offset of its opening quote.
    private mutating func parseKeyAndColon() throws(JSONParseError) -> (String, UInt64?, Int) {
        guard position < bytes.count else { throw truncated() }
        guard bytes[position] == quote else {
            throw error(.unexpectedCharacter, "expected a string key in an object, found \(describe(bytes[position]))")
        }
        let offset = position
        let key: String
        let print: UInt64?
        let run = plainRun(from: position + 1)
        if run.end < bytes.count, bytes[run.end] == quote, !run.hasNonASCII {
            try checkStringLength(run.end - position - 1, at: offset)
            let slice = UnsafeBufferPointer(rebasing: bytes[(position + 1)..<run.end])
            (key, print) = plainKey(slice)
            position = run.end + 1
        } else {
            key = try parseString().stringValue ?? ""
            print = nil
        }
        skipWhitespace()
        guard position < bytes.count else { throw truncated() }
        guard bytes[position] == UInt8(ascii: ":") else {
            throw error(.unexpectedCharacter, "expected ':' after an object key, found \(describe(bytes[position]))")
        }
        position += 1
        return (key, print, offset)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func parseLiteral(_ word: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let count = word.utf8CodeUnitCount
        let start = word.utf8Start
        for i in 0..<count {
            guard position + i < bytes.count else { throw truncated() }
            guard bytes[position + i] == start[i] else {
                position += i
                throw error(.unexpectedCharacter, "unexpected \(describe(bytes[position])) in a literal")
            }
        }
        position += count
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw truncated() }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if isDigit(bytes[position]) {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        } else {
            throw error(.invalidNumber, "a number needs a digit after '-'")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count else { throw truncated() }
            guard isDigit(bytes[position]) else { throw error(.invalidNumber, "a number needs a digit after '.'") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count else { throw truncated() }
            guard isDigit(bytes[position]) else {
                throw error(.invalidNumber, "a number needs a digit in its exponent")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, isDigit(bytes[position]) {
            throw error(.invalidNumber, "a number may not have leading zeros")
        }
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        return .number(JSONNumber(uncheckedLiteral: literal))
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Parses a string starting at the opening quote.
    private mutating func parseString() throws(JSONParseError) -> JSONValue {
        let open = position
        position += 1
        let contentStart = position
        // Fast path: no escapes.
        let run = plainRun(from: position)
        position = run.end
        guard position < bytes.count else { throw truncated() }
        switch bytes[position] {
        case quote:
            try checkStringLength(position - contentStart, at: open)
            let slice = UnsafeBufferPointer(rebasing: bytes[contentStart..<position])
            position += 1
            if !run.hasNonASCII { return .string(String(decoding: slice, as: UTF8.self)) }
            guard let string = validString(slice) else {
                throw invalidUTF8(in: contentStart..<(position - 1))
            }
            return .string(string)
        case backslash: return try parseEscapedString(open: open, contentStart: contentStart)
        default: throw controlCharacter()
        }
    }

    /// The string whose UTF-8 is `utf8`, or nil when `utf8` is not valid UTF-8.
    ///
    /// `String(validating:as:)` instantiates generic metadata on every call, a cost a document of a million strings
    /// feels. Decoding with repair and then checking that nothing was repaired gives the same answer: a repair
    /// puts U+FFFD where the input held bytes that were not valid UTF-8, so it never leaves the bytes as they were.
    private func validString(_ utf8: UnsafeBufferPointer<UInt8>) -> String? {
        var string = String(decoding: utf8, as: UTF8.self)
        let unchanged = string.withUTF8 { decoded in
            decoded.count == utf8.count && JSONByteScan.equal(decoded, utf8)
        }
        return unchanged ? string : nil
    }

    /// Where the run of string bytes that need no attention, from `start`, ends: at the first `"`, `\\` or
    /// control character, or at the end of the input; and whether the run holds a non-ASCII byte.
    private func plainRun(from start: Int) -> (end: Int, hasNonASCII: Bool) {
        guard let base = bytes.baseAddress else { return (start, false) }
        return JSONByteScan.plainStringRun(base, from: start, to: bytes.count)
    }

    private mutating func parseEscapedString(open: Int, contentStart: Int) throws(JSONParseError) -> JSONValue {
        let output = unescaped
        output.removeAll()
        output.append(UnsafeBufferPointer(rebasing: bytes[contentStart..<position]))
        var unpairedSurrogate = false
        while true {
            guard position < bytes.count else { throw truncated() }
            let byte = bytes[position]
            if byte == quote { break }
            if byte < 0x20 { throw controlCharacter() }
            if byte != backslash {
                let end = plainRun(from: position).end
                output.append(UnsafeBufferPointer(rebasing: bytes[position..<end]))
                position = end
                continue
            }
            let escapeOffset = position
            position += 1
            guard position < bytes.count else { throw truncated() }
            let escaped = bytes[position]
            position += 1
            switch escaped {
            case quote: output.append(quote)
            case backslash: output.append(backslash)
            case UInt8(ascii: "/"): output.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                let unit = try parseHex4()
                var scalarValue = UInt32(unit)
                if (0xD800...0xDBFF).contains(unit) {
                    if position + 6 <= bytes.count, bytes[position] == backslash,
                        bytes[position + 1] == UInt8(ascii: "u")
                    {
                        let save = position
                        position += 2
                        let low = try parseHex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        } else {
                            position = save
                            unpairedSurrogate = true
                            scalarValue = 0xFFFD
                        }
                    } else {
                        unpairedSurrogate = true
                        scalarValue = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(unit) {
                    unpairedSurrogate = true
                    scalarValue = 0xFFFD
                }
                // A valid scalar by construction.
                let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
                if let encoded = UTF8.encode(scalar) { for byte in encoded { output.append(byte) } }
            default:
                position = escapeOffset
                throw error(.invalidEscape, "invalid escape '\\\(Character(Unicode.Scalar(escaped)))' in a string")
            }
            if position - contentStart > options.maxStringBytes {
                try checkStringLength(position - contentStart, at: open)
            }
        }
        try checkStringLength(position - contentStart, at: open)
        let sourceRange = contentStart..<position
        position += 1
        guard let value = validString(output.contents) else { throw invalidUTF8(in: sourceRange) }
        if unpairedSurrogate {
            let source = String(decoding: UnsafeBufferPointer(rebasing: bytes[sourceRange]), as: UTF8.self)
            return .rawString(RawJSONString(value: value, source: source))
        }
        return .string(value)
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard position < bytes.count else { throw truncated() }
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw error(.invalidEscape, "'\\u' must be followed by four hexadecimal digits")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    private func checkStringLength(_ length: Int, at offset: Int) throws(JSONParseError) {
        if length > options.maxStringBytes {
            var copy = self
            copy.position = offset
            throw copy.error(
                .stringTooLong, "a string longer than the limit of \(options.maxStringBytes) bytes")
        }
    }

    // MARK: Errors

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private func truncated() -> JSONParseError {
        var copy = self
        copy.position = bytes.count
        return copy.error(.unexpectedEnd, "the document ends before it is complete (truncated?)")
    }

    private func controlCharacter() -> JSONParseError {
        error(.controlCharacter, "unescaped control character \(describe(bytes[position])) in a string")
    }

    private func invalidUTF8(in range: Range<Int>) -> JSONParseError {
        var copy = self
        copy.position = firstInvalidUTF8Offset(in: range)
        return copy.error(.invalidUTF8, "invalid UTF-8 in a string")
    }

    private func firstInvalidUTF8Offset(in range: Range<Int>) -> Int {
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return index
            }
            guard index + length <= range.upperBound else { return index }
            let slice = UnsafeBufferPointer(rebasing: bytes[index..<(index + length)])
            if String(validating: slice, as: UTF8.self) == nil { return index }
            index += length
        }
        return range.lowerBound
    }

    func error(_ kind: JSONParseError.Kind, _ message: String) -> JSONParseError {
        var line = 1
        var lineStart = 0
        let end = min(position, bytes.count)
        for index in 0..<end where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return JSONParseError(
            kind: kind, offset: position, line: line, column: position - lineStart + 1, message: message)
    }
}

import OrderedCollections

/// Serializes ``JSONValue`` deterministically.
///
/// Strings are escaped as JavaScript's `JSON.stringify` escapes them: only `"`, `\` and control
/// characters; `/` and non-ASCII text are written raw. Numbers are written as their literal text.
public enum JSONWriter {
    /// The layout of the output.
    public enum Style: Sendable, Hashable {
        /// No whitespace at all, as `JSON.stringify(value)`.
        case compact
        /// One member per line, indented by the given number of spaces, as `JSON.stringify(value, null, n)`.
        case pretty(indent: Int)

        /// Pretty output with a 2-space indent.
        public static let pretty = Style.pretty(indent: 2)
    }

    /// Serializes a value to UTF-8 bytes.
    /// - Parameters:
    ///   - value: The value to write.
    ///   - style: Compact (default) or pretty.
    ///   - sortKeys: Whether to order object keys by their UTF-8 bytes instead of keeping source order.
    /// - Returns: The UTF-8 encoded JSON text, without a trailing newline.
    public static func bytes(_ value: JSONValue, style: Style = .compact, sortKeys: Bool = false) -> [UInt8] {
        let writer = Writer(style: style, sortKeys: sortKeys)
        writer.write(value, level: 0)
        return writer.output.bytes()
    }

    /// Serializes a value to a string.
    /// - Parameters:
    ///   - value: The value to write.
    ///   - style: Compact (default) or pretty.
    ///   - sortKeys: Whether to order object keys by their UTF-8 bytes instead of keeping source order.
    /// - Returns: The JSON text, without a trailing newline.
    public static func string(_ value: JSONValue, style: Style = .compact, sortKeys: Bool = false) -> String {
        String(decoding: bytes(value, style: style, sortKeys: sortKeys), as: UTF8.self)
    }
}

private struct Writer {
    let style: JSONWriter.Style
    let sortKeys: Bool
    let output = JSONByteBuffer(capacity: 4096)

    init(style: JSONWriter.Style, sortKeys: Bool) {
        self.style = style
        self.sortKeys = sortKeys
    }

    func write(_ value: JSONValue, level: Int) {
        switch value {
        case .null: output.append("null")
        case .bool(let bool): output.append(bool ? "true" : "false")
        case .number(let number): output.append(number.literal)
        case .string(let string): appendQuoted(string)
        case .rawString(let raw):
            output.append(UInt8(ascii: "\""))
            output.append(raw.source)
            output.append(UInt8(ascii: "\""))
        case .array(let elements):
            guard !elements.isEmpty else {
                output.append("[]")
                return
            }
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1)
                write(element, level: level + 1)
            }
            newline(level)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.isEmpty else {
                output.append("{}")
                return
            }
            output.append(UInt8(ascii: "{"))
            let keys = object.members.keys
            let values = object.members.values
            if sortKeys {
                let order = keys.indices.sorted { keys[$0].utf8.lexicographicallyPrecedes(keys[$1].utf8) }
                for (position, index) in order.enumerated() {
                    writeMember(keys[index], values[index], first: position == 0, level: level)
                }
            } else {
                for index in keys.indices { writeMember(keys[index], values[index], first: index == 0, level: level) }
            }
            newline(level)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Writes one member of an object at `level`, after a comma unless it is the first.
    func writeMember(_ key: String, _ value: JSONValue, first: Bool, level: Int) {
        if !first { output.append(UInt8(ascii: ",")) }
        newline(level + 1)
        appendQuoted(key)
        output.append(UInt8(ascii: ":"))
        if case .pretty = style { output.append(UInt8(ascii: " ")) }
        write(value, level: level + 1)
    }

    func newline(_ level: Int) {
        guard case .pretty(let indent) = style else { return }
        output.append(0x0A)
        for _ in 0..<(indent * level) { output.append(UInt8(ascii: " ")) }
    }

    /// Appends the JSON form of a string, with quotes.
    func appendQuoted(_ string: String) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { appendEscaped($0) }
        output.append(UInt8(ascii: "\""))
    }

    /// Appends `bytes` with `"`, `\\` and control characters escaped; the runs between them are copied whole.
    func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var runStart = 0
        while runStart < bytes.count {
            let runEnd = JSONByteScan.plainStringRun(base, from: runStart, to: bytes.count).end
            output.append(UnsafeBufferPointer(start: base + runStart, count: runEnd - runStart))
            guard runEnd < bytes.count else { return }
            appendEscape(of: base[runEnd])
            runStart = runEnd + 1
        }
    }

    /// Appends the escape sequence of one byte that needs one: `"`, `\` or a control character.
    func appendEscape(of byte: UInt8) {
        switch byte {
        case 0x22, 0x5C: output.append(0x5C, byte)
        case 0x0A: output.append(0x5C, UInt8(ascii: "n"))
        case 0x0D: output.append(0x5C, UInt8(ascii: "r"))
        case 0x09: output.append(0x5C, UInt8(ascii: "t"))
        case 0x08: output.append(0x5C, UInt8(ascii: "b"))
        case 0x0C: output.append(0x5C, UInt8(ascii: "f"))
        default:
            /// The hex digit of a nibble.
            func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
            output.append(0x5C, UInt8(ascii: "u"))
            output.append(0x30, 0x30)
            output.append(hex(byte >> 4), hex(byte & 0xF))
        }
    }
}

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
        var writer = Writer(style: style, sortKeys: sortKeys)
        writer.write(value, level: 0)
        return writer.output
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

    /// Appends the JSON form of a string (with quotes) to `output`.
    package static func appendQuoted(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var utf8 = string.utf8
        let handled: Void? = utf8.withContiguousStorageIfAvailable { appendEscaped($0, to: &output) }
        if handled == nil {
            utf8 = String(string).utf8
            appendEscaped(Array(utf8)[...], to: &output)
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped<C: Collection<UInt8>>(_ bytes: C, to output: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20:
                output.append(contentsOf: [
                    0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                ])
            default: output.append(byte)
            }
        }
    }
}

private struct Writer {
    let style: JSONWriter.Style
    let sortKeys: Bool
    var output: [UInt8] = []

    init(style: JSONWriter.Style, sortKeys: Bool) {
        self.style = style
        self.sortKeys = sortKeys
        output.reserveCapacity(4096)
    }

    mutating func write(_ value: JSONValue, level: Int) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let bool): output.append(contentsOf: (bool ? "true" : "false").utf8)
        case .number(let number): output.append(contentsOf: number.literal.utf8)
        case .string(let string): JSONWriter.appendQuoted(string, to: &output)
        case .rawString(let raw):
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: raw.source.utf8)
            output.append(UInt8(ascii: "\""))
        case .array(let elements):
            guard !elements.isEmpty else {
                output.append(contentsOf: "[]".utf8)
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
                output.append(contentsOf: "{}".utf8)
                return
            }
            output.append(UInt8(ascii: "{"))
            var keys = Array(object.keys)
            if sortKeys { keys.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
            for (index, key) in keys.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1)
                JSONWriter.appendQuoted(key, to: &output)
                output.append(UInt8(ascii: ":"))
                if case .pretty = style { output.append(UInt8(ascii: " ")) }
                write(object[key] ?? .null, level: level + 1)
            }
            newline(level)
            output.append(UInt8(ascii: "}"))
        }
    }

    mutating func newline(_ level: Int) {
        guard case .pretty(let indent) = style else { return }
        output.append(0x0A)
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }
}

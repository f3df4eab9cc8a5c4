package import CardKitJSON

/// A 1-based line and column (in Unicode scalars) in a JSON text.
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// The line, from 1.
    public var line: Int
    /// The column, from 1, counted in Unicode scalars.
    public var column: Int

    /// Creates a position.
    /// - Parameters:
    ///   - line: The line, from 1.
    ///   - column: The column, from 1.
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// Finds where the values at given JSON pointers start in a JSON text, so that reports can name a line.
///
/// The scan is iterative (no recursion, whatever the nesting), reads the text once, allocates only the current
/// path, and stops at the first byte that is not JSON, returning what it found so far. A duplicated key
/// resolves to its last occurrence, as the parser's "last wins" does.
package enum JSONSourceLocator {
    /// The start positions of the values at `pointers`.
    /// - Parameters:
    ///   - bytes: The UTF-8 JSON text.
    ///   - pointers: The pointers to locate.
    /// - Returns: A position for each pointer that was found.
    package static func positions(in bytes: [UInt8], of pointers: Set<JSONPointer>) -> [JSONPointer: SourcePosition] {
        guard !pointers.isEmpty else { return [:] }
        var scanner = Scanner(bytes: bytes, wanted: Set(pointers.map(\.tokens)))
        scanner.run()
        var result: [JSONPointer: SourcePosition] = [:]
        for (tokens, position) in scanner.found { result[JSONPointer(tokens: tokens)] = position }
        return result
    }

    private struct Scanner {
        let bytes: [UInt8]
        let wanted: Set<[String]>
        /// The lengths of the wanted paths, so that most values are skipped without hashing their path.
        let wantedDepths: Set<Int>
        var found: [[String]: SourcePosition] = [:]
        var index = 0
        var line = 1
        var column = 1
        var path: [String] = []
        /// For each open container: whether it is an object, and the array index.
        var stack: [(isObject: Bool, index: Int)] = []

        init(bytes: [UInt8], wanted: Set<[String]>) {
            self.bytes = bytes
            self.wanted = wanted
            self.wantedDepths = Set(wanted.map(\.count))
        }

        mutating func run() {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            var needValue = true
            while true {
                if needValue {
                    guard value() else { return }
                    needValue = stack.count > 0 && openedContainer
                    if needValue { continue }
                }
                guard !stack.isEmpty else { return }
                skipWhitespace()
                guard index < bytes.count else { return }
                let byte = bytes[index]
                if byte == UInt8(ascii: ",") {
                    step()
                    if stack[stack.count - 1].isObject {
                        guard key() else { return }
                    } else {
                        stack[stack.count - 1].index += 1
                        path[path.count - 1] = String(stack[stack.count - 1].index)
                    }
                    needValue = true
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    step()
                    path.removeLast()
                    stack.removeLast()
                } else {
                    return
                }
            }
        }

        /// Whether the last ``value()`` opened a non-empty container (its first member's value comes next).
        var openedContainer = false

        /// Scans the start of one value: a scalar entirely, or a container's opening up to its first member.
        mutating func value() -> Bool {
            openedContainer = false
            skipWhitespace()
            guard index < bytes.count else { return false }
            if wantedDepths.contains(path.count), wanted.contains(path) {
                found[path] = SourcePosition(line: line, column: column)
            }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                step()
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    step()
                    return true
                }
                stack.append((true, 0))
                path.append("")
                openedContainer = true
                return key()
            case UInt8(ascii: "["):
                step()
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    step()
                    return true
                }
                stack.append((false, 0))
                path.append("0")
                openedContainer = true
                return true
            case UInt8(ascii: "\""):
                return string() != nil
            default:
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D:
                        return true
                    default:
                        step()
                    }
                }
                return true
            }
        }

        /// Reads `"key":`, replacing the last path token with the key.
        mutating func key() -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let name = string() else { return false }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
            step()
            path[path.count - 1] = name
            return true
        }

        /// Reads a string starting at its opening quote and returns its decoded text.
        mutating func string() -> String? {
            step()
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                if !raw.isEmpty {
                    scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                    raw.removeAll(keepingCapacity: true)
                }
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    step()
                    flush()
                    return String(scalars)
                }
                if byte == UInt8(ascii: "\\") {
                    flush()
                    step()
                    guard index < bytes.count else { return nil }
                    let escape = bytes[index]
                    step()
                    switch escape {
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "u"):
                        guard var unit = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(unit), index + 1 < bytes.count,
                            bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        {
                            let saved = (index, line, column)
                            step()
                            step()
                            if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                (index, line, column) = saved
                            }
                        }
                        scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                    default: scalars.append(Unicode.Scalar(escape))
                    }
                    continue
                }
                raw.append(byte)
                step()
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: return nil
                }
                value = value * 16 + digit
                step()
            }
            return value
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: step()
                default: return
                }
            }
        }

        /// Moves past one byte, keeping the line and the scalar column.
        mutating func step() {
            let byte = bytes[index]
            index += 1
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
    }
}

/// Lenient base64 decoding as Node.js's `Buffer.from(text, 'base64')` does it, reporting every leniency.
enum PNGBase64 {
    /// The leniencies a payload needed.
    struct Leniencies: OptionSet, Hashable {
        let rawValue: Int
        static let whitespace = Leniencies(rawValue: 1)
        static let urlSafeAlphabet = Leniencies(rawValue: 2)
        static let missingPadding = Leniencies(rawValue: 4)
    }

    enum Failure: Error {
        /// A byte outside the alphabet, or data after the padding, at this index.
        case invalidCharacter(position: Int)
        /// A single leftover character (no whole byte), at this index.
        case truncatedQuantum(position: Int)
    }

    // 0...63 value, 64 whitespace, 65 '=', 66 URL-safe marker bit added to value (value | 0x80), 255 invalid.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(c)] = UInt8(i)
        }
        table[Int(UInt8(ascii: "-"))] = 62 | 0x80
        table[Int(UInt8(ascii: "_"))] = 63 | 0x80
        for c in [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C] { table[c] = 64 }
        table[Int(UInt8(ascii: "="))] = 65
        return table
    }()

    /// Decodes `text`; returns the bytes and the leniencies used.
    ///
    /// Groups of four standard-alphabet characters take a fast path; everything else (whitespace, the URL-safe
    /// alphabet, padding, errors) goes through the general one, which records each leniency.
    static func decode(_ text: UnsafeRawBufferPointer) throws(Failure) -> (bytes: [UInt8], leniencies: Leniencies) {
        var leniencies: Leniencies = []
        var failure: Failure?
        let count = text.count
        let output = [UInt8](unsafeUninitializedCapacity: count / 4 * 3 + 3) { out, initialized in
            table.withUnsafeBufferPointer { table in
                var o = 0
                var accumulator: UInt32 = 0
                var quantum = 0
                var padding = 0
                var lastDataPosition = 0
                var i = 0
                while i < count {
                    if quantum == 0 && padding == 0 && i + 4 <= count {
                        let a = table[Int(text[i])]
                        let b = table[Int(text[i + 1])]
                        let c = table[Int(text[i + 2])]
                        let d = table[Int(text[i + 3])]
                        if a | b | c | d < 64 {
                            let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                            out[o] = UInt8(truncatingIfNeeded: v >> 16)
                            out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                            out[o + 2] = UInt8(truncatingIfNeeded: v)
                            o += 3
                            i += 4
                            lastDataPosition = i - 1
                            continue
                        }
                    }
                    let code = table[Int(text[i])]
                    if code < 64 || (code & 0x80 != 0 && code != 255) {
                        if padding > 0 {
                            failure = .invalidCharacter(position: i)
                            break
                        }
                        if code & 0x80 != 0 { leniencies.insert(.urlSafeAlphabet) }
                        accumulator = accumulator << 6 | UInt32(code & 0x3F)
                        quantum += 1
                        lastDataPosition = i
                        if quantum == 4 {
                            out[o] = UInt8(truncatingIfNeeded: accumulator >> 16)
                            out[o + 1] = UInt8(truncatingIfNeeded: accumulator >> 8)
                            out[o + 2] = UInt8(truncatingIfNeeded: accumulator)
                            o += 3
                            accumulator = 0
                            quantum = 0
                        }
                    } else if code == 64 {
                        leniencies.insert(.whitespace)
                    } else if code == 65 {
                        padding += 1
                        if quantum < 2 || quantum + padding > 4 {
                            failure = .invalidCharacter(position: i)
                            break
                        }
                    } else {
                        failure = .invalidCharacter(position: i)
                        break
                    }
                    i += 1
                }
                if failure == nil {
                    switch quantum {
                    case 0: break
                    case 1: failure = .truncatedQuantum(position: lastDataPosition)
                    case 2:
                        out[o] = UInt8(truncatingIfNeeded: accumulator >> 4)
                        o += 1
                        if padding == 0 { leniencies.insert(.missingPadding) }
                    default:
                        out[o] = UInt8(truncatingIfNeeded: accumulator >> 10)
                        out[o + 1] = UInt8(truncatingIfNeeded: accumulator >> 2)
                        o += 2
                        if padding == 0 { leniencies.insert(.missingPadding) }
                    }
                }
                initialized = failure == nil ? o : 0
            }
        }
        if let failure { throw failure }
        return (output, leniencies)
    }

    /// Encodes bytes as standard base64 with padding.
    static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output = [UInt8]()
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let b0 = iterator.next() {
            let b1 = iterator.next()
            let b2 = iterator.next()
            let value = UInt32(b0) << 16 | UInt32(b1 ?? 0) << 8 | UInt32(b2 ?? 0)
            output.append(alphabet[Int(value >> 18 & 0x3F)])
            output.append(alphabet[Int(value >> 12 & 0x3F)])
            output.append(b1 == nil ? UInt8(ascii: "=") : alphabet[Int(value >> 6 & 0x3F)])
            output.append(b2 == nil ? UInt8(ascii: "=") : alphabet[Int(value & 0x3F)])
        }
        return output
    }
}

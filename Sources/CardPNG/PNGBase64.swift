internal import CCardPNG

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

    /// For the fast path: the value of each standard-alphabet byte pre-shifted for its position in a group of four
    /// (`shifted[k][byte]`), with bit 31 set for every other byte.
    private static let shifted: [UInt32] = {
        var tables = [UInt32](repeating: 0x8000_0000, count: 4 * 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            for k in 0..<4 { tables[k * 256 + Int(c)] = UInt32(i) << UInt32(18 - 6 * k) }
        }
        return tables
    }()

    /// Decodes `text`; returns the bytes and the leniencies used.
    ///
    /// Whole 32-character blocks of the standard alphabet at the start go through AVX2
    /// (`ccard_base64_decode_blocks`, when the CPU has it and `accelerated`), then groups of four standard-alphabet
    /// characters take a scalar fast path; everything else (whitespace, the URL-safe alphabet, padding, errors) goes
    /// through the general one, which records each leniency. `accelerated: false` exists for the tests that prove
    /// both give the same bytes, leniencies and errors.
    static func decode(_ text: UnsafeRawBufferPointer, accelerated: Bool = true) throws(Failure) -> (
        bytes: [UInt8], leniencies: Leniencies
    ) {
        var leniencies: Leniencies = []
        var failure: Failure?
        let count = text.count
        // 8 bytes of slack: each AVX2 step stores 32 bytes, of which 24 are output.
        let output = [UInt8](unsafeUninitializedCapacity: count / 4 * 3 + 8) { out, initialized in
            table.withUnsafeBufferPointer { table in
                shifted.withUnsafeBufferPointer { shifted in
                    var i = 0
                    if accelerated, count >= 32, let source = text.baseAddress, let target = out.baseAddress {
                        i = ccard_base64_decode_blocks(source, count, target)
                    }
                    var o = i / 4 * 3
                    var accumulator: UInt32 = 0
                    var quantum = 0
                    var padding = 0
                    var lastDataPosition = 0
                    var sawWhitespace = false
                    while i < count {
                        if quantum == 0 && padding == 0 {
                            // Four characters per step: one 32-bit load, four pre-shifted lookups, one 32-bit store.
                            let base = out.baseAddress!
                            while i + 4 <= count {
                                let w = text.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian
                                let v =
                                    shifted[Int(w & 0xFF)] | shifted[256 + Int(w >> 8 & 0xFF)]
                                    | shifted[512 + Int(w >> 16 & 0xFF)] | shifted[768 + Int(w >> 24)]
                                if v & 0x8000_0000 != 0 { break }
                                UnsafeMutableRawPointer(base + o).storeBytes(of: (v << 8).bigEndian, as: UInt32.self)
                                o += 3
                                i += 4
                            }
                            if i > 0 { lastDataPosition = i - 1 }
                            if i >= count { break }
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
                            // A whole run of whitespace in one tight loop: a payload padded with megabytes of
                            // spaces (a 261 KB zTXt inflating to 64 MiB) must cost no more than its bytes.
                            sawWhitespace = true
                            i += 1
                            while i < count, table[Int(text[i])] == 64 { i += 1 }
                            continue
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
                    if sawWhitespace { leniencies.insert(.whitespace) }
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
        }
        if let failure { throw failure }
        return (output, leniencies)
    }

    /// Encodes bytes as standard base64 with padding.
    ///
    /// Whole 24-byte blocks go through AVX2 (`ccard_base64_encode_blocks`, when the CPU has it and `accelerated`),
    /// the rest three bytes at a time, into a buffer sized once (an append per character cost a tenth of `embed`'s
    /// instructions). `accelerated: false` exists for the tests that prove both give the same text.
    static func encode(_ bytes: some Collection<UInt8>, accelerated: Bool = true) -> [UInt8] {
        let input = Array(bytes)
        let count = input.count
        return [UInt8](unsafeUninitializedCapacity: (count + 2) / 3 * 4) { out, initialized in
            alphabet.withUnsafeBufferPointer { alphabet in
                input.withUnsafeBufferPointer { source in
                    var i = 0
                    if accelerated, let from = source.baseAddress, let to = out.baseAddress, count > 0 {
                        i = ccard_base64_encode_blocks(from, count, to)
                    }
                    var o = i / 3 * 4
                    while i + 3 <= count {
                        let value = UInt32(source[i]) << 16 | UInt32(source[i + 1]) << 8 | UInt32(source[i + 2])
                        out[o] = alphabet[Int(value >> 18)]
                        out[o + 1] = alphabet[Int(value >> 12 & 0x3F)]
                        out[o + 2] = alphabet[Int(value >> 6 & 0x3F)]
                        out[o + 3] = alphabet[Int(value & 0x3F)]
                        i += 3
                        o += 4
                    }
                    if i < count {
                        let b1: UInt32 = i + 1 < count ? UInt32(source[i + 1]) : 0
                        let value = UInt32(source[i]) << 16 | b1 << 8
                        out[o] = alphabet[Int(value >> 18)]
                        out[o + 1] = alphabet[Int(value >> 12 & 0x3F)]
                        out[o + 2] = i + 1 < count ? alphabet[Int(value >> 6 & 0x3F)] : UInt8(ascii: "=")
                        out[o + 3] = UInt8(ascii: "=")
                        o += 4
                    }
                    initialized = o
                }
            }
        }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
}

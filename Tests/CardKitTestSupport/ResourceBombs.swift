public import Foundation

/// Inputs that once exhausted memory or time (issue 18), generated in code at any size.
///
/// Each takes its size as parameters so that a test can build the reproduction at full size and `scripts/fuzz` can
/// seed a small one. Compressed forms (zTXt, ZIP) use this file's own fixed-Huffman deflate writer and checksums,
/// never the library under test.
public enum ResourceBombs {
    /// A minimal V2 card as JSON text.
    public static let smallCard = #"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"x","first_mes":"y"}}"#

    // MARK: - JSON

    /// `[[0],[0],…]` with `count` inner arrays: 2 × `count` + 1 values in 4 × `count` + 1 bytes.
    public static func nestedArrays(count: Int) -> [UInt8] {
        Array("[[0]".utf8) + repeated(Array(",[0]".utf8), count: count - 1) + [UInt8(ascii: "]")]
    }

    /// `unit` `count` times, by doubling (a byte loop over 60 MB is slow in a debug build).
    public static func repeated(_ unit: [UInt8], count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(unit.count * count)
        var block = unit
        var left = count
        while left > 0 {
            if left & 1 == 1 { out += block }
            left >>= 1
            if left > 0 { block += block }
        }
        return out
    }

    /// A V1 card object holding the key `"a"` `count` times (`count` − 1 duplicates) after `name` and `first_mes`.
    public static func duplicateKeys(count: Int) -> [UInt8] {
        Array(#"{"name":"x","first_mes":"y""#.utf8) + repeated(Array(#","a":1"#.utf8), count: count)
            + [UInt8(ascii: "}")]
    }

    /// A V2 card whose `character_book` has `entries` empty entries.
    public static func cardWithBook(entries: Int) -> [UInt8] {
        Array(#"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"x","first_mes":"y","#.utf8)
            + Array(#""character_book":{"extensions":{},"entries":"#.utf8) + emptyObjects(entries)
            + Array("}}}".utf8)
    }

    /// A standalone `lorebook_v3` with `entries` empty entries.
    public static func lorebook(entries: Int) -> [UInt8] {
        Array(#"{"spec":"lorebook_v3","data":{"extensions":{},"entries":"#.utf8) + emptyObjects(entries)
            + Array("}}".utf8)
    }

    private static func emptyObjects(_ count: Int) -> [UInt8] {
        count == 0
            ? Array("[]".utf8) : Array("[{}".utf8) + repeated(Array(",{}".utf8), count: count - 1) + [UInt8(ascii: "]")]
    }

    // MARK: - YAML

    /// A text-generation-webui YAML whose `name` anchors a string of `stringBytes` bytes and whose `context` is a
    /// sequence of `aliases` aliases to it.
    public static func yamlAliases(stringBytes: Int, aliases: Int) -> [UInt8] {
        Array("name: &a ".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: stringBytes)
            + Array("\ngreeting: hi\ncontext:\n".utf8) + repeated(Array("  - *a\n".utf8), count: aliases)
    }

    /// A text-generation-webui YAML with `name`, `context` and then `count` more keys, one a line.
    public static func yamlKeys(count: Int) -> [UInt8] {
        var out = Array("name: x\ncontext: y\n".utf8)
        for index in 0..<count { out += Array("k\(index): 1\n".utf8) }
        return out
    }

    // MARK: - PNG

    /// A 1×1 PNG with `chunks` (each already framed by ``pngChunk(_:_:)``) between IDAT and IEND.
    public static func png(chunks: [UInt8]) -> [UInt8] {
        let ihdr = pngChunk("IHDR", bigEndian(1) + bigEndian(1) + [8, 2, 0, 0, 0])
        let idat = pngChunk("IDAT", zlibStored([0, 0, 0, 0]))
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + ihdr + idat + chunks + pngChunk("IEND", [])
    }

    /// One PNG chunk: length, type, data, CRC-32.
    public static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(TestChecksums.crc32(typeBytes + data))
    }

    /// A PNG whose `chara` zTXt holds ``smallCard`` in base64 with a space after every character, then `spaces`
    /// spaces (40 MiB make a 264 KB file, as in the issue's 261 KB reproduction).
    public static func spacePaddedBase64PNG(spaces: Int) -> [UInt8] {
        let encoded = Array(Data(smallCard.utf8).base64EncodedString().utf8)
        var prefix: [UInt8] = []
        for byte in encoded { prefix += [byte, 0x20] }
        var writer = DeflateWriter()
        for byte in prefix { writer.literal(byte) }
        writer.repeatLast(byte: 0x20, count: spaces)
        let stream = writer.finish(adler: adler32(prefix, thenRepeating: 0x20, count: spaces))
        return png(chunks: pngChunk("zTXt", Array("chara".utf8) + [0, 0] + stream))
    }

    /// A PNG whose `chara` zTXt holds, in base64, `[[0],[0],…]` with 3 × `units` + 1 inner arrays (3,900,000 units
    /// make 62 MiB of base64, under the 64 MiB inflate cap, in a 470 KB file).
    public static func nestedArraysPNG(units: Int) -> [UInt8] {
        // "[[0" + "],[0],[0],[0" × units + "]]": every piece but the last a whole number of base64 groups.
        let head = Array(Data("[[0".utf8).base64EncodedString().utf8)
        let unit = Array(Data("],[0],[0],[0".utf8).base64EncodedString().utf8)
        let tail = Array(Data("]]".utf8).base64EncodedString().utf8)
        var writer = DeflateWriter()
        for byte in head + unit { writer.literal(byte) }
        let repeated = (units - 1) * unit.count
        writer.copy(distance: unit.count, count: repeated / 258 * 258)
        for index in 0..<(repeated % 258) { writer.literal(unit[(repeated / 258 * 258 + index) % unit.count]) }
        for byte in tail { writer.literal(byte) }
        // Adler-32 over head, units × unit, tail, one unit at a time.
        let modulus: UInt32 = 65521
        var a: UInt32 = 1
        var b: UInt32 = 0
        func add(_ bytes: [UInt8]) {
            for byte in bytes {
                a = (a + UInt32(byte)) % modulus
                b = (b + a) % modulus
            }
        }
        add(head)
        for _ in 0..<units { add(unit) }
        add(tail)
        let stream = writer.finish(adler: b << 16 | a)
        return png(chunks: pngChunk("zTXt", Array("chara".utf8) + [0, 0] + stream))
    }

    /// A PNG with `count` small `tEXt` chunks named `k0`, `k1`, … and no card.
    public static func manyKeywordsPNG(count: Int) -> [UInt8] {
        var chunks: [UInt8] = []
        for index in 0..<count { chunks += pngChunk("tEXt", Array("k\(index)".utf8) + [0, UInt8(ascii: "v")]) }
        return png(chunks: chunks)
    }

    // MARK: - CharX

    /// A CharX whose `card.json` is followed by one deflated entry of `entryBytes` zeros that `sharing` central
    /// directory entries (`assets/0.bin`, `assets/1.bin`, …) all point at.
    ///
    /// With 1,070 entries of 1,000,000 bytes it is about 64 KB and declares 1.07 GB, under the 1 GiB total, each
    /// entry under the 1 MiB ratio threshold.
    public static func sharedLocalHeaderCharX(sharing: Int, entryBytes: Int) -> [UInt8] {
        let card = Array(smallCard.utf8)
        var zipFile: [UInt8] = []
        var central: [UInt8] = []
        var count = 0
        func local(_ name: String, method: UInt16, data: [UInt8], crc: UInt32, size: Int) -> UInt32 {
            let offset = UInt32(zipFile.count)
            zipFile += le32(0x0403_4B50) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21)
            zipFile += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(size))
            zipFile += le16(UInt16(name.utf8.count)) + le16(0) + Array(name.utf8) + data
            return offset
        }
        func centralEntry(_ name: String, method: UInt16, compressed: Int, crc: UInt32, size: Int, offset: UInt32) {
            central += le32(0x0201_4B50) + le16(0x031E) + le16(20) + le16(0) + le16(method) + le16(0) + le16(0x21)
            central += le32(crc) + le32(UInt32(compressed)) + le32(UInt32(size))
            central += le16(UInt16(name.utf8.count)) + le16(0) + le16(0) + le16(0) + le16(0)
            central += le32(0o100644 << 16) + le32(offset) + Array(name.utf8)
            count += 1
        }
        let cardCRC = TestChecksums.crc32(card)
        let cardOffset = local("card.json", method: 0, data: card, crc: cardCRC, size: card.count)
        centralEntry("card.json", method: 0, compressed: card.count, crc: cardCRC, size: card.count, offset: cardOffset)
        var writer = DeflateWriter()
        writer.literal(0)
        writer.repeatLast(byte: 0, count: entryBytes - 1)
        let deflated = writer.finishRaw()
        let zerosCRC = crc32(ofZeros: entryBytes)
        let shared = local("assets/0.bin", method: 8, data: deflated, crc: zerosCRC, size: entryBytes)
        for index in 0..<sharing {
            centralEntry(
                "assets/\(index).bin", method: 8, compressed: deflated.count, crc: zerosCRC, size: entryBytes,
                offset: shared)
        }
        let directoryOffset = UInt32(zipFile.count)
        zipFile += central
        zipFile += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(count)) + le16(UInt16(count))
        zipFile += le32(UInt32(central.count)) + le32(directoryOffset) + le16(0)
        return zipFile
    }

    // MARK: - Encoding helpers

    /// A fixed-Huffman deflate block of literals and runs (length 258, distance 1 matches).
    struct DeflateWriter {
        private(set) var out: [UInt8] = []
        private var bitBuffer: UInt64 = 0
        private var bitCount = 0

        init() { bits(1, 1); bits(1, 2) }  // BFINAL, fixed Huffman

        private mutating func bits(_ value: UInt32, _ count: Int) {  // LSB first
            bitBuffer |= UInt64(value) << UInt64(bitCount)
            bitCount += count
            while bitCount >= 8 {
                out.append(UInt8(bitBuffer & 0xFF))
                bitBuffer >>= 8
                bitCount -= 8
            }
        }

        private mutating func huffman(_ code: UInt32, _ count: Int) {  // Huffman codes go MSB first
            var reversed: UInt32 = 0
            for i in 0..<count where code & (1 << UInt32(i)) != 0 { reversed |= 1 << UInt32(count - 1 - i) }
            bits(reversed, count)
        }

        mutating func literal(_ byte: UInt8) {
            if byte < 144 { huffman(0x30 + UInt32(byte), 8) } else { huffman(0x190 + UInt32(byte) - 144, 9) }
        }

        /// `count` more copies of the byte just written.
        mutating func repeatLast(byte: UInt8, count: Int) {
            var left = count
            while left >= 258 {
                huffman(0xC0 + 5, 8)  // length code 285 = 258
                huffman(0, 5)  // distance code 0 = 1
                left -= 258
            }
            for _ in 0..<left { literal(byte) }
        }

        /// `count` more bytes copied from `distance` bytes back (which must have been written).
        mutating func copy(distance: Int, count: Int) {
            // Distance codes 0...29: base distance and extra bits (RFC 1951 3.2.5).
            var code = 0
            var base = 1
            var extra = 0
            while true {
                extra = code < 4 ? 0 : code / 2 - 1
                if distance < base + (1 << extra) { break }
                base += 1 << extra
                code += 1
            }
            var left = count
            while left >= 258 {
                huffman(0xC0 + 5, 8)  // length code 285 = 258
                huffman(UInt32(code), 5)
                bits(UInt32(distance - base), extra)
                left -= 258
            }
            precondition(left == 0, "copy(distance:count:) takes a multiple of 258")
        }

        /// The raw deflate stream (for ZIP).
        mutating func finishRaw() -> [UInt8] {
            huffman(0, 7)  // end of block
            if bitCount > 0 { out.append(UInt8(bitBuffer & 0xFF)) }
            bitBuffer = 0
            bitCount = 0
            return out
        }

        /// The zlib stream (for PNG), with the given Adler-32 of the inflated bytes.
        mutating func finish(adler: UInt32) -> [UInt8] {
            [0x78, 0x01] + finishRaw() + bigEndian(adler)
        }
    }

    /// Adler-32 of `prefix` followed by `count` copies of `byte`, the run computed in closed form.
    static func adler32(_ prefix: [UInt8], thenRepeating byte: UInt8, count: Int) -> UInt32 {
        let modulus: UInt64 = 65521
        let start = TestChecksums.adler32(prefix)
        var a = UInt64(start & 0xFFFF)
        var b = UInt64(start >> 16)
        let n = UInt64(count) % modulus
        let v = UInt64(byte)
        // After n more bytes v: b += n·a + v·n(n+1)/2, a += n·v.
        let c = UInt64(count)
        let triangle =
            c % 2 == 0
            ? (c / 2 % modulus) * ((c + 1) % modulus) % modulus : (c % modulus) * ((c + 1) / 2 % modulus) % modulus
        b = (b + n * a + v * triangle) % modulus
        a = (a + n * v) % modulus
        return UInt32(b << 16 | a)
    }

    /// CRC-32 of `count` zero bytes.
    static func crc32(ofZeros count: Int) -> UInt32 {
        TestChecksums.crc32([UInt8](repeating: 0, count: count))
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        let n = data.count
        return [0x78, 0x01, 1, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8 & 0xFF)] + data
            + bigEndian(TestChecksums.adler32(data))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { TestChecksums.bigEndian(value) }
    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
}

import CardKitTestSupport
import Foundation

/// Builds PNG fixtures in test code, independently of the library: its own CRC-32, its own zlib streams (stored
/// blocks, and a fixed-Huffman run for decompression bombs), its own chunk parser.
enum PNGFixture {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    // MARK: - Checksums

    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 { TestChecksums.crc32(bytes) }

    static func adler32(_ bytes: [UInt8]) -> UInt32 { TestChecksums.adler32(bytes) }

    static func be32(_ value: UInt32) -> [UInt8] { TestChecksums.bigEndian(value) }

    // MARK: - zlib

    /// A valid zlib stream of stored (uncompressed) deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var position = 0
        repeat {
            let n = min(65535, data.count - position)
            let final: UInt8 = position + n == data.count ? 1 : 0
            out.append(final)
            out += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[position..<position + n]
            position += n
        } while position < data.count
        out += be32(adler32(data))
        return out
    }

    /// A zlib stream inflating to `1 + 258 * matches` bytes of "A" (fixed Huffman; the Adler-32 is not valid, the
    /// reader must stop at its limit long before).
    static func zlibBomb(matches: Int) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var bitBuffer: UInt64 = 0
        var bitCount = 0
        func bits(_ value: UInt32, _ count: Int) {  // LSB first
            bitBuffer |= UInt64(value) << UInt64(bitCount)
            bitCount += count
            while bitCount >= 8 {
                out.append(UInt8(bitBuffer & 0xFF))
                bitBuffer >>= 8
                bitCount -= 8
            }
        }
        func huffman(_ code: UInt32, _ count: Int) {  // Huffman codes go MSB first
            var reversed: UInt32 = 0
            for i in 0..<count where code & (1 << UInt32(i)) != 0 { reversed |= 1 << UInt32(count - 1 - i) }
            bits(reversed, count)
        }
        bits(1, 1)  // BFINAL
        bits(1, 2)  // fixed Huffman
        huffman(0x30 + 65, 8)  // literal 'A'
        for _ in 0..<matches {
            huffman(0xC0 + 5, 8)  // length code 285 = 258
            huffman(0, 5)  // distance code 0 = 1
        }
        huffman(0, 7)  // end of block
        if bitCount > 0 { out.append(UInt8(bitBuffer & 0xFF)) }
        out += [0, 0, 0, 0]
        return out
    }

    // MARK: - Chunks

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return be32(UInt32(data.count)) + typeBytes + data + be32(crc32(typeBytes + data))
    }

    static func ihdr(width: UInt32 = 2, height: UInt32 = 2) -> [UInt8] {
        chunk("IHDR", be32(width) + be32(height) + [8, 6, 0, 0, 0])
    }

    /// The image data of a `width`×`height` RGBA image, split into `parts` IDAT chunks.
    static func idat(width: Int = 2, height: Int = 2, parts: Int = 1) -> [UInt8] {
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)
            for x in 0..<width { raw += [UInt8(x * 60 & 0xFF), UInt8(y * 60 & 0xFF), 128, 255] }
        }
        let stream = zlibStored(raw)
        let size = (stream.count + parts - 1) / parts
        var out: [UInt8] = []
        var position = 0
        while position < stream.count {
            let end = min(stream.count, position + size)
            out += chunk("IDAT", Array(stream[position..<end]))
            position = end
        }
        return out
    }

    static let iend = chunk("IEND", [])

    static func base64(_ json: String) -> [UInt8] { Array(Data(json.utf8).base64EncodedString().utf8) }

    static func tEXt(_ keyword: String, _ text: [UInt8]) -> [UInt8] {
        chunk("tEXt", Array(keyword.utf8) + [0] + text)
    }

    static func zTXt(_ keyword: String, _ text: [UInt8]) -> [UInt8] {
        chunk("zTXt", Array(keyword.utf8) + [0, 0] + zlibStored(text))
    }

    static func iTXt(_ keyword: String, _ text: [UInt8], compressed: Bool) -> [UInt8] {
        let body = compressed ? zlibStored(text) : text
        return chunk("iTXt", Array(keyword.utf8) + [0, compressed ? 1 : 0, 0] + Array("en".utf8) + [0] + [0] + body)
    }

    /// A PNG: signature, IHDR, `before`, IDAT, `after`, IEND.
    static func png(before: [[UInt8]] = [], after: [[UInt8]] = [], idatParts: Int = 1) -> [UInt8] {
        signature + ihdr() + before.joined() + idat(parts: idatParts) + after.joined() + iend
    }

    // MARK: - Parsing

    struct Chunk: Equatable {
        var type: String
        var offset: Int
        var data: [UInt8]
        var whole: [UInt8]
    }

    static func chunks(_ png: [UInt8]) -> [Chunk] {
        var out: [Chunk] = []
        var p = 8
        while p + 12 <= png.count {
            let length = Int(
                UInt32(png[p]) << 24 | UInt32(png[p + 1]) << 16 | UInt32(png[p + 2]) << 8 | UInt32(png[p + 3])
            )
            let type = String(decoding: png[p + 4..<p + 8], as: UTF8.self)
            out.append(
                Chunk(
                    type: type,
                    offset: p,
                    data: Array(png[p + 8..<p + 8 + length]),
                    whole: Array(png[p..<p + 12 + length])
                )
            )
            p += 12 + length
            if type == "IEND" { break }
        }
        return out
    }

    /// The keyword of a text chunk.
    static func keyword(_ chunk: Chunk) -> String? {
        guard ["tEXt", "zTXt", "iTXt"].contains(chunk.type), let nul = chunk.data.firstIndex(of: 0) else { return nil }
        return String(decoding: chunk.data[..<nul], as: UTF8.self)
    }
}

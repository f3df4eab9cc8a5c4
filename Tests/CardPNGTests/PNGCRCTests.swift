@testable import CardPNG
import Testing

/// The accelerated CRC-32 must equal zlib's and an independent table CRC for every length and alignment.
@Suite struct PNGCRCTests {
    @Test func acceleratedCRCMatchesZlibAndATableCRC() {
        var state: UInt64 = 0x1234_5678
        var bytes = [UInt8](repeating: 0, count: 70_000)
        for i in bytes.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[i] = UInt8(truncatingIfNeeded: state >> 33)
        }
        var lengths = Array(0...300)
        lengths += [511, 512, 513, 1023, 4096, 8192, 8195, 65_536, 69_999]
        for length in lengths {
            for start in [0, 1, 7, 15] where start + length <= bytes.count {
                let slice = Array(bytes[start..<start + length])
                let fast = PNGChunkWalker.crc32(slice, zlib: false)
                #expect(fast == PNGChunkWalker.crc32(slice, zlib: true), "length \(length) start \(start)")
                if length < 1000 { #expect(fast == PNGFixture.crc32(slice)) }
            }
        }
        #expect(PNGChunkWalker.crc32(Array("IEND".utf8), zlib: false) == 0xAE42_6082)
    }
}

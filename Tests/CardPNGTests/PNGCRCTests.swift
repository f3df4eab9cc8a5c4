import Testing

@testable import CardPNG

/// Every CRC engine (zlib, PCLMULQDQ, AVX-512 VPCLMULQDQ where the CPU has them) must give zlib's CRC-32 for every
/// length and alignment.
@Suite struct PNGCRCTests {
    static let bytes: [UInt8] = {
        var state: UInt64 = 0x1234_5678
        return (0..<70_000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }()

    @Test(arguments: [1, 2])
    func acceleratedEnginesMatchZlibAndATableCRC(engine: Int) {
        var lengths = Array(0...600)
        lengths += [1023, 1024, 1040, 4096, 8192, 8195, 65_536, 69_000]
        for length in lengths {
            for start in [0, 1, 15] where start + length <= Self.bytes.count {
                let slice = Array(Self.bytes[start..<start + length])
                let fast = PNGChunkWalker.crc32(slice, engine: engine)
                #expect(fast == PNGChunkWalker.crc32(slice, engine: 0), "length \(length) start \(start)")
                if length < 700 { #expect(fast == PNGFixture.crc32(slice), "length \(length) start \(start)") }
            }
        }
        #expect(PNGChunkWalker.crc32(Array("IEND".utf8), engine: engine) == 0xAE42_6082)
    }
}

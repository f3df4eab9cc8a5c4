import Foundation
import Testing

@testable import CardPNG

/// Every CRC engine of `CCRC32` (zlib, PCLMULQDQ, AVX-512 VPCLMULQDQ where the CPU has them) must give zlib's
/// CRC-32 and a table CRC written in the tests for every length, alignment and starting CRC.
@Suite struct PNGCRCTests {
    static let bytes: [UInt8] = {
        var state: UInt64 = 0x1234_5678
        return (0..<70_000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }()

    static let accelerated: [CRC32Checksum.Engine] = [.pclmul, .vpclmul]

    @Test(arguments: accelerated)
    func acceleratedEnginesMatchZlibAndATableCRC(engine: CRC32Checksum.Engine) {
        var lengths = Array(0...600)
        lengths += [1023, 1024, 1040, 4095, 4096, 4097, 8192, 8195, 65_535, 65_536, 65_537, 69_000]
        for length in lengths {
            for start in [0, 1, 15] where start + length <= Self.bytes.count {
                let slice = Array(Self.bytes[start..<start + length])
                let fast = CRC32Checksum.compute(slice, engine: engine)
                #expect(fast == CRC32Checksum.compute(slice, engine: .zlib), "length \(length) start \(start)")
                if length < 700 || length % 4096 == 0 {
                    #expect(fast == PNGFixture.crc32(slice), "length \(length) start \(start)")
                }
            }
        }
    }

    /// Known check values: the CRC-32 catalogue's "123456789", PNG's IEND chunk, and zero-filled buffers (zlib's
    /// `crc32` of 4 KiB and 1 MiB of zeros).
    @Test(arguments: [CRC32Checksum.Engine.zlib] + accelerated)
    func knownVectors(engine: CRC32Checksum.Engine) {
        #expect(CRC32Checksum.compute(Array("123456789".utf8), engine: engine) == 0xCBF4_3926)
        #expect(CRC32Checksum.compute(Array("IEND".utf8), engine: engine) == 0xAE42_6082)
        #expect(CRC32Checksum.compute([UInt8](), engine: engine) == 0)
        #expect(CRC32Checksum.compute([UInt8](repeating: 0, count: 4096), engine: engine) == 0xC71C_0011)
        #expect(CRC32Checksum.compute([UInt8](repeating: 0, count: 1 << 20), engine: engine) == 0xA738_EA1C)
    }

    /// Checksumming in pieces (`continuing:`) gives the checksum of the whole, wherever the data is split.
    @Test(arguments: [CRC32Checksum.Engine.zlib] + accelerated)
    func continuingMatchesTheWhole(engine: CRC32Checksum.Engine) {
        let data = Array(Self.bytes[0..<5000])
        let whole = CRC32Checksum.compute(data, engine: .zlib)
        for split in [0, 1, 63, 64, 65, 255, 256, 257, 1000, 4096, 4999, 5000] {
            let head = CRC32Checksum.compute(Array(data[..<split]), engine: engine)
            let both = CRC32Checksum.compute(Array(data[split...]), continuing: head, engine: engine)
            #expect(both == whole, "split \(split)")
        }
    }

    /// The public entry point uses the best engine and agrees with zlib's; the best engine is never above what the
    /// CPU has.
    @Test func publicEntryPointMatchesZlib() {
        let data = Array(Self.bytes[3..<69_000])
        #expect(CRC32Checksum.compute(data) == CRC32Checksum.compute(data, engine: .zlib))
        #expect(CRC32Checksum.compute(Data(data)) == PNGFixture.crc32(data))
        #expect(CRC32Checksum.Engine.allCases.contains(CRC32Checksum.bestEngine))
    }
}

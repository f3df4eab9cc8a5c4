import CardKitJSON
import Testing

/// The scans check eight bytes at a time; each must answer exactly what a byte loop answers, for every byte value at
/// every position of many words, from starts that are not word-aligned, with and without a non-ASCII byte before or
/// after the byte found.
@Suite struct JSONByteScanTests {
    static let length = 140

    /// The byte loop the string scan stands for.
    static func reference(_ bytes: [UInt8], from start: Int, stopAt: (UInt8) -> Bool) -> (end: Int, nonASCII: Bool) {
        var index = start
        var nonASCII = false
        while index < bytes.count, !stopAt(bytes[index]) {
            if bytes[index] >= 0x80 { nonASCII = true }
            index += 1
        }
        return (index, nonASCII)
    }

    static func isSpecial(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x22 || byte == 0x5C }

    @Test(arguments: 0..<0x100)
    func stringScanStopsWhereAByteLoopStops(_ value: Int) {
        for position in 0..<Self.length {
            for nonASCIIAt in [nil, 0, position - 1, position + 1, Self.length - 1] {
                var bytes = Array(repeating: UInt8(ascii: "a"), count: Self.length)
                if let nonASCIIAt, bytes.indices.contains(nonASCIIAt) { bytes[nonASCIIAt] = 0xC3 }
                bytes[position] = UInt8(value)
                for start in [0, 1, 7, 13] where start <= position {
                    bytes.withUnsafeBufferPointer { buffer in
                        let base = buffer.baseAddress!
                        let place = "value \(value) at \(position), non-ASCII at \(nonASCIIAt ?? -1), from \(start)"
                        let plain = JSONByteScan.plainStringRun(base, from: start, to: bytes.count)
                        let expected = Self.reference(bytes, from: start, stopAt: Self.isSpecial)
                        #expect(plain.end == expected.end, "\(place)")
                        #expect(plain.hasNonASCII == expected.nonASCII, "\(place)")
                    }
                }
            }
        }
    }

    /// The word-at-a-time comparison finds a differing byte at every position, from unaligned starts.
    @Test(arguments: [0, 1, 7, 8, 9, 16, 23, 40])
    func equalFindsEveryDifference(_ length: Int) {
        let first = (0..<length + 3).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        for offset in 0..<3 where offset + length <= first.count {
            let slice = Array(first[offset..<offset + length])
            first.withUnsafeBufferPointer { whole in
                let a = UnsafeBufferPointer(rebasing: whole[offset..<offset + length])
                slice.withUnsafeBufferPointer { b in #expect(JSONByteScan.equal(a, b)) }
                for position in 0..<length {
                    var changed = slice
                    changed[position] ^= 0x40
                    changed.withUnsafeBufferPointer { b in
                        #expect(!JSONByteScan.equal(a, b), "\(position) of \(length)")
                    }
                }
            }
        }
    }
}

/// Word-at-a-time byte tests for JSON text: eight bytes are checked at once with integer arithmetic (the "SWAR"
/// tricks of Bit Twiddling Hacks), so long runs of plain string bytes cost about a read of them.
///
/// Each test answers exactly whether any byte of the word qualifies; the caller then finds which byte one at a time.
/// (The stdlib's generic `SIMD` operations were measured 40× slower than a byte loop here: they did not specialize.)
package enum JSONByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether a byte of `word` is below `limit` (at most 128).
    @inline(__always)
    private static func hasByte(below limit: UInt8, in word: UInt64) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highBits != 0
    }

    /// Whether a byte of `word` equals `byte`.
    @inline(__always)
    private static func hasByte(_ byte: UInt8, in word: UInt64) -> Bool {
        hasByte(below: 1, in: word ^ (ones &* UInt64(byte)))
    }

    /// Whether a byte of `word` is a quote, a backslash or a control character: one a JSON string cannot hold raw.
    @inline(__always)
    private static func hasSpecialByte(_ word: UInt64) -> Bool {
        hasByte(below: 0x20, in: word) || hasByte(0x22, in: word) || hasByte(0x5C, in: word)
    }

    /// The index of the first byte in `start..<end` that is a quote, a backslash or a control character (`end` if
    /// none), and whether a byte before it is non-ASCII.
    package static func plainStringRun(
        _ base: UnsafePointer<UInt8>, from start: Int, to end: Int
    ) -> (end: Int, hasNonASCII: Bool) {
        var index = start
        var high: UInt64 = 0
        while index + 8 <= end {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if hasSpecialByte(word) { break }
            high |= word
            index += 8
        }
        var nonASCII = high & highBits != 0
        while index < end {
            let byte = base[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { break }
            if byte >= 0x80 { nonASCII = true }
            index += 1
        }
        return (index, nonASCII)
    }

    /// Whether two buffers of the same length hold the same bytes, compared eight at a time.
    package static func equal(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Bool {
        precondition(first.count == second.count, "JSONByteScan.equal needs buffers of one length")
        guard let a = first.baseAddress, let b = second.baseAddress, a != b else { return true }
        var index = 0
        while index + 8 <= first.count {
            let wordA = UnsafeRawPointer(a + index).loadUnaligned(as: UInt64.self)
            let wordB = UnsafeRawPointer(b + index).loadUnaligned(as: UInt64.self)
            if wordA != wordB { return false }
            index += 8
        }
        while index < first.count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }
}

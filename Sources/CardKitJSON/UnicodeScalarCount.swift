extension String {
    /// The number of Unicode scalars, as `unicodeScalars.count` gives it, counted from the UTF-8 bytes eight at a
    /// time: every scalar has exactly one byte that is not a continuation byte (`10xxxxxx`).
    ///
    /// `unicodeScalars.count` decodes each scalar; card text is counted this way on every conversion (platform
    /// limits are in scalars), where the decode showed in the profile.
    package var unicodeScalarCount: Int {
        var string = self
        return string.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return 0 }
            let high: UInt64 = 0x8080_8080_8080_8080
            var continuations = 0
            var index = 0
            while index + 8 <= utf8.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                // A continuation byte has its top bit set and the next one clear.
                continuations += (word & ~(word << 1) & high).nonzeroBitCount
                index += 8
            }
            while index < utf8.count {
                if base[index] & 0xC0 == 0x80 { continuations += 1 }
                index += 1
            }
            return utf8.count - continuations
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Substring search over UTF-8 bytes: `memchr` finds each candidate first byte, `memcmp` checks it.
///
/// For searches that run over many texts per request (the gallery of `cardkit serve`, the fakes' `search=`), where
/// Swift's `String.contains`, which compares `Character`s, costs a hundred times more. Both sides must already be in
/// the same form (lower-cased, say): bytes are compared as they are. Glibc's `memmem` is not visible to Swift.
package enum ByteSearch {
    /// Whether `needle`'s UTF-8 occurs in `haystack`; an empty needle occurs everywhere.
    package static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        // A native string's UTF-8 is contiguous, so this does not copy; a bridged one is copied once.
        if let found = needle.utf8.withContiguousStorageIfAvailable({ contains(haystack, $0) }) { return found }
        return Array(needle.utf8).withUnsafeBufferPointer { contains(haystack, $0) }
    }

    /// Whether `needle` occurs in `haystack`; an empty needle occurs everywhere.
    package static func contains(_ haystack: [UInt8], _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first, let needleStart = needle.baseAddress else { return true }
        return haystack.withUnsafeBytes { hay in
            guard let hayStart = hay.baseAddress, hay.count >= needle.count else { return false }
            let lastStart = hay.count - needle.count
            var offset = 0
            while offset <= lastStart {
                guard let hit = memchr(hayStart + offset, Int32(first), lastStart - offset + 1) else { return false }
                if memcmp(hit, needleStart, needle.count) == 0 { return true }
                offset = hayStart.distance(to: UnsafeRawPointer(hit)) + 1
            }
            return false
        }
    }
}

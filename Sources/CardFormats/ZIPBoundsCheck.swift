import Foundation

/// Checks that every offset ZIPFoundation will seek to lies inside the archive's bytes, before the archive is
/// opened from memory.
///
/// ZIPFoundation's in-memory archive (`Archive(data:accessMode:)`) lets a seek go past the end of its buffer and
/// then traps on the next read ("Range requires lowerBound <= upperBound" in `Archive.MemoryFile.readData`), so a
/// truncated or forged archive would crash the process instead of failing. Found by `Fuzz/charx` and `Fuzz/card`
/// (fixtures `Tests/HardeningTests/Fixtures/charx-central-directory-past-end.charx` and
/// `card-central-directory-past-end.charx`).
///
/// The positions checked are those ZIPFoundation reads at: the ZIP64 end-of-central-directory record, the
/// central directory, and for each entry its local header, its data and its data descriptor (ZIP64 sizes and
/// offsets taken from the entry's ZIP64 extra field).
enum ZIPBoundsCheck {
    /// Returns why the archive cannot be read safely, or nil when it has an end-of-central-directory record near
    /// its end, every position ZIPFoundation will read at is inside `data` and (with `refusingOverlaps`) no two entries
    /// overlap.
    ///
    /// The sniffer only lists entries, which is safe with overlapping ones, so it passes `refusingOverlaps: false` and lets
    /// the reader refuse the archive with its reason.
    static func problem(in data: Data, maxEntries: Int, refusingOverlaps: Bool = true) -> String? {
        let bytes = [UInt8](data)
        let count = UInt64(bytes.count)
        guard bytes.count >= 22 else { return "no end-of-central-directory record (\(count) bytes)" }
        // The end-of-central-directory record ZIPFoundation uses: the last signature, scanning back from 22 bytes
        // before the end. It sits within the last 22 + 65,535 bytes (the longest archive comment) of any valid
        // archive; ZIPFoundation would search the whole buffer, one seek and one buffered read per byte (seconds per
        // megabyte), so a large file without one is refused here.
        var candidate = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xFFFF)
        while candidate >= lowest {
            if u32(bytes, candidate) == 0x0605_4B50 {
                return checkDirectory(
                    bytes, count: count, eocd: candidate, maxEntries: maxEntries, refusingOverlaps: refusingOverlaps)
            }
            candidate -= 1
        }
        return "no end-of-central-directory record in the last \(bytes.count - lowest) bytes (\(count) bytes)"
    }

    private static func checkDirectory(
        _ bytes: [UInt8], count: UInt64, eocd: Int, maxEntries: Int, refusingOverlaps: Bool
    ) -> String? {
        var entries = UInt64(u16(bytes, eocd + 10))
        var directorySize = UInt64(u32(bytes, eocd + 12))
        var directoryOffset = UInt64(u32(bytes, eocd + 16))
        // ZIP64: ZIPFoundation reads the locator just before the end record and the ZIP64 record just before the
        // locator, and then takes the directory's position from that record.
        if eocd > 20 + 56, u32(bytes, eocd - 20) == 0x0706_4B50, u32(bytes, eocd - 76) == 0x0606_4B50 {
            let at = eocd - 76
            entries = u64(bytes, at + 32)
            directorySize = u64(bytes, at + 40)
            directoryOffset = u64(bytes, at + 48)
        }
        guard directoryOffset <= count, directorySize <= count - directoryOffset else {
            return
                "the central directory (offset \(directoryOffset), \(directorySize) bytes) is past the end (\(count) bytes)"
        }
        var position = directoryOffset
        var spans: [(start: UInt64, end: UInt64, index: UInt64)] = []
        for index in 0..<min(entries, UInt64(maxEntries) + 1) {
            guard position <= count, count - position >= 46, u32(bytes, Int(position)) == 0x0201_4B50 else {
                break
            }
            let at = Int(position)
            let flags = u16(bytes, at + 8)
            let method = u16(bytes, at + 10)
            let compressed32 = UInt64(u32(bytes, at + 20))
            let uncompressed32 = UInt64(u32(bytes, at + 24))
            let nameLength = UInt64(u16(bytes, at + 28))
            let extraLength = UInt64(u16(bytes, at + 30))
            let commentLength = UInt64(u16(bytes, at + 32))
            let disk = u16(bytes, at + 34)
            let localHeader32 = UInt64(u32(bytes, at + 42))
            // The values ZIPFoundation uses: a ZIP64 value when its extended information parses and is non-zero,
            // else the 32-bit field.
            let extraStart = Int(min(position + 46 + nameLength, count))
            let extraEnd = Int(min(position + 46 + nameLength + extraLength, count))
            let zip64 = zip64Information(
                Array(bytes[extraStart..<extraEnd]), uncompressed: uncompressed32, compressed: compressed32,
                localHeader: localHeader32, disk: disk)
            let uncompressed = zip64.map { $0.uncompressed > 0 ? $0.uncompressed : uncompressed32 } ?? uncompressed32
            let compressed = zip64.map { $0.compressed > 0 ? $0.compressed : compressed32 } ?? compressed32
            let localHeader = zip64.map { $0.localHeader > 0 ? $0.localHeader : localHeader32 } ?? localHeader32
            guard localHeader <= count, count - localHeader >= 30 else {
                return "entry \(index): the local header at \(localHeader) is past the end (\(count) bytes)"
            }
            let dataStart =
                localHeader + 30 + UInt64(u16(bytes, Int(localHeader) + 26)) + UInt64(u16(bytes, Int(localHeader) + 28))
            guard dataStart <= count else {
                return "entry \(index): its data at \(dataStart) starts past the end (\(count) bytes)"
            }
            let stored = method == 0 ? uncompressed : compressed
            spans.append((localHeader, dataStart + min(stored, count - dataStart), index))
            if flags & 0x0008 != 0 {
                guard stored <= count - dataStart else {
                    return
                        "entry \(index): its data descriptor at \(dataStart) + \(stored) is past the end (\(count) bytes)"
                }
            }
            position += 46 + nameLength + extraLength + commentLength
            guard position <= count || index + 1 >= entries else {
                return
                    "entry \(index + 1): its central directory record at \(position) is past the end (\(count) bytes)"
            }
        }
        return refusingOverlaps ? overlap(in: spans) : nil
    }

    /// Refuses entries whose bytes (local header through stored data) overlap: a real archive stores each entry
    /// once, while a bomb points many central entries at one local header (64 KB with 1,070 entries sharing one
    /// made `inspect` use 1.08 GB and `extract` write 1.1 GB).
    private static func overlap(in spans: [(start: UInt64, end: UInt64, index: UInt64)]) -> String? {
        let sorted = spans.sorted { ($0.start, $0.index) < ($1.start, $1.index) }
        guard var previous = sorted.first else { return nil }
        for span in sorted.dropFirst() {
            if span.start < previous.end {
                let what =
                    span.start == previous.start
                    ? "shares its local header at byte \(span.start) with entry \(previous.index)"
                    : "its local header at byte \(span.start) is inside entry \(previous.index) "
                        + "(bytes \(previous.start)..<\(previous.end))"
                return "entry \(span.index): \(what) (overlapping entries: a zip bomb)"
            }
            if span.end > previous.end { previous = span }
        }
        return nil
    }

    /// ZIPFoundation's reading of an entry's ZIP64 extended information (`scanForZIP64Field`): the first
    /// well-formed extra field with tag 1, holding exactly 8 bytes for each 32-bit size or offset that is 0xFFFFFFFF
    /// (and 4 for a disk number of 0xFFFF), in that order; nil when there is none or its size does not match.
    private static func zip64Information(
        _ extra: [UInt8], uncompressed: UInt64, compressed: UInt64, localHeader: UInt64, disk: UInt16
    ) -> (uncompressed: UInt64, compressed: UInt64, localHeader: UInt64)? {
        var offset = 0
        while offset < extra.count - 4 {
            let tag = u16(extra, offset)
            let size = Int(u16(extra, offset + 2))
            let next = offset + 4 + size
            guard next <= extra.count else { return nil }
            if tag == 0x0001 {
                let present = [uncompressed == 0xFFFF_FFFF, compressed == 0xFFFF_FFFF, localHeader == 0xFFFF_FFFF]
                let expected = present.filter { $0 }.count * 8 + (disk == 0xFFFF ? 4 : 0)
                guard size == expected else { return nil }
                var field = offset + 4
                var values: [UInt64] = []
                for isPresent in present {
                    if isPresent {
                        values.append(u64(extra, field))
                        field += 8
                    } else {
                        values.append(0)
                    }
                }
                return (values[0], values[1], values[2])
            }
            offset = next
        }
        return nil
    }

    private static func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        guard at >= 0, at + 2 <= bytes.count else { return 0 }
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { return 0 }
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3])
            << 24
    }

    private static func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        guard at >= 0, at + 8 <= bytes.count else { return UInt64.max }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
        return value
    }
}

import CardKitJSON

/// A set of property names that finds a member's name by its UTF-8 bytes instead of by hashing it (internal).
///
/// The evaluator looks every member of every object instance up in its schema's `properties`, and the names of a
/// small object up in `required`: a lorebook of 5,000 twelve-member entries asks 60,000 times per card.
/// `Dictionary<String, Int>` runs SipHash over each key. This table reads a plain-ASCII key's first 16 bytes as two
/// words, mixes them with its length into a slot of a small open-addressed table, and compares the words; only the
/// bytes of a longer name past the sixteenth are compared one by one.
///
/// Byte equality is `String` equality only for ASCII: a key spelled with U+212A KELVIN SIGN equals `K` under
/// canonical equivalence. So a key with a byte above 0x7F, and every key when one of the names is not plain ASCII,
/// is looked up in a `Dictionary`, which gives exactly Swift's answer.
///
/// A class, so that the evaluator's `switch` over a keyword copies one reference, not four.
final class PropertyNameTable: Sendable {
    /// One name: its length (0 for an empty slot, so the empty name is kept in ``emptyNameValue``), the first 16
    /// bytes as two little-endian words (zero-padded), the index of its bytes past the sixteenth in ``tails``, and
    /// its value.
    private struct Slot: Sendable {
        var length = 0
        var head0: UInt64 = 0
        var head1: UInt64 = 0
        var tail = -1
        var value = 0
    }

    private let slots: [Slot]
    /// How far a mixed hash is shifted right to give a slot index (64 minus log2 of the slot count).
    private let shift: UInt64
    private let tails: [[UInt8]]
    private let emptyNameValue: Int?
    /// Every name, for keys the bytes cannot decide.
    private let byName: [String: Int]
    /// Whether every name is plain ASCII, so that bytes decide for every ASCII key.
    private let bytewise: Bool

    /// The number of names.
    var count: Int { byName.count }

    /// A table of `pairs`; a later duplicate name replaces the value of an earlier one.
    init(_ pairs: some Sequence<(String, Int)>) {
        var byName: [String: Int] = [:]
        for (name, value) in pairs { byName[name] = value }
        self.byName = byName
        bytewise = byName.keys.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } }
        var bits: UInt64 = 2
        while (1 << bits) < 2 * byName.count { bits += 1 }
        shift = 64 - bits
        var slots = [Slot](repeating: Slot(), count: 1 << bits)
        var tails: [[UInt8]] = []
        var emptyNameValue: Int?
        if bytewise {
            for (name, value) in byName {
                let bytes = Array(name.utf8)
                guard !bytes.isEmpty else {
                    emptyNameValue = value
                    continue
                }
                let (head0, head1) = bytes.withUnsafeBufferPointer { Self.heads(of: $0) }
                var index = Self.slotIndex(length: bytes.count, head0, head1, shift: shift)
                while slots[index].length != 0 { index = (index + 1) & (slots.count - 1) }
                var tail = -1
                if bytes.count > 16 {
                    tail = tails.count
                    tails.append(Array(bytes[16...]))
                }
                slots[index] = Slot(length: bytes.count, head0: head0, head1: head1, tail: tail, value: value)
            }
        }
        self.slots = slots
        self.tails = tails
        self.emptyNameValue = emptyNameValue
    }

    /// The value of the name equal to `key` (as `String`s compare), or `nil`.
    @inline(__always)
    func value(for key: String) -> Int? {
        guard bytewise else { return byName[key] }
        switch key.utf8.withContiguousStorageIfAvailable({ lookUp($0) }) {
        case .some(.found(let value)): return value
        case .some(.absent): return nil
        case .some(.undecided), nil: return byName[key]
        }
    }

    private enum Answer {
        case found(Int)
        case absent
        /// The key is not plain ASCII: only `String` comparison can decide.
        case undecided
    }

    private func lookUp(_ key: UnsafeBufferPointer<UInt8>) -> Answer {
        guard !key.isEmpty else { return emptyNameValue.map(Answer.found) ?? .absent }
        let (head0, head1) = Self.heads(of: key)
        if (head0 | head1) & 0x8080_8080_8080_8080 != 0 { return .undecided }
        return slots.withUnsafeBufferPointer { slots -> Answer in
            var index = Self.slotIndex(length: key.count, head0, head1, shift: shift)
            while true {
                let slot = slots[index]
                if slot.length == 0 { break }
                if slot.length == key.count, slot.head0 == head0, slot.head1 == head1,
                    slot.tail < 0 || Self.tail(tails[slot.tail], equals: key)
                {
                    return .found(slot.value)
                }
                index = (index + 1) & (slots.count - 1)
            }
            // No ASCII name has these bytes; a longer key with a non-ASCII byte past the sixteenth may still equal one.
            if key.count > 16, key[16...].contains(where: { $0 >= 0x80 }) { return .undecided }
            return .absent
        }
    }

    /// Whether `key`'s bytes past the sixteenth are `tail`.
    private static func tail(_ tail: [UInt8], equals key: UnsafeBufferPointer<UInt8>) -> Bool {
        tail.withUnsafeBufferPointer { JSONByteScan.equal($0, UnsafeBufferPointer(rebasing: key[16...])) }
    }

    /// The first 16 bytes of `bytes` as two little-endian words, zero-padded.
    ///
    /// Read with whole-word loads that stay inside the buffer: a word that would run past the end is loaded so that
    /// it ends at the last byte, and shifted down to drop the bytes already in the word before it.
    @inline(__always)
    private static func heads(of bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        guard let base = bytes.baseAddress else { return (0, 0) }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        func word(at offset: Int) -> UInt64 {
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        if count >= 16 { return (word(at: 0), word(at: 8)) }
        if count >= 8 { return (word(at: 0), word(at: count - 8) >> UInt64(8 * (16 - count))) }
        if count >= 4 {
            func half(at offset: Int) -> UInt64 {
                UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            }
            return (half(at: 0) | (half(at: count - 4) >> UInt64(8 * (8 - count))) << 32, 0)
        }
        var head: UInt64 = 0
        for index in 0..<count { head |= UInt64(base[index]) << UInt64(8 * index) }
        return (head, 0)
    }

    @inline(__always)
    private static func slotIndex(length: Int, _ head0: UInt64, _ head1: UInt64, shift: UInt64) -> Int {
        let mixed = (head0 &* 0x9E37_79B9_7F4A_7C15) ^ (head1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length)
        return Int(truncatingIfNeeded: (mixed &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
}

import CardKitJSON

/// Deterministic `id:<uuid>` correlation ids for Character.AI bodies (internal).
///
/// PyCharacterAI sends a random UUID4; CardKit derives the UUID from the source document instead (two
/// 64-bit FNV-1a hashes of its compact JSON, formatted as an RFC 9562 version 8 UUID), so converting the same
/// card twice gives the same id and golden files stay stable.
enum StableIdentifier {
    static func make(for value: JSONValue) -> String {
        let bytes = JSONWriter.bytes(value)
        var high: UInt64 = 0xcbf2_9ce4_8422_2325
        var low: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in bytes {
            high = (high ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            low = (low ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3
        }
        high = (high & ~0xf000) | 0x8000  // version 8
        low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000  // RFC variant
        let hex = hexString(high) + hexString(low)
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
            hex.dropFirst(20),
        ]
        return "id:" + parts.joined(separator: "-")
    }

    private static func hexString(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

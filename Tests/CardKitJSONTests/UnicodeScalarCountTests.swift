import Testing

@testable import CardKitJSON

/// `unicodeScalarCount` (counted from UTF-8 bytes, eight at a time) agrees with `unicodeScalars.count`.
@Suite struct UnicodeScalarCountTests {
    static let pieces = ["a", "é", "爱", "😀", "👩‍🚀", "e\u{301}", "\u{0}", "\u{7F}", "\u{80}", "\u{10FFFF}", "\r\n"]

    /// Every piece at every offset of a string of up to 40 scalars: both loops and every byte position of a word.
    @Test(arguments: pieces)
    func countAgreesAtEveryOffset(_ piece: String) {
        for prefixLength in 0..<17 {
            for suffixLength in [0, 1, 7, 8, 9, 23] {
                let text =
                    String(repeating: "x", count: prefixLength) + piece + String(repeating: "yé", count: suffixLength)
                #expect(
                    text.unicodeScalarCount == text.unicodeScalars.count, "\(prefixLength) + \(piece) + \(suffixLength)"
                )
            }
        }
    }

    @Test func countsOfKnownStrings() {
        #expect("".unicodeScalarCount == 0)
        #expect("Mireille 세계 👩‍🚀 #1".unicodeScalarCount == 18)  // the astronaut is three scalars
        #expect(String(repeating: "爱", count: 1000).unicodeScalarCount == 1000)
        // A bridged or shared string is counted through its UTF-8 view too.
        let substring = "abc😀def"[...]
        #expect(String(substring).unicodeScalarCount == 7)
    }
}

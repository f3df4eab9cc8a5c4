import CardKitTestSupport
import CardModel
import Foundation
import Testing

@testable import CardPNG

/// Issue 18, the PNG reader: base64 padded with whitespace is decoded in linear time, and the no-card message stays
/// short whatever the number of text chunks.
@Suite struct PNGResourceTests {
    /// A 261 KB PNG whose zTXt inflates to 40 MiB of spaces around the base64 took 49 s.
    @Test func base64PaddedWithFortyMebibytesOfSpacesReadsQuickly() throws {
        let png = ResourceBombs.spacePaddedBase64PNG(spaces: 40 << 20)
        #expect(png.count < 300_000)
        let clock = ContinuousClock()
        var result: PNGCardReadResult?
        let elapsed = try clock.measure { result = try PNGCardReader.read(png) }
        let read = try #require(result)
        #expect(read.json == Array(ResourceBombs.smallCard.utf8))
        #expect(read.diagnostics.map(\.code).contains(.pngBase64Whitespace))
        // A generous hang bound (the quadratic-looking cost was a per-byte option-set insert).
        #expect(elapsed < TestSanitizer.scaled(.seconds(20)), "\(elapsed)")
    }

    @Test func whitespaceRunsAreSkippedOnTheGeneralPath() throws {
        let text = Array("  Zm9v \n\t YmFy  \r\n".utf8)
        let decoded = try text.withUnsafeBytes { try PNGBase64.decode($0) }
        #expect(decoded.bytes == Array("foobar".utf8))
        #expect(decoded.leniencies == .whitespace)
    }

    /// 100,000 text chunks made the no-card message 789 KB: it lists 20 and counts the rest.
    @Test func theNoCardMessageListsTwentyKeywords() {
        let png = ResourceBombs.manyKeywordsPNG(count: 100_000)
        let listed = (0..<20).map { "k\($0)" }.joined(separator: ", ")
        #expect {
            try PNGCardReader.read(png)
        } throws: { error in
            guard case .noCard(let keywords)? = error as? PNGCardError else { return false }
            return keywords.count == 100_000
                && "\(error)"
                    == "no card in this PNG: no 'chara' or 'ccv3' text chunk (text chunks: \(listed), and 99980 more)"
        }
        #expect(
            PNGCardError.noCard(textKeywords: ["Comment", "Software"]).description
                == "no card in this PNG: no 'chara' or 'ccv3' text chunk (text chunks: Comment, Software)")
    }
}

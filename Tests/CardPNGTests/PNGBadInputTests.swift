import CardKitTestSupport
import CardModel
import CardPNG
import Foundation
import Testing

/// Every bad-input case ends in one exact ``PNGCardError`` (kind and offset), never a crash.
@Suite struct PNGBadInputTests {
    static let card = PNGFixture.tEXt("chara", PNGFixture.base64(#"{"name":"Bad"}"#))
    /// Offset of the first chunk after IHDR.
    static let afterIHDR = 33

    @Test(
        arguments: [
            ([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46], "JPEG"),
            (Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), "WebP"),
            (Array("GIF89a\u{1}\u{0}\u{1}\u{0}".utf8), "GIF"),
            ([0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 8, 0], "ZIP (CharX?)"),
            (Array(#"  {"name": "json"}"#.utf8), "JSON"),
        ] as [([UInt8], String)]
    )
    func namesWhatANonPNGLooksLike(bytes: [UInt8], kind: String) {
        #expect(throws: PNGCardError.notPNG(looksLike: kind)) { try PNGCardReader.read(bytes) }
        #expect(PNGCardError.notPNG(looksLike: kind).description == "not a PNG: looks like \(kind)")
    }

    @Test func truncationAtEveryByteGivesTheExactChunkAndOffset() throws {
        let png = PNGFixture.png(before: [Self.card], after: [PNGFixture.tEXt("Title", Array("t".utf8))], idatParts: 2)
        let chunks = PNGFixture.chunks(png)
        #expect(try PNGCardReader.read(png).selected.location.offset == Self.afterIHDR)
        for cut in 0..<png.count {
            let prefix = Array(png[..<cut])
            let expected: PNGCardError
            if cut == 0 {
                expected = .notPNG(looksLike: "an empty file")
            } else if cut < 8 {
                expected = .truncated(chunkType: nil, offset: 0, needed: 8, available: cut)
            } else {
                let chunk = try #require(chunks.last { $0.offset <= cut })
                if cut == chunk.offset {
                    expected = .truncated(chunkType: nil, offset: cut, needed: 0, available: 0)
                } else if cut - chunk.offset < 8 {
                    expected = .truncated(
                        chunkType: nil,
                        offset: chunk.offset,
                        needed: 8,
                        available: cut - chunk.offset
                    )
                } else {
                    expected = .truncated(
                        chunkType: chunk.type,
                        offset: chunk.offset,
                        needed: chunk.whole.count,
                        available: cut - chunk.offset
                    )
                }
            }
            #expect(throws: expected, "cut at \(cut)") { try PNGCardReader.read(prefix) }
        }
    }

    @Test func badCRCIsAnErrorByDefaultAndAWarningWhenLenient() throws {
        var png = PNGFixture.png(after: [Self.card])
        let chunk = try #require(PNGFixture.chunks(png).first { $0.type == "tEXt" })
        let crcAt = chunk.offset + chunk.whole.count - 1
        let good = PNGFixture.crc32(chunk.whole[4..<chunk.whole.count - 4])
        png[crcAt] ^= 0xFF
        let stored = good ^ 0xFF
        #expect(throws: PNGCardError.badCRC(chunkType: "tEXt", offset: chunk.offset, stored: stored, computed: good)) {
            try PNGCardReader.read(png)
        }
        let lenient = try PNGCardReader.read(png, options: .lenient)
        #expect(String(decoding: lenient.json, as: UTF8.self) == #"{"name":"Bad"}"#)
        #expect(lenient.diagnostics.contains { $0.code == .pngBadCRC && $0.offset == chunk.offset })

        // libpng drops a text chunk with a bad CRC: the full check says so instead of "no card".
        let check = try PNGImageCheck.check(png, options: .lenient, decodeImage: false)
        #expect(check.diagnostics.contains { $0.code == .pngLibPNGDroppedText && $0.offset == chunk.offset })
        // And the strict libpng path rejects it outright.
        #expect(throws: PNGCardError.self) { try PNGImageCheck.check(png, decodeImage: true) }
    }

    @Test func badIDATCRCIsAnError() throws {
        var png = PNGFixture.png(after: [Self.card])
        let idat = try #require(PNGFixture.chunks(png).first { $0.type == "IDAT" })
        png[idat.offset + 9] ^= 0x01
        #expect(throws: PNGCardError.self) { try PNGCardReader.read(png) }
        do {
            _ = try PNGCardReader.read(png)
        } catch {
            guard case .badCRC(let type, let offset, _, _) = error else {
                Issue.record("expected badCRC, got \(error)")
                return
            }
            #expect(type == "IDAT")
            #expect(offset == idat.offset)
        }
    }

    @Test func lengthAbove2To31IsRejected() {
        let bogus = PNGFixture.be32(0x8000_0000) + Array("tEXt".utf8) + [0, 0, 0, 0]
        let png = PNGFixture.signature + PNGFixture.ihdr() + bogus + PNGFixture.iend
        #expect(
            throws: PNGCardError.chunkLengthTooLarge(chunkType: "tEXt", offset: Self.afterIHDR, length: 0x8000_0000)
        ) {
            try PNGCardReader.read(png)
        }
    }

    @Test func lengthPastTheEndIsATruncation() {
        let bogus = PNGFixture.be32(100_000) + Array("tEXt".utf8) + Array("chara\0AAAA".utf8)
        let png = PNGFixture.signature + PNGFixture.ihdr() + bogus
        #expect(
            throws: PNGCardError.truncated(
                chunkType: "tEXt",
                offset: Self.afterIHDR,
                needed: 100_012,
                available: bogus.count
            )
        ) {
            try PNGCardReader.read(png)
        }
    }

    @Test func zTXtDecompressionBombStopsAtTheDefaultLimit() throws {
        let limit = PNGReadOptions().maxInflatedTextLength
        #expect(limit == 64 << 20)
        let bomb = PNGFixture.chunk(
            "zTXt",
            Array("chara".utf8) + [0, 0] + PNGFixture.zlibBomb(matches: limit / 258 + 100)
        )
        let png = PNGFixture.png(after: [bomb])
        #expect(bomb.count < 1 << 20)
        let offset = PNGFixture.chunks(png).first { $0.type == "zTXt" }?.offset ?? -1
        #expect(
            throws: PNGCardError.inflatedTextTooLarge(chunkType: "zTXt", keyword: "chara", offset: offset, limit: limit)
        ) {
            try PNGCardReader.read(png)
        }
    }

    @Test func iTXtBombStopsAtAConfiguredLimit() throws {
        let bomb = PNGFixture.chunk("iTXt", Array("ccv3".utf8) + [0, 1, 0, 0, 0] + PNGFixture.zlibBomb(matches: 1000))
        let png = PNGFixture.png(after: [bomb])
        var options = PNGReadOptions()
        options.maxInflatedTextLength = 10_000
        let offset = PNGFixture.chunks(png).first { $0.type == "iTXt" }?.offset ?? -1
        #expect(
            throws: PNGCardError.inflatedTextTooLarge(chunkType: "iTXt", keyword: "ccv3", offset: offset, limit: 10_000)
        ) {
            try PNGCardReader.read(png, options: options)
        }
    }

    @Test func hugeTEXtIsRejected() throws {
        let payload = [UInt8](repeating: UInt8(ascii: "A"), count: 5000)
        let png = PNGFixture.png(before: [PNGFixture.tEXt("chara", payload)])
        var options = PNGReadOptions()
        options.maxTextChunkLength = 4096
        #expect(
            throws: PNGCardError.textChunkTooLarge(chunkType: "tEXt", offset: Self.afterIHDR, length: 5006, limit: 4096)
        ) {
            try PNGCardReader.read(png, options: options)
        }
    }

    @Test func aPNGWithoutACardSaysWhichTextChunksItHas() {
        let png = PNGFixture.png(before: [PNGFixture.tEXt("Title", Array("t".utf8)), PNGFixture.zTXt("Comment", [65])])
        #expect(throws: PNGCardError.noCard(textKeywords: ["Title", "Comment"])) { try PNGCardReader.read(png) }
        #expect(throws: PNGCardError.noCard(textKeywords: [])) { try PNGCardReader.read(PNGFixture.png()) }
    }

    @Test func encryptedRisuCardIsNamed() {
        let png = PNGFixture.png(after: [PNGFixture.tEXt("ccv3", Array("rcc||rccv1||c2VjcmV0".utf8))])
        let offset = 33 + PNGFixture.idat().count
        let error = PNGCardError.encryptedRisuCard(chunkType: "tEXt", keyword: "ccv3", offset: offset)
        #expect(throws: error) { try PNGCardReader.read(png) }
        #expect(error.description.contains("encrypted RisuAI card"))
    }

    @Test func notBase64IsAnErrorWithItsPosition() {
        let png = PNGFixture.png(before: [PNGFixture.tEXt("chara", Array("eyJh!!".utf8))])
        #expect(
            throws: PNGCardError.invalidBase64(chunkType: "tEXt", keyword: "chara", offset: Self.afterIHDR, position: 4)
        ) {
            try PNGCardReader.read(png)
        }
    }

    @Test func corruptZTXtIsMalformed() throws {
        let png = PNGFixture.png(before: [
            PNGFixture.chunk("zTXt", Array("chara".utf8) + [0, 0, 0x78, 0x01, 0xFF, 0xFF])
        ])
        #expect(throws: PNGCardError.self) { try PNGCardReader.read(png) }
        do {
            _ = try PNGCardReader.read(png)
        } catch {
            guard case .malformedTextChunk(let type, let keyword, let offset, _) = error else {
                Issue.record("expected malformedTextChunk, got \(error)")
                return
            }
            #expect(type == "zTXt")
            #expect(keyword == "chara")
            #expect(offset == Self.afterIHDR)
        }
    }

    @Test func bytesAfterIENDAreAWarning() throws {
        let png = PNGFixture.png(after: [Self.card])
        let result = try PNGCardReader.read(png + [1, 2, 3])
        #expect(result.diagnostics.contains { $0.code == .pngTrailingBytes && $0.offset == png.count })
        let embedded = try PNGCardWriter.embed(v2JSON: [0x7B, 0x7D], v3JSON: nil, into: png + [1, 2, 3])
        #expect(Array(embedded.png.suffix(12)) == PNGFixture.iend)
    }

    @Test func firstChunkMustBeIHDR() {
        let png = PNGFixture.signature + Self.card + PNGFixture.ihdr() + PNGFixture.iend
        #expect(throws: PNGCardError.invalidHeader(offset: 8, reason: "the first chunk is tEXt, not IHDR")) {
            try PNGCardReader.read(png)
        }
    }

    @Test func invalidChunkTypeIsRejected() {
        let png =
            PNGFixture.signature + PNGFixture.ihdr() + PNGFixture.be32(0) + [0x41, 0x00, 0x42, 0x43] + [0, 0, 0, 0]
        #expect(throws: PNGCardError.invalidChunkType(offset: Self.afterIHDR, bytes: [0x41, 0x00, 0x42, 0x43])) {
            try PNGCardReader.read(png)
        }
    }

    @Test func moreThanAThousandTextChunksDoNotHideTheCardFromLibPNG() throws {
        let filler = (0..<1100).map { PNGFixture.tEXt("Note\($0)", Array("x".utf8)) }
        let png = PNGFixture.png(after: filler + [Self.card])
        let result = try PNGCardReader.read(png)
        #expect(result.scan.otherTextChunks.count == 1100)
        let check = try PNGImageCheck.check(png, decodeImage: true)
        #expect(!check.diagnostics.contains { $0.code == .pngLibPNGDroppedText })
        #expect(!check.diagnostics.contains { $0.message.contains("chunk cache") })
    }

    @Test func aTextChunkAboveLibPNGs8MBDefaultIsStillSeenByLibPNG() throws {
        let json = #"{"name":"big","description":""# + String(repeating: "x", count: 6_300_000) + #""}"#
        let png = PNGFixture.png(after: [PNGFixture.tEXt("chara", PNGFixture.base64(json))])
        #expect(png.count > 8_000_000)
        let check = try PNGImageCheck.check(png, decodeImage: false)
        #expect(check.scan.selected?.json.count == json.utf8.count)
        // From a file, this size is memory-mapped rather than read.
        let directory = try SharedFixtures.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("big.png")
        try Data(png).write(to: url)
        #expect(try PNGCardReader.read(contentsOf: url).json == Array(json.utf8))
        #expect(!check.diagnostics.contains { $0.code == .pngLibPNGDroppedText })
        #expect(!check.diagnostics.contains { $0.message.contains("too large") })
    }
}

extension PNGBadInputTests {
    @Test func manyNonCardZTXtBombsStayBoundedUnderTheLibPNGCheck() throws {
        // Ten 64 MiB bombs would be 640 MiB in libpng; the check caps their total at maxTotalTextLength (here 8 MiB)
        // and reports each one libpng had to drop.
        let bomb = PNGFixture.zlibBomb(matches: (2 << 20) / 258)
        let bombs = (0..<10).map { PNGFixture.chunk("zTXt", Array("Comment\($0)".utf8) + [0, 0] + bomb) }
        let png = PNGFixture.png(before: [Self.card], after: bombs)
        var options = PNGReadOptions()
        options.maxTotalTextLength = 8 << 20
        let check = try PNGImageCheck.check(png, options: options, decodeImage: false)
        #expect(check.scan.selected?.role == .chara)
        let dropped = check.diagnostics.filter { $0.code == .pngLibPNGDroppedText }
        #expect(dropped.count == 10)
        #expect(check.diagnostics.contains { $0.code == .pngLibPNGWarning })
    }
}

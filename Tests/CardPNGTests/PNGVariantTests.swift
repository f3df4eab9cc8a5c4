import CardKitJSON
import CardModel
import CardPNG
import Foundation
import Testing

/// Project-made fixtures for every way a card chunk is stored.
@Suite struct PNGVariantTests {
    static let v2 =
        #"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"Fixture","creator":"a\r\nb","tags":["é","𝄞"]}}"#
    static let v3 = #"{"spec":"chara_card_v3","spec_version":"3.0","data":{"name":"Fixture V3","nickname":"fx"}}"#

    @Test func readsAZTXtCard() throws {
        let png = PNGFixture.png(after: [PNGFixture.zTXt("chara", PNGFixture.base64(Self.v2))])
        let result = try PNGCardReader.read(png)
        #expect(result.selected.location.chunkType == .zTXt)
        #expect(result.selected.role == .chara)
        #expect(String(decoding: result.json, as: UTF8.self) == Self.v2)
    }

    @Test(arguments: [false, true])
    func readsAnITXtCard(compressed: Bool) throws {
        let png = PNGFixture.png(after: [PNGFixture.iTXt("ccv3", PNGFixture.base64(Self.v3), compressed: compressed)])
        let result = try PNGCardReader.read(png)
        #expect(result.selected.location.chunkType == .iTXt)
        #expect(result.selected.role == .ccv3)
        #expect(String(decoding: result.json, as: UTF8.self) == Self.v3)
    }

    @Test func readsACCV3OnlyCard() throws {
        let png = PNGFixture.png(after: [PNGFixture.tEXt("ccv3", PNGFixture.base64(Self.v3))])
        let result = try PNGCardReader.read(png)
        #expect(result.selected.role == .ccv3)
        #expect(result.scan.cardChunks.count == 1)
        #expect(String(decoding: result.json, as: UTF8.self) == Self.v3)
    }

    @Test(arguments: ["CHARA", "Chara", "cHaRa"])
    func matchesTheKeywordCaseInsensitively(keyword: String) throws {
        let png = PNGFixture.png(after: [PNGFixture.tEXt(keyword, PNGFixture.base64(Self.v2))])
        let result = try PNGCardReader.read(png)
        #expect(result.selected.role == .chara)
        #expect(result.selected.location.keyword == keyword)
    }

    @Test func firstDuplicateWinsAndDuplicatesAreReported() throws {
        let first = PNGFixture.tEXt("chara", PNGFixture.base64(Self.v2))
        let second = PNGFixture.tEXt("chara", PNGFixture.base64(#"{"name":"second"}"#))
        let png = PNGFixture.png(after: [first, second])
        let result = try PNGCardReader.read(png)
        let secondOffset = 8 + 25 + PNGFixture.idat().count + first.count
        #expect(String(decoding: result.json, as: UTF8.self) == Self.v2)
        #expect(result.scan.cardChunks.map(\.location.offset) == [secondOffset - first.count, secondOffset])
        let warning = try #require(result.diagnostics.first { $0.code == .pngDuplicateCardChunk })
        #expect(warning.offset == secondOffset)
        #expect(warning.message.contains("differ"))
    }

    @Test func ccv3WinsOverAnEarlierChara() throws {
        let png = PNGFixture.png(
            before: [PNGFixture.tEXt("chara", PNGFixture.base64(Self.v2))],
            after: [PNGFixture.tEXt("ccv3", PNGFixture.base64(Self.v3))]
        )
        let result = try PNGCardReader.read(png)
        #expect(result.selected.role == .ccv3)
        let disagreement = try #require(result.diagnostics.first { $0.code == .pngCharaCCV3Disagree })
        #expect(disagreement.offset == 33)
        #expect(disagreement.message.contains("data.name"))
    }

    @Test func readsACardBeforeIDATWithManyIDATsAndAncillaryChunksAround() throws {
        let png = PNGFixture.png(
            before: [
                PNGFixture.chunk("sRGB", [0]), PNGFixture.chunk("pHYs", [0, 0, 11, 19, 0, 0, 11, 19, 1]),
                PNGFixture.tEXt("chara", PNGFixture.base64(Self.v2)), PNGFixture.chunk("iCCP", Array("p\0\0".utf8)),
            ],
            after: [PNGFixture.chunk("eXIf", [0x4D, 0x4D, 0, 42])],
            idatParts: 5
        )
        let result = try PNGCardReader.read(png)
        #expect(result.selected.location.chunkIndex == 3)
        #expect(!result.selected.location.afterImageData)
        #expect(result.scan.imageDataChunkCount == 5)
        #expect(String(decoding: result.json, as: UTF8.self) == Self.v2)
    }

    @Test func exposesRisuAssetChunksWithAndWithoutColon() throws {
        let png = PNGFixture.png(after: [
            PNGFixture.tEXt("chara-ext-asset_:0", Array(Data([1, 2, 3]).base64EncodedString().utf8)),
            PNGFixture.tEXt("chara-ext-asset_1", Array(Data([4, 5]).base64EncodedString().utf8)),
            PNGFixture.tEXt("ccv3", PNGFixture.base64(Self.v3)),
        ])
        let result = try PNGCardReader.read(png)
        #expect(result.scan.assets.map(\.name) == ["0", "1"])
        #expect(result.scan.assets.map(\.data) == [[1, 2, 3], [4, 5]])
        #expect(result.selected.role == .ccv3)
    }

    @Test func toleratesAndReportsEachBase64Leniency() throws {
        // "{"a":"?>"}" contains '>' and '?' so its base64 uses + and /.
        let json = #"{"a":"?>?>?"}"#
        let standard = Data(json.utf8).base64EncodedString()
        #expect(standard.contains("+") || standard.contains("/"))
        #expect(standard.hasSuffix("="))
        let lenient = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let wrapped = String(lenient.prefix(8)) + "\r\n " + String(lenient.dropFirst(8))
        let png = PNGFixture.png(after: [PNGFixture.tEXt("chara", Array(wrapped.utf8))])
        let result = try PNGCardReader.read(png)
        #expect(String(decoding: result.json, as: UTF8.self) == json)
        let codes = Set(result.diagnostics.map(\.code))
        #expect(codes.isSuperset(of: [.pngBase64Whitespace, .pngBase64URLSafe, .pngBase64MissingPadding]))
    }

    @Test func embedReplacesEveryOldCardChunkAndAppendsBeforeIEND() throws {
        let png = PNGFixture.png(
            before: [PNGFixture.tEXt("CHARA", PNGFixture.base64("{}")), PNGFixture.tEXt("Title", Array("t".utf8))],
            after: [
                PNGFixture.zTXt("chara", PNGFixture.base64("{}")),
                PNGFixture.iTXt("Ccv3", PNGFixture.base64("{}"), compressed: true),
                PNGFixture.tEXt("chara-ext-asset_:0", Array("AAAA".utf8)),
            ]
        )
        let result = try PNGCardWriter.embed(v2JSON: Array(Self.v2.utf8), v3JSON: Array(Self.v3.utf8), into: png)
        #expect(result.removedChunks.map(\.keyword) == ["CHARA", "chara", "Ccv3"])
        #expect(result.removedChunks.map(\.chunkType) == [.tEXt, .zTXt, .iTXt])
        let chunks = PNGFixture.chunks(result.png)
        #expect(chunks.map(\.type) == ["IHDR", "tEXt", "IDAT", "tEXt", "tEXt", "tEXt", "IEND"])
        #expect(chunks.compactMap(PNGFixture.keyword) == ["Title", "chara-ext-asset_:0", "chara", "ccv3"])
        let reread = try PNGCardReader.read(result.png)
        #expect(String(decoding: reread.json, as: UTF8.self) == Self.v3)
        #expect(reread.scan.cardChunks.map { String(decoding: $0.json, as: UTF8.self) } == [Self.v2, Self.v3])
    }

    @Test func embedsACardModelCardIntoTheDefaultAvatar() throws {
        let card = try CardReader.read(Array(Self.v3.utf8)).card
        var options = PNGWriteOptions()
        options.validateWithLibPNG = true
        let result = try PNGCardWriter.embed(card: card, into: nil, options: options)
        let reread = try PNGCardReader.read(result.png)
        #expect(reread.scan.header.width == PNGDefaultAvatar.size)
        #expect(reread.scan.cardChunks.map(\.role) == [.chara, .ccv3])
        let v2 = try #require(JSONParser.parse(reread.scan.cardChunks[0].json).value.objectValue)
        let v3 = try #require(JSONParser.parse(reread.json).value.objectValue)
        #expect(v2["spec"]?.stringValue == "chara_card_v2")
        #expect(v3["spec"]?.stringValue == "chara_card_v3")
        #expect(v3["data"]?["nickname"]?.stringValue == "fx")
        #expect(v2["data"]?["name"]?.stringValue == "Fixture V3")
    }

    @Test func defaultAvatarIsAValid256SquareRGBAPNG() throws {
        let png = try PNGDefaultAvatar.png()
        let check = try PNGImageCheck.check(png, decodeImage: true)
        #expect(check.header == PNGImageHeader(width: 256, height: 256, bitDepth: 8, colorType: 6, interlaced: false))
        #expect(check.scan.cardChunks.isEmpty)
        #expect(throws: PNGCardError.noCard(textKeywords: [])) { try PNGCardReader.read(png) }
    }
}

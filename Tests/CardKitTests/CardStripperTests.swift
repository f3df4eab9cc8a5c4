import CardKit
import CardKitTestSupport
import Foundation
import Testing

@Suite(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct CardStripperSharedCardTests {
    /// Over every shared PNG: IDAT identical, no card chunk left, every non-text chunk identical and in order.
    @Test(arguments: SharedFixtures.cardNames(extensions: ["png"]))
    func stripLeavesTheImageAndNoCard(name: String) throws {
        let data = try SharedFixtures.cardData(name)
        let bytes = [UInt8](data)
        let result = try CardStripper.strip(data: data, path: name, keepingOtherText: true)
        #expect(try PNGTestChunks.imageData(result.png) == PNGTestChunks.imageData(bytes))
        #expect(try PNGTestChunks.chunks(result.png).filter(PNGTestChunks.isCardChunk).isEmpty)
        #expect(try PNGTestChunks.nonCardChunks(result.png) == PNGTestChunks.nonCardChunks(bytes))
        #expect(!result.removedChunks.isEmpty)
        #expect {
            try CardFileLoader.load(data: Data(result.png), path: "x.png")
        } throws: { error in
            (error as? CardFileError)?.reason.hasPrefix("no card in this PNG") == true
        }
    }

    @Test func otherTextChunksGoUnlessKept() throws {
        let name = "tavernkit_test_character.png"
        let data = try SharedFixtures.cardData(name)
        let all = try CardStripper.strip(data: data, path: name, keepingOtherText: false)
        #expect(all.removedChunks.map(\.keyword) == ["Title", "Author", "Description", "chara", "ccv3"])
        let kept = try CardStripper.strip(data: data, path: name, keepingOtherText: true)
        #expect(kept.removedChunks.map(\.keyword) == ["chara", "ccv3"])
        let text = try PNGTestChunks.chunks(kept.png).filter {
            ["tEXt", "zTXt", "iTXt"].contains(String(decoding: $0.prefix(4), as: UTF8.self))
        }
        #expect(text.count == 3)
    }
}

@Suite struct CardStripperTests {
    /// Card chunks in every kind and case, asset chunks, and a text chunk that is not a card's.
    @Test func removesEveryCardChunkKindAndCase() throws {
        let text = Array("x".utf8)
        let png = ResourceBombs.png(
            chunks: ResourceBombs.pngChunk("tEXt", Array("CHARA".utf8) + [0] + text)
                + ResourceBombs.pngChunk("zTXt", Array("Ccv3".utf8) + [0, 0] + [0x78, 0x01, 0x03, 0, 0, 0, 0, 1])
                + ResourceBombs.pngChunk("iTXt", Array("chara".utf8) + [0, 0, 0, 0, 0] + text)
                + ResourceBombs.pngChunk("tEXt", Array("chara-ext-asset_:0".utf8) + [0] + text)
                + ResourceBombs.pngChunk("tEXt", Array("Chara-Ext-Asset_1".utf8) + [0] + text)
                + ResourceBombs.pngChunk("tEXt", Array("Comment".utf8) + [0] + text)
                + ResourceBombs.pngChunk("eXIf", [1, 2, 3]))
        let result = try CardStripper.strip(data: Data(png), path: "a.png", keepingOtherText: true)
        #expect(
            result.removedChunks.map { "\($0.chunkType.rawValue) \($0.keyword)" } == [
                "tEXt CHARA", "zTXt Ccv3", "iTXt chara", "tEXt chara-ext-asset_:0", "tEXt Chara-Ext-Asset_1",
            ])
        let types = try PNGTestChunks.chunks(result.png).map { String(decoding: $0.prefix(4), as: UTF8.self) }
        #expect(types == ["IHDR", "IDAT", "tEXt", "eXIf", "IEND"])
    }

    @Test func aFileThatIsNotAPNGIsNamed() throws {
        #expect {
            try CardStripper.strip(data: Data("{}".utf8), path: "card.json", keepingOtherText: false)
        } throws: { error in
            (error as? CardAuthoringError)?.description == "card.json: error: not a PNG: looks like JSON"
        }
    }
}

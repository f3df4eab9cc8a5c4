import CardKitJSON
import CardKitTestSupport
import CardModel
import CardPNG
import Foundation
import Testing

/// What each real PNG in `../shared/cards` holds (checked independently with a Python chunk dump).
struct SharedCardExpectation: Sendable, CustomTestStringConvertible {
    var file: String
    var selectedRole: PNGCardChunk.Role
    var spec: String?
    var name: String
    var cardChunkCount: Int
    var cardBeforeImageData: Bool
    var testDescription: String { file }
}

let sharedCardExpectations: [SharedCardExpectation] = [
    .init(
        file: "chub_Shodan_v2.png",
        selectedRole: .chara,
        spec: "chara_card_v2",
        name: "Shodan",
        cardChunkCount: 1,
        cardBeforeImageData: true
    ),
    .init(
        file: "main_Walter White_tavern.png",
        selectedRole: .chara,
        spec: nil,
        name: "Walter White",
        cardChunkCount: 1,
        cardBeforeImageData: true
    ),
    .init(
        file: "st_default_CodingSensei.png",
        selectedRole: .chara,
        spec: "chara_card_v2",
        name: "Coding Sensei",
        cardChunkCount: 1,
        cardBeforeImageData: false
    ),
    .init(
        file: "st_default_FluxTheCat.png",
        selectedRole: .chara,
        spec: "chara_card_v2",
        name: "Flux the Cat",
        cardChunkCount: 1,
        cardBeforeImageData: false
    ),
    .init(
        file: "st_default_Seraphina_v2+ccv3_2024.png",
        selectedRole: .ccv3,
        spec: "chara_card_v3",
        name: "Seraphina",
        cardChunkCount: 2,
        cardBeforeImageData: false
    ),
    .init(
        file: "st_default_Seraphina_v2_2023.png",
        selectedRole: .chara,
        spec: "chara_card_v2",
        name: "Seraphina",
        cardChunkCount: 1,
        cardBeforeImageData: false
    ),
    .init(
        file: "stc_Amy_2024-05_v2_eXIf.png",
        selectedRole: .chara,
        spec: "chara_card_v2",
        name: "Amy",
        cardChunkCount: 1,
        cardBeforeImageData: false
    ),
    .init(
        file: "stc_Amy_2025-08_chara_holds_v3.png",
        selectedRole: .ccv3,
        spec: "chara_card_v3",
        name: "Amy",
        cardChunkCount: 2,
        cardBeforeImageData: false
    ),
    .init(
        file: "stc_CapoGPT_chara_before_IDAT.png",
        selectedRole: .chara,
        spec: "chara_card_v2",
        name: "CapoGPT",
        cardChunkCount: 1,
        cardBeforeImageData: true
    ),
    .init(
        file: "stc_Gloria_PA.png",
        selectedRole: .chara,
        spec: "chara_card_v2",
        name: "Gloria, PA",
        cardChunkCount: 1,
        cardBeforeImageData: true
    ),
    .init(
        file: "stc_Sakana_lorebook14_eXIf.png",
        selectedRole: .chara,
        spec: "chara_card_v2",
        name: "Sakana",
        cardChunkCount: 1,
        cardBeforeImageData: false
    ),
    .init(
        file: "tavernai_v1_Aqua_2023-01.png",
        selectedRole: .chara,
        spec: nil,
        name: "Aqua",
        cardChunkCount: 1,
        cardBeforeImageData: false
    ),
    .init(
        file: "tavernai_v1_Aqua_2023-05_stringtypes.png",
        selectedRole: .chara,
        spec: nil,
        name: "Aqua",
        cardChunkCount: 1,
        cardBeforeImageData: false
    ),
    .init(
        file: "tavernai_v1_Darkness_2023-01.png",
        selectedRole: .chara,
        spec: nil,
        name: "Darkness",
        cardChunkCount: 1,
        cardBeforeImageData: false
    ),
    .init(
        file: "tavernai_v1_Megumin_2023-05.png",
        selectedRole: .chara,
        spec: nil,
        name: "Megumin",
        cardChunkCount: 1,
        cardBeforeImageData: false
    ),
    .init(
        file: "tavernkit_test_character.png",
        selectedRole: .ccv3,
        spec: "chara_card_v3",
        name: "Test Character",
        cardChunkCount: 2,
        cardBeforeImageData: false
    ),
    .init(
        file: "zoltan_Skynet_v1_metadata.png",
        selectedRole: .chara,
        spec: nil,
        name: "Skynet",
        cardChunkCount: 1,
        cardBeforeImageData: false
    ),
]

@Suite struct SharedCardPNGTests {
    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func everySharedPNGHasAnExpectation() {
        let names = SharedFixtures.cardNames(extensions: ["png"])
        #expect(names == sharedCardExpectations.map(\.file).sorted())
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason), arguments: sharedCardExpectations)
    func readsTheExpectedChunkAndJSON(_ expected: SharedCardExpectation) throws {
        let bytes = [UInt8](try SharedFixtures.cardData(expected.file))
        let result = try PNGCardReader.read(bytes)
        #expect(try PNGCardReader.read(contentsOf: SharedFixtures.card(expected.file)) == result)
        #expect(result.selected.role == expected.selectedRole)
        #expect(result.selected.location.chunkType == .tEXt)
        #expect(result.scan.cardChunks.count == expected.cardChunkCount)
        #expect(result.selected.location.afterImageData == !expected.cardBeforeImageData)

        // The JSON equals an independent base64 decode (Foundation) of the selected chunk's text.
        let chunk = try #require(PNGFixture.chunks(bytes).first { $0.offset == result.selected.location.offset })
        #expect(PNGFixture.keyword(chunk) == expected.selectedRole.rawValue)
        let nul = try #require(chunk.data.firstIndex(of: 0))
        let text = Array(chunk.data[(nul + 1)...])
        let independent = try #require(Data(base64Encoded: Data(text)))
        #expect(result.json == [UInt8](independent))

        let root = try #require(JSONParser.parse(result.json).value.objectValue)
        #expect(root["spec"]?.stringValue == expected.spec)
        let fields = root["data"]?.objectValue ?? root
        #expect(fields["name"]?.stringValue == expected.name)
        #expect(!result.diagnostics.contains { $0.code == .pngBadCRC || $0.code == .pngTrailingBytes })
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason), arguments: sharedCardExpectations)
    func embedThenReadRoundTripsAndKeepsTheImageData(_ expected: SharedCardExpectation) throws {
        let bytes = [UInt8](try SharedFixtures.cardData(expected.file))
        let original = try PNGCardReader.read(bytes)
        let chara = original.scan.cardChunks.first { $0.role == .chara }?.json
        let ccv3 = original.scan.cardChunks.first { $0.role == .ccv3 }?.json
        var options = PNGWriteOptions()
        options.validateWithLibPNG = true
        let embedded = try PNGCardWriter.embed(v2JSON: chara, v3JSON: ccv3, into: bytes, options: options)
        #expect(embedded.removedChunks.count == expected.cardChunkCount)

        let reread = try PNGCardReader.read(embedded.png)
        #expect(reread.json == original.json)
        #expect(reread.selected.role == expected.selectedRole)
        #expect(reread.scan.cardChunks.map(\.json) == original.scan.cardChunks.map(\.json))

        // Every non-card chunk is kept byte for byte and in order; the card chunks sit just before IEND.
        let before = PNGFixture.chunks(bytes).filter { !isCard($0) }
        let after = PNGFixture.chunks(embedded.png)
        #expect(after.filter { !isCard($0) }.map(\.whole) == before.map(\.whole))
        #expect(after.suffix(expected.cardChunkCount + 1).dropLast().allSatisfy(isCard))
        let idatBefore = before.filter { $0.type == "IDAT" }.flatMap(\.whole)
        let idatAfter = after.filter { $0.type == "IDAT" }.flatMap(\.whole)
        #expect(idatBefore == idatAfter)
        #expect(!idatBefore.isEmpty)
    }

    private func isCard(_ chunk: PNGFixture.Chunk) -> Bool {
        guard let keyword = PNGFixture.keyword(chunk)?.lowercased() else { return false }
        return keyword == "chara" || keyword == "ccv3"
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func tavernkitCharacterPrefersCCV3AndReportsTheDisagreement() throws {
        let result = try PNGCardReader.read(SharedFixtures.cardData("tavernkit_test_character.png"))
        #expect(result.selected.role == .ccv3)
        #expect(result.selected.location.offset == 139_354)
        let chara = try #require(result.scan.cardChunks.first { $0.role == .chara })
        #expect(chara.location.offset == 138_220)
        #expect(chara.json != result.json)
        let v3 = try #require(JSONParser.parse(result.json).value.objectValue)
        #expect(v3["data"]?["assets"]?.arrayValue != nil)
        #expect(v3["data"]?["nickname"] != nil)
        // The V2 `chara` keeps the V3-only fields under data.extensions: the shared fields agree, so no
        // disagreement is reported even though the payloads differ.
        let v2 = try #require(JSONParser.parse(chara.json).value.objectValue)
        #expect(v2["data"]?["assets"] == nil)
        #expect(v2["data"]?["extensions"]?["cc_extractor/v3"]?["nickname"]?.stringValue == "TestChar")
        #expect(!result.diagnostics.contains { $0.code == .pngCharaCCV3Disagree })
        #expect(
            result.scan.otherTextChunks.map { "\($0.chunkType.rawValue) \($0.keyword)" }
                == ["tEXt Title", "tEXt Author", "zTXt Description"]
        )
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func embedKeepsTavernkitsUnrelatedTextChunks() throws {
        let bytes = [UInt8](try SharedFixtures.cardData("tavernkit_test_character.png"))
        let embedded = try PNGCardWriter.embed(v2JSON: Array(#"{"name":"x"}"#.utf8), v3JSON: nil, into: bytes)
        let original = PNGFixture.chunks(bytes).filter {
            ["Title", "Author", "Description"].contains(PNGFixture.keyword($0))
        }
        let kept = PNGFixture.chunks(embedded.png).filter {
            ["Title", "Author", "Description"].contains(PNGFixture.keyword($0))
        }
        #expect(original.count == 3)
        #expect(kept.map(\.whole) == original.map(\.whole))
        let reread = try PNGCardReader.read(embedded.png)
        #expect(reread.selected.role == .chara)
        #expect(reread.scan.cardChunks.count == 1)
        #expect(String(decoding: reread.json, as: UTF8.self) == #"{"name":"x"}"#)
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func capoGPTCardSitsBeforeTheSeventySevenIDATs() throws {
        let result = try PNGCardReader.read(SharedFixtures.cardData("stc_CapoGPT_chara_before_IDAT.png"))
        #expect(result.selected.location.offset == 33)
        #expect(result.selected.location.chunkIndex == 1)
        #expect(!result.selected.location.afterImageData)
        #expect(result.scan.imageDataChunkCount == 77)
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func gloriasCreatorKeepsItsCRLF() throws {
        let result = try PNGCardReader.read(SharedFixtures.cardData("stc_Gloria_PA.png"))
        let root = try #require(JSONParser.parse(result.json).value.objectValue)
        let creator = try #require(root["data"]?["creator"]?.stringValue)
        #expect(creator.utf8.contains(13))
        #expect(creator.contains("\r\n"))
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func seraphinaV2AndV3AgreeApartFromSpec() throws {
        let result = try PNGCardReader.read(SharedFixtures.cardData("st_default_Seraphina_v2+ccv3_2024.png"))
        #expect(result.selected.role == .ccv3)
        #expect(!result.diagnostics.contains { $0.code == .pngDuplicateCardChunk })
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason), arguments: sharedCardExpectations)
    func fullLibPNGCheckAgreesWithTheByteWalk(_ expected: SharedCardExpectation) throws {
        let bytes = [UInt8](try SharedFixtures.cardData(expected.file))
        let check = try PNGImageCheck.check(bytes, decodeImage: true)
        #expect(check.header == check.scan.header)
        #expect(check.header.width > 0)
        #expect(!check.diagnostics.contains { $0.code == .pngLibPNGDroppedText })
        let metadataOnly = try PNGImageCheck.check(bytes, decodeImage: false)
        #expect(metadataOnly.header == check.header)
        #expect(!metadataOnly.diagnostics.contains { $0.code == .pngLibPNGDroppedText })
    }
}

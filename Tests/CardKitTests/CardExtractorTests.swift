import CardKit
import CardKitTestSupport
import Foundation
import Testing

/// `cardkit extract` and the `--schema` argument as library calls.
@Suite struct CardExtractorTests {
    private func write(_ bytes: [UInt8], named name: String) throws -> CardInput {
        let url = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return CardInput(path: url.path)
    }

    @Test func givesAJSONCardsStoredBytes() throws {
        let stored = Array(#"{"name": "Ada",  "first_mes": "Hi", "x": 1.50}"#.utf8)
        let input = try write(stored, named: "ada.json")
        guard case .storedJSON(let json) = try CardExtractor.extract(input, options: .init(), unpackingArchives: true)
        else {
            Issue.record("not stored JSON")
            return
        }
        #expect(json == stored)
    }

    @Test func givesACharXArchiveWholeOnlyWhenUnpacking() throws {
        let card = Data(#"{"spec":"chara_card_v2","spec_version":"2.0","data":{"name":"Ada","first_mes":"Hi"}}"#.utf8)
        let charx = try CardConverter.convert(data: card, path: "ada.json", to: .charx).output.bytes
        let input = try write(charx, named: "ada.charx")
        guard case .archive(let document) = try CardExtractor.extract(input, options: .init(), unpackingArchives: true)
        else {
            Issue.record("not an archive")
            return
        }
        #expect(document.card.card.name == "Ada")
        #expect(document.cardPath == "card.json")
        guard case .storedJSON(let json) = try CardExtractor.extract(input, options: .init(), unpackingArchives: false)
        else {
            Issue.record("not stored JSON")
            return
        }
        #expect(json == [UInt8](document.cardJSON))
    }

    @Test func aFileThatHoldsNoCardIsAnErrorNamingIt() throws {
        let input = try write([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], named: "photo.jpg")
        #expect(throws: CardFileError.self) {
            try CardExtractor.extract(input, options: .init(), unpackingArchives: true)
        }
        do {
            _ = try CardExtractor.extract(input, options: .init(), unpackingArchives: true)
        } catch {
            #expect(error.kind == .unsupportedFormat)
            #expect(error.path == input.path)
        }
    }

    @Test func schemaArgumentsResolveToAutoANameOrACompiledFile() throws {
        guard case .auto = try CardSchemaSelection(argument: "auto") else {
            Issue.record("not auto")
            return
        }
        guard case .named(.v2) = try CardSchemaSelection(argument: "v2") else {
            Issue.record("not v2")
            return
        }
        let schema = try write(Array(#"{"type": "object", "required": ["name"]}"#.utf8), named: "mine.json")
        guard case .compiled(_, let label) = try CardSchemaSelection(argument: schema.path) else {
            Issue.record("not compiled")
            return
        }
        #expect(label == schema.path)
        #expect(throws: CardSchemaError.unknownSchema("v9")) { try CardSchemaSelection(argument: "v9") }
        let broken = try write(Array(#"{"type": 12}"#.utf8), named: "broken.json")
        #expect(throws: CardSchemaError.self) { try CardSchemaSelection(argument: broken.path) }
    }
}

import CardKit
import CardKitTestSupport
import Foundation
import Testing

private let samples = SharedFixtures.samplesDirectory

private func sample(_ name: String) throws -> Data { try Data(contentsOf: samples.appendingPathComponent(name)) }

private func validate(
    _ data: Data, file: String = "input", schema: CardSchemaSelection = .auto, profile: CardSchemaProfile = .lenient
) -> ValidationRecord {
    DocumentValidator.record(data: data, file: file, selection: schema, profile: profile, options: CardLoadOptions())
}

/// `cardkit validate` as a library call, over every kind of input it takes.
@Suite struct DocumentValidatorTests {
    @Test(arguments: [
        ("v1-lighthouse-keeper.json", "v1"), ("v2-archivist-with-lorebook.json", "v2"),
        ("v3-cartographer-with-assets.json", "v3"),
    ])
    func sampleCardsAreValidAgainstTheirSpec(name: String, schema: String) throws {
        let record = validate(try sample(name), file: name)
        #expect(record.isValid, "\(record.errors)")
        #expect(record.schema == schema)
        #expect(record.container == nil)
        #expect(record.profile == .lenient)
    }

    @Test func brokenJSONIsAFailureNotAnError() throws {
        let record = validate(try sample("broken-truncated.json"), file: "broken-truncated.json")
        #expect(record.failure?.hasPrefix("not valid JSON") == true)
        #expect(record.errors.isEmpty)
        #expect(!record.isValid)
    }

    @Test func theStrictProfileFindsWhatTheLenientOneAccepts() throws {
        let data = try sample("malformed-wrong-types.json")
        let strict = validate(data, profile: .strict)
        #expect(!strict.isValid)
        #expect(!strict.errors.isEmpty)
        #expect(strict.profile == .strict)
    }

    @Test func aPNGCardIsValidatedFromItsChosenChunk() throws {
        let png = try CardConverter.convert(data: sample("v2-archivist-with-lorebook.json"), path: "p", to: .png)
        let record = validate(Data(png.output.bytes), file: "pell.png")
        #expect(record.isValid, "\(record.errors)")
        #expect(record.schema == "v3")
        #expect(record.container?.hasPrefix("PNG ") == true)
        #expect(record.container?.contains("ccv3") == true)
    }

    @Test func aCharXIsValidatedFromItsCardJSON() throws {
        let charx = try CardConverter.convert(data: sample("v3-cartographer-with-assets.json"), path: "c", to: .charx)
        let record = validate(Data(charx.output.bytes), file: "c.charx")
        #expect(record.isValid, "\(record.errors)")
        #expect(record.container == "CharX card.json")
        #expect(record.schema == "v3")
    }

    @Test func booksWorldInfoPersonasAndPlatformObjects() throws {
        let card = try sample("v2-archivist-with-lorebook.json")
        let book = try CardConverter.convert(data: card, path: "b", to: .book)
        #expect(validate(Data(book.output.bytes)).schema == "lorebook-v3")
        #expect(validate(Data(book.output.bytes)).isValid)
        let worldInfo = try CardConverter.convert(data: card, path: "w", to: .worldInfo)
        #expect(validate(Data(worldInfo.output.bytes)).schema == "worldinfo")
        #expect(validate(Data(worldInfo.output.bytes)).isValid)
        let persona = Data(#"{"type":"cardkit_persona","version":1,"name":"Wren","description":"Maps rivers."}"#.utf8)
        #expect(validate(persona).schema == "persona")
        #expect(validate(persona).isValid)
        let nextchat = try CardConverter.convert(data: card, path: "n", to: .platform(.nextchat))
        let record = validate(
            Data(nextchat.output.bytes), schema: .named(.nextchatCreateCharacterRequest), profile: .strict)
        #expect(record.isValid, "\(record.errors)")
    }

    @Test func aJPEGWithoutACardIsAFailureNamingTheFormat() {
        let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01])
        let record = validate(jpeg, file: "photo.png")
        #expect(record.failure == "not a card: looks like JPEG and holds no card")
    }
}

/// The validator over the real cards beside the project: every container reaches a schema.
@Suite(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct DocumentValidatorRealCardTests {
    static let cards = SharedFixtures.cardNames(extensions: ["png", "charx", "json", "yaml"])

    @Test(arguments: cards) func everyRealCardReachesASchema(name: String) throws {
        let record = validate(try SharedFixtures.cardData(name), file: name)
        #expect(record.failure == nil, "\(name): \(record.failure ?? "")")
        #expect(record.schema != nil)
        switch (name as NSString).pathExtension {
        case "png": #expect(record.container?.hasPrefix("PNG ") == true)
        case "charx": #expect(record.container == "CharX card.json")
        case "yaml": #expect(record.container == "card converted from text-generation-webui YAML")
        default: #expect(record.container == nil)
        }
    }

    @Test func worldInfoIsCheckedAgainstTheWorldInfoSchema() throws {
        let record = validate(try SharedFixtures.cardData("st_worldinfo_Eldoria.json"))
        #expect(record.schema == "worldinfo")
        #expect(record.isValid, "\(record.errors)")
    }
}

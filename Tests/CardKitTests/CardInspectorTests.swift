import CardKit
import CardKitTestSupport
import Foundation
import Testing

private let samples = SharedFixtures.samplesDirectory

/// `cardkit inspect` as a library call: the `inspect --json` record and the text.
@Suite struct CardInspectorTests {
    @Test func everySampleGivesTheRecordTheCLIPrints() throws {
        let inputs = SharedFixtures.sampleNames(extensions: [
            "json", "png", "apng", "charx", "yaml", "yml", "jpg", "jpeg",
        ])
        .map { CardInput(path: samples.appendingPathComponent($0).path) }
        let records = inputs.map { CardInspector.inspect($0) }
        #expect(records.count == 5)
        #expect(records.map(\.isFailure) == [true, false, false, false, false])
        let json = records.map(\.jsonValue)
        #expect(json.map { $0["ok"] } == [false, true, true, true, true].map { JSONValue.bool($0) })
        #expect(json[0]["error"]?["kind"] == "invalid-json")
        #expect(json[4]["spec"] == "v3")
        #expect(json[4]["lorebook"]?["entries"] == 2)
        #expect(json[2]["spec"] == "v1")
        #expect(json[2]["format"] == "tavernai-folder")  // a V1 card with `avatar` and `chat`
    }

    @Test func theTextShowsTheLenientReadsWarnings() throws {
        let record = CardInspector.inspect(
            CardInput(path: samples.appendingPathComponent("malformed-wrong-types.json").path))
        guard case .card(let summary) = record else {
            Issue.record("expected a card, got \(record)")
            return
        }
        #expect(summary.text.contains("warning: /data/alternate_greetings: expected an array of strings"))
        var strict = CardLoadOptions()
        strict.read.strict = true
        let refused = CardInspector.inspect(
            CardInput(path: samples.appendingPathComponent("malformed-wrong-types.json").path), options: strict)
        guard case .failure(let error) = refused else {
            Issue.record("expected a failure, got \(refused)")
            return
        }
        #expect(error.kind == .strict)
        #expect(error.reason.contains("strict reading failed"))
    }

    @Test func aLorebookFileIsSummarisedAsABook() throws {
        let book = try CardConverter.convert(
            data: Data(contentsOf: samples.appendingPathComponent("v2-archivist-with-lorebook.json")), path: "b",
            to: .book)
        let record = CardInspector.inspect(data: Data(book.output.bytes), path: "pell.book.json")
        guard case .lorebook(let summary) = record else {
            Issue.record("expected a lorebook, got \(record)")
            return
        }
        #expect(summary.book.entries.count == 3)
        #expect(record.jsonValue["kind"] == "lorebook")
        #expect(record.jsonValue["format"] == "lorebook_v3")
        #expect(!record.isFailure)
    }

    @Test func aMissingFileIsAFailureRecord() {
        let record = CardInspector.inspect(CardInput(path: "/nonexistent/card.json"))
        #expect(record.isFailure)
        #expect(record.jsonValue["ok"] == false)
        #expect(record.jsonValue["path"] == "/nonexistent/card.json")
    }
}

/// `cardkit embed` as a library call.
@Suite struct CardEmbedderTests {
    @Test func embedsBothChunksAndReplacesOlderOnes() throws {
        let card = try Data(contentsOf: samples.appendingPathComponent("v3-cartographer-with-assets.json"))
        let image = Data(try PNGDefaultAvatar.png())
        let first = try CardEmbedder.embed(cardData: card, cardPath: "c.json", imageData: image, imagePath: "a.png")
        #expect(first.removedChunks.isEmpty)
        #expect(try pngChunkKeywords(first.png) == ["chara", "ccv3"])
        var options = EmbedOptions()
        options.v3Only = true
        let again = try CardEmbedder.embed(
            cardData: card, cardPath: "c.json", imageData: Data(first.png), imagePath: "a.png", options: options)
        #expect(again.removedChunks.map(\.keyword) == ["chara", "ccv3"])
        #expect(try pngChunkKeywords(again.png) == ["ccv3"])
        #expect(again.cardName == (try CardReader.read(card).card.name))
    }

    @Test func aBadImageIsBlamedOnTheImage() throws {
        let card = try Data(contentsOf: samples.appendingPathComponent("v1-lighthouse-keeper.json"))
        #expect {
            try CardEmbedder.embed(
                cardData: card, cardPath: "k.json", imageData: Data([0xFF, 0xD8, 0xFF, 0xE0]), imagePath: "photo.jpg")
        } throws: { error in
            guard let error = error as? CardFileError else { return false }
            return error.path == "photo.jpg" && error.kind == .invalidContainer
                && error.reason.contains("looks like JPEG")
        }
    }
}

/// The keywords of the card chunks in a PNG, read through the public loader.
private func pngChunkKeywords(_ png: [UInt8]) throws -> [String] {
    try CardFileLoader.load(data: Data(png), path: "card.png").pngScan?.cardChunks.map(\.location.keyword) ?? []
}

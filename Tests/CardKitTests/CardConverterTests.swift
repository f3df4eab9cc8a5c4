import CardKit
import CardKitTestSupport
import Foundation
import Testing

private let samples = SharedFixtures.samplesDirectory

private func sample(_ name: String) throws -> Data { try Data(contentsOf: samples.appendingPathComponent(name)) }

/// `cardkit convert` as a library call: every target, from every container, with the CLI tests' expectations.
@Suite struct CardConverterTests {
    static let sampleCards = [
        "v1-lighthouse-keeper.json", "v2-archivist-with-lorebook.json", "v3-cartographer-with-assets.json",
    ]

    @Test func targetNamesAreCaseInsensitiveAndComplete() {
        #expect(ConversionTarget(name: "V3") == .card(.v3))
        #expect(ConversionTarget(name: "SpicyChat") == .platform(.spicychat))
        #expect(ConversionTarget(name: "WorldInfo") == .worldInfo)
        #expect(ConversionTarget(name: "v4") == nil)
        #expect(
            ConversionTarget.allCases.map(\.name) == [
                "v1", "v2", "v3", "png", "charx", "book", "worldinfo", "spicychat", "chattr", "nextchat", "characterai",
            ])
        #expect(ConversionTarget.platform(.chattr).fileSuffix == ".chattr.json")
        #expect(ConversionTarget.charx.fileSuffix == ".charx")
    }

    @Test func convertsASampleToV3() throws {
        let result = try CardConverter.convert(
            data: sample("v2-archivist-with-lorebook.json"), path: "pell.json", to: .card(.v3))
        let card = try CardReader.read(result.output.bytes).card
        #expect(card.spec == .v3)
        #expect(card.name == "Archivist Pell")
        #expect(card.characterBook?.entries.count == 3)
        #expect(card.groupOnlyGreetings == [])
        #expect(result.output.bytes.last == 0x0A)
        #expect(result.lossReport.isLossless)
        #expect(result.lossReport.target == "v3")
        #expect(result.companions.isEmpty)
    }

    @Test func keepsTheV1CardsChatFieldInV2() throws {
        let result = try CardConverter.convert(data: sample("v1-lighthouse-keeper.json"), path: "-", to: .card(.v2))
        let card = try CardReader.read(result.output.bytes).card
        #expect(card.spec == .v2)
        #expect(card.creatorNotes.hasPrefix("An original sample card"))
        #expect(card.document["chat"] == .string("Odile Marsh - 2026-11-22 @10h 05m 00s 000ms"))
    }

    @Test func refusesABrokenInputNamingIt() throws {
        #expect {
            try CardConverter.convert(data: sample("broken-truncated.json"), path: "broken.json", to: .card(.v3))
        } throws: { error in
            guard let error = error as? CardFileError else { return false }
            return error.kind == .invalidJSON && error.path == "broken.json"
                && error.description.hasPrefix("broken.json: error: invalid JSON: line 1, column")
        }
    }

    /// Every target from every sample card: the output reads back as what the target promises.
    @Test(arguments: sampleCards, ConversionTarget.allCases)
    func everyTargetReadsBack(name: String, target: ConversionTarget) throws {
        let data = try sample(name)
        let source = try CardReader.read(data).card
        if target == .book || target == .worldInfo, source.characterBook == nil {
            #expect {
                try CardConverter.convert(data: data, path: name, to: target)
            } throws: { error in
                (error as? CardFileError)?.reason == "the card has no character book"
            }
            return
        }
        let result = try CardConverter.convert(data: data, path: name, to: target)
        #expect(result.target == target)
        let bytes = result.output.bytes
        switch target {
        case .card(let spec):
            let card = try CardReader.read(bytes).card
            #expect(card.spec == spec)
            #expect(card.name == source.name)
        case .png:
            let read = try CardFileLoader.load(data: Data(bytes), path: "card.png")
            #expect(read.pngChunk?.keyword == "ccv3")
            #expect(try CardReader.read(read.storedJSON).card == source.converted(to: .v3).card)
        case .charx:
            let document = try CharXReader.read(data: Data(bytes))
            #expect(document.card.card.name == source.name)
            #expect(document.card.card.spec == .v3)
        case .book:
            let book = try LorebookFile.read(json: JSONParser.parse(bytes).value).book
            #expect(book.entries.count == source.characterBook?.entries.count)
        case .worldInfo:
            let worldInfo = try JSONParser.parse(bytes).value
            #expect(worldInfo["entries"]?.objectValue?.count == source.characterBook?.entries.count)
        case .platform(let platform):
            let object = try JSONParser.parse(bytes).value
            #expect(object.objectValue?.isEmpty == false)
            let report = result.lossReport
            #expect(report.platform == platform)
            #expect(result.reportJSON["kind"] == "card")
            #expect(result.isLossy == !report.isLossless)
            #expect(result.diagnostics.filter { $0.code == .lostField }.count == report.entries.count)
        }
    }

    @Test func platformConversionReportsWhatIsLost() throws {
        var options = ConversionOptions()
        options.platform.spicychatVisibility = "public"
        let result = try CardConverter.convert(
            data: sample("v2-archivist-with-lorebook.json"), path: "pell.json", to: .platform(.spicychat),
            options: options)
        let output = try JSONParser.parse(result.output.bytes).value
        #expect(output["name"] == "Archivist Pell")
        #expect(output["visibility"] == "public")
        #expect(result.isLossy)
        let entries = try #require(result.reportJSON["entries"]?.arrayValue)
        #expect(entries.contains { $0["pointer"] == "/data/character_book" })
        #expect(result.reportJSON["summary"]?.stringValue?.isEmpty == false)
    }

    @Test func prettyJSONAndV1FieldsFollowTheOptions() throws {
        var options = ConversionOptions()
        options.jsonStyle = .pretty
        options.withV1Fields = true
        let result = try CardConverter.convert(
            data: sample("v3-cartographer-with-assets.json"), path: "c.json", to: .card(.v2), options: options)
        let text = String(decoding: result.output.bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\n  "))
        let root = try JSONParser.parse(result.output.bytes).value
        #expect(root["name"] == root["data"]?["name"])
        #expect(root["first_mes"] == root["data"]?["first_mes"])
    }

    @Test func aPersonaGoesToAPlatformWithPersonasAndIsRefusedByOneWithout() throws {
        let directory = try SharedFixtures.makeTemporaryDirectory()
        let persona: JSONValue = [
            "type": "cardkit_persona", "version": 1, "name": "Wren", "description": "{{user}} maps rivers.",
            "avatar": "wren.png",
        ]
        let path = directory.appendingPathComponent("wren.json")
        try Data(JSONWriter.bytes(persona)).write(to: path)
        let avatar: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]
        try Data(avatar).write(to: directory.appendingPathComponent("wren.png"))
        var options = ConversionOptions()
        options.includeCompanionFiles = true
        let result = try CardConverter.convert(CardInput(path: path.path), to: .platform(.spicychat), options: options)
        #expect(result.inputKind == .persona)
        #expect(result.reportJSON["kind"] == "persona")
        #expect(result.companions == [ConversionFile(name: "wren.png", bytes: avatar)])
        #expect(try JSONParser.parse(result.output.bytes).value["name"] == "Wren")
        let referenced = try CardConverter.convert(CardInput(path: path.path), to: .platform(.characterai))
        #expect(referenced.companions.isEmpty)
        #expect {
            try CardConverter.convert(CardInput(path: path.path), to: .platform(.chattr))
        } throws: { error in
            (error as? CardFileError)?.kind == .unsupportedFormat
        }
    }

    @Test func aPNGCardEmbedsIntoTheGivenImage() throws {
        var options = ConversionOptions()
        options.image = Data(try PNGDefaultAvatar.png())
        let result = try CardConverter.convert(
            data: sample("v1-lighthouse-keeper.json"), path: "k.json", to: .png, options: options)
        let scan = try #require(CardFileLoader.load(data: Data(result.output.bytes), path: "card.png").pngScan)
        #expect(scan.cardChunks.map(\.location.keyword) == ["chara", "ccv3"])
        options.image = Data("not an image".utf8)
        #expect {
            try CardConverter.convert(
                data: sample("v1-lighthouse-keeper.json"), path: "k.json", to: .png, options: options)
        } throws: { error in
            guard let error = error as? CardFileError else { return false }
            return error.kind == .invalidContainer && error.reason.hasPrefix("the image: ")
        }
    }
}

/// The same calls over the real cards beside the project.
@Suite(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
struct CardConverterRealCardTests {
    static let cards = SharedFixtures.cardNames(extensions: ["png", "charx", "json", "yaml"])
        .filter { $0 != "st_worldinfo_Eldoria.json" }

    @Test(arguments: cards) func everyRealCardBecomesV3PNGAndCharX(name: String) throws {
        let data = try SharedFixtures.cardData(name)
        let loaded = try CardFileLoader.load(data: data, path: name)
        let v3 = try CardConverter.convert(data: data, path: name, to: .card(.v3))
        #expect(try CardReader.read(v3.output.bytes).card == loaded.card.converted(to: .v3).card)
        let png = try CardConverter.convert(data: data, path: name, to: .png)
        #expect(try CardFileLoader.load(data: Data(png.output.bytes), path: "card.png").card.name == loaded.card.name)
        let charx = try CardConverter.convert(data: data, path: name, to: .charx)
        #expect(try CharXReader.read(data: Data(charx.output.bytes)).card.card.name == loaded.card.name)
    }

    /// The call that converts for every platform at once (normalizing once) gives what one call per platform gives.
    @Test(arguments: cards) func everyPlatformAtOnceIsEachPlatformAlone(name: String) throws {
        let data = try SharedFixtures.cardData(name)
        let together = CardConverter.convert(data: data, path: name, toPlatforms: Platform.allCases)
        #expect(together.count == Platform.allCases.count)
        for (platform, result) in zip(Platform.allCases, together) {
            let alone = Result { () throws(CardFileError) in
                try CardConverter.convert(data: data, path: name, to: .platform(platform))
            }
            switch (result, alone) {
            case (.success(let together), .success(let alone)):
                #expect(together.output.bytes == alone.output.bytes, "\(platform)")
                #expect(together.reportJSON == alone.reportJSON, "\(platform)")
                #expect(together.diagnostics == alone.diagnostics, "\(platform)")
            case (.failure(let together), .failure(let alone)):
                #expect(together.description == alone.description, "\(platform)")
            default:
                Issue.record("\(platform): \(result) together, \(alone) alone")
            }
        }
    }

    @Test func worldInfoBecomesABookAndStaysWorldInfo() throws {
        let data = try SharedFixtures.cardData("st_worldinfo_Eldoria.json")
        let book = try CardConverter.convert(data: data, path: "st_worldinfo_Eldoria.json", to: .book)
        let read = try LorebookFile.read(json: JSONParser.parse(book.output.bytes).value).book
        #expect(read.entries.count == 4)
        #expect(read.name == "st_worldinfo_Eldoria")
        let same = try CardConverter.convert(data: data, path: "st_worldinfo_Eldoria.json", to: .worldInfo)
        #expect(try JSONParser.parse(same.output.bytes).value == JSONParser.parse(data).value)
        #expect {
            try CardConverter.convert(data: data, path: "st_worldinfo_Eldoria.json", to: .card(.v3))
        } throws: { error in
            (error as? CardFileError)?.description
                == "st_worldinfo_Eldoria.json: error: not a character card: /entries: a World Info file or lorebook (entries)"
        }
    }
}

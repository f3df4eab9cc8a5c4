import CardKit
import CardKitTestSupport
import Foundation
import Testing

/// Issue 19: the portrait and every asset travel between JSON, PNG and CharX, and what cannot travel is reported.
@Suite struct ContainerTravelTests {
    // MARK: - Fixtures (made here)

    /// A 3×2 PNG with a `Title` text chunk, distinct from the default avatar.
    static func portrait() throws -> [UInt8] {
        let pixels = (0..<6).flatMap { i -> [UInt8] in [UInt8(40 * i), 200, UInt8(255 - 30 * i), 255] }
        let png = try PNGImageEncoder.encodeRGBA(pixels, width: 3, height: 2)
        return try PNGCardWriter.embed([PNGCardPayload(keyword: "Title", bytes: Array("x".utf8))], into: png).png
    }

    /// Bytes that sniff as a JPEG (CardKit never decodes them).
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0x00, 0x01, 0xFF, 0xD9]

    static func card(name: String = "Wren", tags: [String] = ["original", "fantasy"], assets: [CardAsset]?) -> Card {
        var card = Card(spec: .v3, name: name)
        card[field: "first_mes"] = "Hello, {{user}}."
        card[field: "tags"] = .array(tags.map { .string($0) })
        if let assets { card[field: "assets"] = .array(assets.map { .object($0.object) }) }
        return card
    }

    static func charx(icon: [UInt8], iconPath: String, extraFiles: [CharXFile] = []) throws -> Data {
        let ext = iconPath.split(separator: ".").last.map(String.init) ?? "png"
        let assets = [
            CardAsset(type: "icon", uri: "embeded://\(iconPath)", name: "main", ext: ext),
            CardAsset(type: "emotion", uri: "embeded://assets/emotion/images/happy.png", name: "happy", ext: "png"),
        ]
        let happy = CharXFile(path: "assets/emotion/images/happy.png", bytes: Data(Array("happy-bytes".utf8)))
        return try CharXWriter.write(
            card: card(assets: assets), files: [CharXFile(path: iconPath, bytes: Data(icon)), happy] + extraFiles)
    }

    /// A PNG card whose V3 card names two RisuAI asset chunks, plus one chunk nothing names.
    static func pngWithAssetChunks() throws -> [UInt8] {
        let assets = [
            CardAsset(type: "icon", uri: "ccdefault:", name: "main", ext: "png"),
            CardAsset(type: "emotion", uri: "__asset:0", name: "joy", ext: "png"),
            CardAsset(type: "x_voice", uri: "__asset:1", name: "hello", ext: "ogg"),
        ]
        let v3 = card(assets: assets)
        return try PNGCardWriter.embed(
            [
                PNGCardPayload(keyword: "chara-ext-asset_:0", bytes: Array("joy-bytes".utf8)),
                PNGCardPayload(keyword: "chara-ext-asset_:1", bytes: Array("ogg-bytes".utf8)),
                PNGCardPayload(keyword: "chara-ext-asset_:extra", bytes: Array("extra-bytes".utf8)),
                .ccv3(JSONWriter.bytes(v3.json)),
            ], into: portrait()
        ).png
    }

    /// Every chunk of a PNG except text chunks whose keyword is a card or asset keyword, in order.
    static func imageChunks(_ png: [UInt8]) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var offset = 8
        while offset + 12 <= png.count {
            let length = png[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: png[offset + 4..<offset + 8], as: UTF8.self)
            let data = png[offset + 8..<offset + 8 + length]
            let keyword = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self).lowercased()
            let isCard =
                type == "tEXt" && (keyword == "chara" || keyword == "ccv3" || keyword.hasPrefix("chara-ext-asset_"))
            if !isCard { chunks.append(Array(png[offset..<offset + 12 + length])) }
            offset += 12 + length
        }
        return chunks
    }

    static func assetChunks(_ png: [UInt8]) throws -> [String: [UInt8]] {
        let scan = try PNGCardReader.scan(png)
        return Dictionary(scan.assets.map { ($0.location.keyword, $0.data) }, uniquingKeysWith: { _, last in last })
    }

    static func convert(
        _ bytes: some Collection<UInt8>, to target: ConversionTarget, _ options: ConversionOptions = .init()
    )
        throws -> ConversionResult
    {
        try CardConverter.convert(data: Data(bytes), path: "in", to: target, options: options)
    }

    // MARK: - The picture

    @Test func aCharXWithAPNGIconBecomesAPNGWhoseImageIsTheIcon() throws {
        let icon = try Self.portrait()
        let result = try Self.convert(Self.charx(icon: icon, iconPath: "assets/icon/images/main.png"), to: .png)
        #expect(Self.imageChunks(result.output.bytes) == Self.imageChunks(icon))
        let card = try CardFileLoader.load(data: Data(result.output.bytes), path: "out.png").card
        #expect(card.fields["assets"]?[0]?["uri"] == "ccdefault:")
        #expect(card.fields["assets"]?[1]?["uri"] == "__asset:0")
        #expect(try Self.assetChunks(result.output.bytes) == ["chara-ext-asset_:0": Array("happy-bytes".utf8)])
        #expect(result.lossReport.isLossless)
        #expect(result.lossReport.target == "png")
    }

    @Test func aJPEGIconIsReportedAndTravelsAsAnAssetChunk() throws {
        let result = try Self.convert(Self.charx(icon: Self.jpeg, iconPath: "assets/icon/images/main.jpg"), to: .png)
        #expect(Self.imageChunks(result.output.bytes) == Self.imageChunks(try PNGDefaultAvatar.png()))
        #expect(result.lossReport.entries.count == 1)
        let entry = try #require(result.lossReport.entries.first)
        #expect(entry.kind == .coerced)
        #expect(entry.pointer == JSONPointer(tokens: ["data", "assets", "0"]))
        #expect(entry.asset == "assets/icon/images/main.jpg")
        #expect(entry.reason.contains("JPEG"))
        let chunks = try Self.assetChunks(result.output.bytes)
        #expect(chunks["chara-ext-asset_:0"] == Self.jpeg)
        #expect(chunks["chara-ext-asset_:1"] == Array("happy-bytes".utf8))
        #expect(result.diagnostics.contains { $0.code == .lostField && $0.message.hasPrefix("PNG: coerced:") })
    }

    @Test func anImageGivenByTheCallerWinsWithoutALoss() throws {
        var options = ConversionOptions()
        options.image = Data(try Self.portrait())
        let result = try Self.convert(
            Self.charx(icon: Self.jpeg, iconPath: "assets/icon/images/main.jpg"), to: .png, options)
        #expect(Self.imageChunks(result.output.bytes) == Self.imageChunks(try Self.portrait()))
        #expect(result.lossReport.isLossless)
    }

    // MARK: - Assets

    @Test func pngAssetChunksBecomeCharXEntriesAndComeBackByteForByte() throws {
        let png = try Self.pngWithAssetChunks()
        let charx = try Self.convert(png, to: .charx)
        #expect(charx.lossReport.isLossless)
        let document = try CharXReader.read(data: Data(charx.output.bytes))
        let files = Dictionary(document.files.map { ($0.path, $0.bytes) }, uniquingKeysWith: { a, _ in a })
        #expect(files["assets/emotion/images/joy.png"] == Data("joy-bytes".utf8))
        #expect(files["assets/other/audio/hello.ogg"] == Data("ogg-bytes".utf8))
        #expect(files["assets/other/other/extra"] == Data("extra-bytes".utf8))
        let uris = document.card.card.fields["assets"]?.arrayValue?.compactMap { $0["uri"]?.stringValue }
        #expect(
            uris == [
                "embeded://assets/icon/images/main.png", "embeded://assets/emotion/images/joy.png",
                "embeded://assets/other/audio/hello.ogg",
            ])
        #expect(files["assets/icon/images/main.png"].map { Self.imageChunks([UInt8]($0)) } == Self.imageChunks(png))

        let back = try Self.convert(charx.output.bytes, to: .png)
        #expect(back.lossReport.isLossless)
        #expect(Self.imageChunks(back.output.bytes) == Self.imageChunks(png))
        #expect(
            try Self.assetChunks(back.output.bytes) == [
                "chara-ext-asset_:0": Array("joy-bytes".utf8), "chara-ext-asset_:1": Array("ogg-bytes".utf8),
                "chara-ext-asset_:assets/other/other/extra": Array("extra-bytes".utf8),
            ])
    }

    @Test func pngToPNGKeepsTheAssetChunkNames() throws {
        let png = try Self.pngWithAssetChunks()
        let result = try Self.convert(png, to: .png)
        #expect(result.lossReport.isLossless)
        #expect(try Self.assetChunks(result.output.bytes) == Self.assetChunks(png))
        #expect(Self.imageChunks(result.output.bytes) == Self.imageChunks(png))
    }

    @Test func droppingAssetsReportsEachOne() throws {
        var options = ConversionOptions()
        options.dropAssets = true
        let result = try Self.convert(Self.pngWithAssetChunks(), to: .png, options)
        #expect(try Self.assetChunks(result.output.bytes).isEmpty)
        #expect(result.lossReport.entries.map(\.kind) == [.dropped, .dropped, .dropped])
        #expect(
            result.lossReport.entries.map(\.asset) == [
                "chara-ext-asset_:0", "chara-ext-asset_:1", "chara-ext-asset_:extra",
            ])
        #expect(result.lossReport.entries.map(\.pointer.description) == ["/data/assets/1", "/data/assets/2", ""])
        // No descriptor is left naming a chunk that is not there: RisuAI would refuse the card.
        let card = try CardFileLoader.load(data: Data(result.output.bytes), path: "out.png").card
        #expect(card.fields["assets"]?.arrayValue?.compactMap { $0["uri"]?.stringValue } == ["ccdefault:"])
    }

    @Test func aDescriptorNamingNoFileIsKeptAndWarnedAbout() throws {
        let assets = [
            CardAsset(type: "icon", uri: "embeded://assets/main.png", name: "main", ext: "png"),
            CardAsset(type: "emotion", uri: "embeded://assets/gone.png", name: "gone", ext: "png"),
        ]
        let source = try CharXWriter.write(
            card: Self.card(assets: assets),
            files: [CharXFile(path: "assets/main.png", bytes: Data(try Self.portrait()))])
        for target in [ConversionTarget.charx, .png] {
            let result = try Self.convert(source, to: target)
            #expect(result.lossReport.isLossless, "\(target)")
            let warning = result.diagnostics.last { $0.code == .assetMissing }
            #expect(warning?.pointer?.description == "/data/assets/1/uri")
            #expect(warning?.message.contains("RisuAI refuses") == true)
            let card = try CardFileLoader.load(data: Data(result.output.bytes), path: "out").card
            #expect(card.fields["assets"]?[1]?["uri"] == "embeded://assets/gone.png")
        }
    }

    @Test func aFileWhosePathIsTooLongForAKeywordTravelsUnderANumber() throws {
        let long = "x_meta/" + String(repeating: "a", count: 50) + ".json"
        let source = try Self.charx(
            icon: Self.portrait(), iconPath: "assets/main.png", extraFiles: [CharXFile(path: long, bytes: Data([7]))])
        let result = try Self.convert(source, to: .png)
        #expect(try Self.assetChunks(result.output.bytes)["chara-ext-asset_:1"] == [7])
        let entry = try #require(result.lossReport.entries.first)
        #expect(entry.kind == .coerced)
        #expect(entry.asset == long)
        #expect(try Self.assetChunks(result.output.bytes).keys.allSatisfy { $0.utf8.count <= 69 })
    }

    @Test func aMissingAssetChunkIsReported() throws {
        let v3 = Self.card(assets: [CardAsset(type: "emotion", uri: "__asset:7", name: "joy", ext: "png")])
        let png = try PNGCardWriter.embed([.ccv3(JSONWriter.bytes(v3.json))], into: Self.portrait()).png
        let result = try Self.convert(png, to: .charx)
        let entry = try #require(result.lossReport.entries.first)
        #expect(entry.asset == "chara-ext-asset_:7")
        #expect(entry.pointer.description == "/data/assets/0/uri")
    }

    @Test func charXFilesNoAssetNamesAreKept() throws {
        let extra = [
            CharXFile(path: "module.risum", bytes: Data([1, 2, 3])),
            CharXFile(path: "x_meta/happy.json", bytes: Data(#"{"type":"emotion"}"#.utf8)),
        ]
        let source = try Self.charx(icon: Self.portrait(), iconPath: "assets/main.png", extraFiles: extra)
        let again = try CharXReader.read(data: Data(try Self.convert(source, to: .charx).output.bytes))
        #expect(again.files.map(\.path) == ["assets/main.png", "assets/emotion/images/happy.png"] + extra.map(\.path))
        #expect(again.files.suffix(2).map(\.bytes) == extra.map(\.bytes))

        // Through a PNG and back, nothing is lost either.
        let png = try Self.convert(source, to: .png)
        #expect(png.lossReport.isLossless)
        let back = try CharXReader.read(data: Data(try Self.convert(png.output.bytes, to: .charx).output.bytes))
        let files = Dictionary(back.files.map { ($0.path, $0.bytes) }, uniquingKeysWith: { a, _ in a })
        #expect(files["module.risum"] == Data([1, 2, 3]))
        #expect(files["x_meta/happy.json"] == Data(#"{"type":"emotion"}"#.utf8))
    }

    @Test func charXToJSONReportsTheIconAndEveryFile() throws {
        let source = try Self.charx(
            icon: Self.portrait(), iconPath: "assets/main.png",
            extraFiles: [CharXFile(path: "module.risum", bytes: Data([9]))])
        let result = try Self.convert(source, to: .card(.v3))
        #expect(
            result.lossReport.entries.map(\.asset) == [
                "assets/main.png", "assets/emotion/images/happy.png", "module.risum",
            ])
        #expect(result.lossReport.entries.allSatisfy { $0.kind == .dropped })
        #expect(result.reportJSON["target"] == "v3")
        #expect(result.reportJSON["entries"]?[2]?["asset"] == "module.risum")
    }

    // MARK: - What we write imports

    @Test func anImageLessCardBecomesACharXWithExtensionsAndTheDefaultAvatar() throws {
        let json = JSONWriter.bytes(Self.card(assets: nil).json)
        let result = try Self.convert(json, to: .charx)
        let document = try CharXReader.read(data: Data(result.output.bytes))
        #expect(document.files.map(\.path) == ["assets/icon/images/main.png"])
        #expect(document.files.first?.bytes == Data(try PNGDefaultAvatar.png()))
        let stored = try JSONParser.parse(document.cardJSON).value
        #expect(stored["data"]?["extensions"] == .object([:]))
        #expect(stored["data"]?["assets"]?[0]?["uri"] == "embeded://assets/icon/images/main.png")
        #expect(stored["data"]?["assets"]?[0]?["name"] == "main")
        #expect(result.lossReport.isLossless)
    }

    @Test func aCcdefaultIconPointsAtThePackedImage() throws {
        let json = JSONWriter.bytes(
            Self.card(assets: [CardAsset(type: "icon", uri: "ccdefault:", name: "main", ext: "png")]).json)
        let document = try CharXReader.read(data: Data(try Self.convert(json, to: .charx).output.bytes))
        let assets = try #require(document.card.card.fields["assets"]?.arrayValue)
        #expect(assets.count == 1)
        #expect(assets[0]["uri"] == "embeded://assets/icon/images/main.png")
    }

    @Test func assetChunksBeyondTheCountLimitAreSkippedWithAWarning() throws {
        var options = PNGReadOptions()
        options.maxAssetChunks = 2
        let scan = try PNGCardReader.scan(try Self.pngWithAssetChunks(), options: options)
        #expect(scan.assets.map(\.name) == ["0", "1"])
        #expect(scan.diagnostics.contains { $0.code == .pngBadAssetChunk && $0.message.contains("more than 2") })
    }

    @Test func unpackThenPackKeepsAPNGsAssetChunks() throws {
        let png = try Self.pngWithAssetChunks()
        let folder = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("card")
        _ = try CardFolder.unpack(data: Data(png), path: "risu.png", to: folder)
        let packed = try CardFolder.pack(folder, as: .png)
        #expect(try Self.assetChunks(packed.bytes) == Self.assetChunks(png))
        #expect(Self.imageChunks(packed.bytes) == Self.imageChunks(png))
        let before = try CardFileLoader.load(data: Data(png), path: "risu.png").card
        let after = try CardFileLoader.load(data: Data(packed.bytes), path: "packed.png").card
        #expect(after.fields["assets"] == before.fields["assets"])
    }

    // MARK: - Shared cards

    @Test(
        .enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason),
        arguments: SharedFixtures.cardNames(extensions: ["png", "charx"]))
    func everySharedCardKeepsItsImageAndAssetsThroughPNGAndCharX(name: String) throws {
        let data = try SharedFixtures.cardData(name)
        let source = try CardFileLoader.load(data: data, path: name)
        let charx = try Self.convert(data, to: .charx)
        let png = try Self.convert(charx.output.bytes, to: .png)
        let charxAgain = try Self.convert(png.output.bytes, to: .charx)
        #expect(png.lossReport.isLossless, "\(png.lossReport)")
        let first = try CharXReader.read(data: Data(charx.output.bytes))
        let last = try CharXReader.read(data: Data(charxAgain.output.bytes))
        #expect(Set(first.files.map(\.bytes)) == Set(last.files.map(\.bytes)))
        #expect(last.card.card.fields["extensions"]?.objectValue != nil)
        if source.container == .png {
            #expect(Self.imageChunks(png.output.bytes) == Self.imageChunks([UInt8](data)))
            let pngAgain = try Self.convert(data, to: .png)
            #expect(Self.imageChunks(pngAgain.output.bytes) == Self.imageChunks([UInt8](data)))
        } else {
            let icon = try #require(CharXReader.read(data: data).mainIcon?.bytes)
            if FileSignature.detect(icon) == .png {
                #expect(Self.imageChunks(png.output.bytes) == Self.imageChunks([UInt8](icon)))
            }
            let original = try CharXReader.read(data: data)
            #expect(Set(original.files.map(\.bytes)).isSubset(of: Set(last.files.map(\.bytes))))
        }
    }
}

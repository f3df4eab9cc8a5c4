@_spi(Testing) import CardKitFiles
import CardKitJSON
import CardKitTestSupport
import CardModel
import CardPNG
import Foundation
import Testing

@testable import CardFormats

@Suite struct CharXSharedCardTests {
    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func readsTavernKitTestCharacterWithItsUnreferencedEmotion() throws {
        let document = try CharXReader.read(data: SharedFixtures.cardData("tavernkit_test_character.charx"))
        let card = document.card.card
        #expect(card.spec == .v3)
        #expect(card.name == "Test Character")
        #expect(card.nickname == "TestChar")
        #expect(card.alternateGreetings == ["Greetings!", "Hey there!"])
        #expect(document.cardPath == "card.json")
        #expect(document.zipOffset == 0)
        #expect(document.assets.map(\.path) == ["assets/main.png", "assets/emotions/happy.png"])
        #expect(document.assets.map(\.resolution) == [.exactPath, .unreferenced])
        #expect(document.assets.map(\.referenced) == [true, false])
        #expect(document.assets.map { $0.bytes?.count } == [138_232, 138_232])
        let main = try #require(document.mainIcon)
        #expect(main.uri == "embeded://assets/main.png")
        #expect(main.type == "icon" && main.name == "main" && main.ext == "png")
        #expect(main.bytes?.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        #expect(document.unreferencedFiles.map(\.path) == ["assets/emotions/happy.png"])
        #expect(document.diagnostics.map(\.code) == [.unreferencedFiles])
        // The card has no data.extensions (the reference's note); the reader reports it.
        #expect(document.card.diagnostics.contains { $0.pointer == JSONPointer(tokens: ["data", "extensions"]) })
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func readsTheLorebookCharXWithEveryBookLevelKey() throws {
        let document = try CharXReader.read(
            data: SharedFixtures.cardData("tavernkit_test_character_with_lorebook.charx"))
        let book = try #require(document.card.card.characterBook)
        #expect(document.card.card.name == "Lorebook Test Character")
        #expect(book.name == "Test Lorebook")
        #expect(book.description == "A test lorebook")
        #expect(book.scanDepth?.literal == "2")
        #expect(book.tokenBudget?.literal == "2048")
        #expect(book.recursiveScanning == true)
        #expect(book.entries.map(\.keys) == [["keyword1", "keyword2"], ["secret"]])
        #expect(book.entries.map { $0.object["case_sensitive"] } == [.bool(false), .bool(true)])
        #expect(document.assets.map(\.path) == ["assets/main.png"])
        #expect(document.unreferencedFiles.isEmpty)
    }

    @Test(
        .enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason),
        arguments: ["tavernkit_test_character.charx", "tavernkit_test_character_with_lorebook.charx"])
    func writeThenReadRoundTripsCardAndAssetBytes(name: String) throws {
        let original = try CharXReader.read(data: SharedFixtures.cardData(name))
        let written = try CharXWriter.write(original)
        let again = try CharXReader.read(data: written)
        #expect(again.card.card.json == original.card.card.json)
        #expect(JSONWriter.string(again.card.card.json) == JSONWriter.string(original.card.card.json))
        #expect(again.files == original.files)
        #expect(again.assets.map(\.resolution) == original.assets.map(\.resolution))
        // Deterministic: the same document gives the same bytes.
        #expect(try CharXWriter.write(original) == written)
        #expect(try CharXWriter.write(again) == written)
    }

    @Test(.enabled(if: SharedFixtures.isAvailable, SharedFixtures.skipReason))
    func packsAPNGCardWithItsImageAsTheMainIcon() throws {
        let png = try SharedFixtures.cardData("st_default_Seraphina_v2_2023.png")
        let card = try CardReader.read(
            json: .object([
                "name": "Seraphina", "description": "d", "personality": "",
                "scenario": "", "first_mes": "hi", "mes_example": "",
            ])
        ).card
        let packed = try CharXWriter.pack(card: card, mainIcon: png)
        let document = try CharXReader.read(data: packed.data)
        #expect(document.card.card.spec == .v3)
        #expect(document.card.card.assets.map(\.uri) == ["embeded://assets/icon/images/main.png"])
        #expect(document.mainIcon?.bytes == png)
        #expect(document.mainIcon?.resolution == .exactPath)
    }

    @Test func packingWithoutAnImageGivesTheDefaultAvatarAndExtensions() throws {
        let card = try CardReader.read(json: .object(["name": "Wren", "first_mes": "hi"])).card
        let packed = try CharXWriter.pack(card: card, mainIcon: nil)
        let document = try CharXReader.read(data: packed.data)
        #expect(document.files.map(\.path) == ["assets/icon/images/main.png"])
        #expect(document.mainIcon?.bytes == Data(try PNGDefaultAvatar.png()))
        #expect(try JSONParser.parse(document.cardJSON).value["data"]?["extensions"] == .object([:]))
    }
}

@Suite struct CharXQuirkTests {
    @Test func acceptsTheEmbeddedSpellingAndReportsIt() throws {
        let zip = try ZIPFixtures.make([
            .file(
                "card.json",
                ZIPFixtures.cardJSON(
                    assets:
                        #"[{"type":"icon","uri":"embedded://assets/icon/images/main.png","name":"main","ext":"png"}]"#)),
            .file("assets/icon/images/main.png", ZIPFixtures.fakePNG, compressed: false),
        ])
        let document = try CharXReader.read(data: zip)
        #expect(document.assets.map(\.resolution) == [.exactPath])
        #expect(document.mainIcon?.bytes == ZIPFixtures.fakePNG)
        #expect(document.diagnostics.map(\.code) == [.embeddedSpelling])
        #expect(document.diagnostics.first?.pointer == JSONPointer(tokens: ["data", "assets", "0", "uri"]))
    }

    @Test func matchesAnAssetBySuffixAsSillyTavernDoes() throws {
        let zip = try ZIPFixtures.make([
            .file(
                "card.json",
                ZIPFixtures.cardJSON(
                    assets: #"[{"type":"icon","uri":"embeded://images/main.png","name":"main","ext":"png"}]"#)),
            .file("assets/icon/images/main.png", ZIPFixtures.fakePNG),
        ])
        let document = try CharXReader.read(data: zip)
        #expect(document.assets.map(\.resolution) == [.suffixMatch])
        #expect(document.assets.map(\.path) == ["assets/icon/images/main.png"])
        #expect(document.diagnostics.map(\.code) == [.assetSuffixMatch])
        #expect(document.diagnostics.first?.severity == .warning)
    }

    @Test func computesSillyTavernsTailForSuffixMatching() {
        #expect(CharXPath.sillyTavernTail(of: "embeded://assets/main.png") == "main.png")
        #expect(CharXPath.sillyTavernTail(of: "embeded://assets/icon/images/main.png") == "icon/images/main.png")
        #expect(CharXPath.sillyTavernTail(of: "main.png") == "main.png")
    }

    @Test func findsACardJSONBelowTheRootBySuffixWithAWarning() throws {
        let zip = try ZIPFixtures.make([.file("Fixture/card.json", ZIPFixtures.cardJSON(name: "Nested"))])
        let document = try CharXReader.read(data: zip)
        #expect(document.cardPath == "Fixture/card.json")
        #expect(document.card.card.name == "Nested")
        #expect(document.diagnostics.map(\.code) == [.cardJSONNotAtRoot])
    }

    @Test func skipsMacOSMetadataEntries() throws {
        let zip = try ZIPFixtures.make([
            .directory("__MACOSX/"),
            .file("__MACOSX/._card.json", Data("junk".utf8)),
            .file("card.json", ZIPFixtures.cardJSON()),
            .file("__MACOSX/assets/._main.png", Data("junk".utf8)),
        ])
        let document = try CharXReader.read(data: zip)
        #expect(document.cardPath == "card.json")
        #expect(document.assets.map(\.resolution) == [.cardDefault])
        #expect(document.files.isEmpty)
        #expect(document.diagnostics.map(\.code) == [.macOSXSkipped])
        #expect(document.diagnostics.first?.message.contains("2 __MACOSX/") == true)
    }

    @Test func readsAZIPAppendedToAJPEG() throws {
        let zip = try ZIPFixtures.make([
            .file(
                "card.json",
                ZIPFixtures.cardJSON(
                    name: "Jpeg",
                    assets: #"[{"type":"icon","uri":"embeded://assets/icon/image/main.png","name":"main","ext":"png"}]"#
                )),
            .file("assets/icon/image/main.png", ZIPFixtures.fakePNG),
        ])
        let combined = ZIPFixtures.fakeJPEG + zip
        let document = try CharXReader.read(data: combined)
        #expect(document.zipOffset == ZIPFixtures.fakeJPEG.count)
        #expect(document.card.card.name == "Jpeg")
        #expect(document.mainIcon?.bytes == ZIPFixtures.fakePNG)
        #expect(document.diagnostics.first?.code == .zipAfterPrefix)
        #expect(document.diagnostics.first?.message.contains("a JPEG image") == true)
        #expect(CardFormatSniffer.detect(data: combined) == .charx(zipOffset: ZIPFixtures.fakeJPEG.count))
    }

    @Test func treatsMissingAssetsAsTheDefaultIconAndResolvesEveryURIKind() throws {
        let noAssets = try CharXReader.read(data: ZIPFixtures.make([.file("card.json", ZIPFixtures.cardJSON())]))
        #expect(noAssets.assets.count == 1)
        #expect(noAssets.assets.first?.resolution == .cardDefault)
        #expect(noAssets.assets.first?.uri == "ccdefault:")
        #expect(noAssets.assets.first?.index == nil)

        let assets = #"""
            [{"type":"icon","uri":"ccdefault:","name":"main","ext":"png"},
             {"type":"emotion","uri":"data:image/png;base64,iVBORw0KGgo=","name":"happy","ext":"png"},
             {"type":"background","uri":"https://example.com/bg.webp","name":"main","ext":"webp"},
             {"type":"emotion","uri":"embeded://assets/emotion/images/sad.png","name":"sad","ext":"png"},
             {"type":"x_risu","uri":"ftp://example.com/x","name":"x","ext":"unknown"}]
            """#
        let zip = try ZIPFixtures.make([
            .file("card.json", ZIPFixtures.cardJSON(assets: assets)),
            .file("module.risum", ZIPFixtures.noise(count: 64)),
            .file("x_meta/happy.json", Data(#"{"type":"png"}"#.utf8)),
        ])
        let document = try CharXReader.read(data: zip)
        #expect(
            document.assets.map(\.resolution) == [
                .cardDefault, .dataURI, .remote, .missing, .unsupported, .unreferenced, .unreferenced,
            ])
        #expect(document.assets[1].bytes == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(document.assets.map(\.index) == [0, 1, 2, 3, 4, nil, nil])
        #expect(document.unreferencedFiles.map(\.path) == ["module.risum", "x_meta/happy.json"])
        #expect(document.unreferencedFiles.map(\.ext) == ["risum", "json"])
        #expect(document.diagnostics.map(\.code) == [.assetMissing, .assetUnsupportedURI, .unreferencedFiles])
        // Everything is written back, referenced or not.
        let again = try CharXReader.read(data: CharXWriter.write(document))
        #expect(again.files == document.files)
    }

    @Test func refusesAnArchiveWithoutCardJSON() throws {
        let zip = try ZIPFixtures.make([.file("readme.txt", Data("hi".utf8))])
        #expect(throws: CharXError.missingCardJSON(entries: ["readme.txt"])) { try CharXReader.read(data: zip) }
    }

    @Test func refusesBytesThatHoldNoZIP() {
        #expect(throws: CharXError.self) { try CharXReader.read(data: Data("not a zip".utf8)) }
        #expect(CardFormatSniffer.detect(data: Data("not a zip".utf8)) == .unknown)
    }

    @Test func refusesACardJSONThatIsNotACard() throws {
        let zip = try ZIPFixtures.make([.file("card.json", Data(#"{"entries":{}}"#.utf8))])
        #expect {
            try CharXReader.read(data: zip)
        } throws: { error in
            guard case .invalidCard(let entry, _)? = error as? CharXError else { return false }
            return entry == "card.json"
        }
    }
}

@Suite struct CharXSafetyTests {
    private func card() -> ZIPFixtures.Item { .file("card.json", ZIPFixtures.cardJSON()) }

    @Test func refusesAParentTraversalEntry() throws {
        let zip = try ZIPFixtures.make([card(), .file("assets/../../evil.sh", Data("rm -rf".utf8))])
        #expect(throws: CharXError.parentTraversal(entry: "assets/../../evil.sh")) { try CharXReader.read(data: zip) }
        #expect(
            CharXError.parentTraversal(entry: "assets/../../evil.sh").description
                == #"CharX entry "assets/../../evil.sh": refused: a ".." path component"#)
    }

    @Test func refusesABackslashParentTraversalEntry() throws {
        let zip = try ZIPFixtures.make([card(), .file(#"..\evil.bat"#, Data("x".utf8))])
        #expect(throws: CharXError.parentTraversal(entry: #"..\evil.bat"#)) { try CharXReader.read(data: zip) }
    }

    @Test(arguments: ["/etc/cron.d/evil", "C:/Windows/evil.dll"])
    func refusesAnAbsolutePathEntry(path: String) throws {
        let zip = try ZIPFixtures.make([card(), .file(path, Data("x".utf8))])
        #expect(throws: CharXError.absolutePath(entry: path)) { try CharXReader.read(data: zip) }
    }

    @Test func refusesASymbolicLinkEntry() throws {
        let zip = try ZIPFixtures.make([card(), .symlink("assets/link", target: "/etc/passwd")])
        #expect(throws: CharXError.symbolicLink(entry: "assets/link")) { try CharXReader.read(data: zip) }
    }

    @Test func refusesTooManyEntries() throws {
        var items = [card()]
        for index in 0..<10 { items.append(.file("assets/\(index).txt", Data("\(index)".utf8))) }
        var options = CharXReadOptions()
        options.limits.maxEntries = 10
        let zip = try ZIPFixtures.make(items)
        #expect(throws: CharXError.tooManyEntries(limit: 10)) { try CharXReader.read(data: zip, options: options) }
        options.limits.maxEntries = 11
        #expect(try CharXReader.read(data: zip, options: options).files.count == 10)
    }

    @Test func refusesABombByCompressionRatio() throws {
        let zeros = Data(count: 8 << 20)
        let zip = try ZIPFixtures.make([card(), .file("assets/zeros.bin", zeros)])
        #expect(zip.count < 100_000)
        #expect {
            try CharXReader.read(data: zip)
        } throws: { error in
            guard case .compressionRatioExceeded(let entry, let ratio, let limit)? = error as? CharXError else {
                return false
            }
            return entry == "assets/zeros.bin" && ratio > 500 && limit == 200
        }
    }

    @Test func refusesABombByTotalSize() throws {
        let zip = try ZIPFixtures.make([
            card(), .file("assets/a.bin", ZIPFixtures.noise(count: 60_000)),
            .file("assets/b.bin", ZIPFixtures.noise(count: 60_000, seed: 3)),
        ])
        var options = CharXReadOptions()
        options.limits.maxTotalUncompressedBytes = 100_000
        #expect(throws: CharXError.totalSizeExceeded(entry: "assets/b.bin", limit: 100_000)) {
            try CharXReader.read(data: zip, options: options)
        }
    }

    @Test func refusesAnEntryThatInflatesPastItsDeclaredSize() throws {
        let zip = try ZIPFixtures.make([.file("card.json", Data(repeating: 0x20, count: 200_000))])
        let lying = ZIPFixtures.patchUncompressedSizes(zip, to: 1_000)
        #expect(
            throws: CharXError.corruptEntry(
                entry: "card.json", reason: "inflates past its declared size of 1000 bytes (a lying header)")
        ) { try CharXReader.read(data: lying) }
    }

    @Test(arguments: [false, true])
    func refusesAnEntryWhoseBytesDoNotMatchItsCRC(compressed: Bool) throws {
        let asset = ZIPFixtures.noise(count: 300_000)
        let zip = try ZIPFixtures.make([card(), .file("assets/noise.bin", asset, compressed: compressed)])
        // Flip one byte of the stored entry's data (stored: the noise itself; deflated: inside the deflate stream,
        // where the inflated bytes change or the stream breaks).
        var bytes = [UInt8](zip)
        let start = try #require(compressed ? bytes.count / 2 : Self.firstIndex(of: Array(asset.prefix(64)), in: bytes))
        bytes[start + 1_000] ^= 0x01
        let error = #expect(throws: CharXError.self) { try CharXReader.read(data: Data(bytes)) }
        guard case .corruptEntry(let entry, let reason) = error else {
            Issue.record("expected corruptEntry, got \(String(describing: error))")
            return
        }
        #expect(entry == "assets/noise.bin")
        guard !compressed else {
            #expect(reason.hasPrefix("CRC-32 mismatch") || reason.hasPrefix("cannot be inflated"), "\(reason)")
            return
        }
        var changed = [UInt8](asset)
        changed[1_000] ^= 0x01
        let stored = String(format: "%08x", TestChecksums.crc32(asset))
        let computed = String(format: "%08x", TestChecksums.crc32(changed))
        #expect(reason == "CRC-32 mismatch (stored \(stored), computed \(computed))")
        // With the check turned off the changed bytes are read as they are.
        var unchecked = CharXReadOptions()
        unchecked.verifyChecksums = false
        let read = try CharXReader.read(data: Data(bytes), options: unchecked)
        #expect(read.files.first { $0.path == "assets/noise.bin" }?.bytes == Data(changed))
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    @Test func refusesAnEntryLargerThanThePerEntryLimit() throws {
        let zip = try ZIPFixtures.make([card(), .file("assets/big.bin", ZIPFixtures.noise(count: 5_000))])
        var options = CharXReadOptions()
        options.limits.maxEntryUncompressedBytes = 4_096
        #expect(throws: CharXError.entryTooLarge(entry: "assets/big.bin", size: 5_000, limit: 4_096)) {
            try CharXReader.read(data: zip, options: options)
        }
    }

    @Test func writerRefusesUnsafeAndDuplicatePaths() throws {
        let card = Card(spec: .v3, name: "W")
        #expect(throws: CharXError.parentTraversal(entry: "../x.png")) {
            try CharXWriter.write(card: card, files: [CharXFile(path: "../x.png", bytes: Data())])
        }
        #expect(throws: CharXError.absolutePath(entry: "/x.png")) {
            try CharXWriter.write(card: card, files: [CharXFile(path: "/x.png", bytes: Data())])
        }
        #expect(throws: CharXError.duplicatePath(entry: "card.json")) {
            try CharXWriter.write(card: card, files: [CharXFile(path: "card.json", bytes: Data())])
        }
    }
}

@Suite struct CharXUnpackTests {
    @Test func unpacksCardAndEveryFileIntoAFolder() throws {
        let cardBytes = ZIPFixtures.cardJSON(
            name: "Unpacked",
            assets: #"[{"type":"icon","uri":"embeded://assets/icon/images/main.png","name":"main","ext":"png"}]"#)
        let zip = try ZIPFixtures.make([
            .file("card.json", cardBytes),
            .file("assets/icon/images/main.png", ZIPFixtures.fakePNG),
            .file("x_meta/main.json", Data("{}".utf8)),
        ])
        let document = try CharXReader.read(data: zip)
        let folder = try SharedFixtures.makeTemporaryDirectory().appendingPathComponent("out")
        let written = try document.unpack(to: folder)
        #expect(written.map(\.lastPathComponent) == ["card.json", "main.png", "main.json"])
        #expect(try Data(contentsOf: folder.appendingPathComponent("card.json")) == cardBytes)
        #expect(
            try Data(contentsOf: folder.appendingPathComponent("assets/icon/images/main.png")) == ZIPFixtures.fakePNG)
        #expect(try Data(contentsOf: folder.appendingPathComponent("x_meta/main.json")) == Data("{}".utf8))
    }

    @Test func refusesToUnpackThroughASymbolicLinkInTheDestination() throws {
        let zip = try ZIPFixtures.make([
            .file("card.json", ZIPFixtures.cardJSON()), .file("assets/a.txt", Data("a".utf8)),
        ])
        let document = try CharXReader.read(data: zip)
        let base = try SharedFixtures.makeTemporaryDirectory()
        let outside = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let folder = base.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: folder.appendingPathComponent("assets"), withDestinationURL: outside)
        #expect {
            try document.unpack(to: folder)
        } throws: { error in
            guard case .cannotUnpack(let entry, let reason)? = error as? CharXError else { return false }
            return entry == "assets/a.txt" && reason.hasSuffix("is a symbolic link")
        }
        #expect(!FileManager.default.fileExists(atPath: outside.appendingPathComponent("a.txt").path))
    }
}

@Suite struct CharXUnpackSafetyTests {
    private func document() throws -> CharXDocument {
        let zip = try ZIPFixtures.make([
            .file("card.json", ZIPFixtures.cardJSON()), .file("assets/deep/a.txt", Data("a".utf8)),
            .file("assets/b.txt", Data(repeating: 0x62, count: 4096)),
        ])
        return try CharXReader.read(data: zip)
    }

    @Test func aFullDiskRemovesEverythingTheUnpackCreated() throws {
        let document = try document()
        let base = try SharedFixtures.makeTemporaryDirectory()
        let folder = base.appendingPathComponent("out")
        let budget = AtomicFileFaults.ByteBudget(bytes: document.cardJSON.count + 1 + 100)
        #expect {
            try AtomicFileFaults.$byteBudget.withValue(budget) { try document.unpack(to: folder) }
        } throws: { error in
            guard case .cannotUnpack(let entry, let reason)? = error as? CharXError else { return false }
            return entry == "assets/b.txt"
                && reason == "\(folder.path)/assets/b.txt: No space left on device"
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: base.path) == [])
    }

    @Test func refusesASymbolicLinkAtTheRoot() throws {
        let document = try document()
        let base = try SharedFixtures.makeTemporaryDirectory()
        let outside = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let folder = base.appendingPathComponent("out")
        try FileManager.default.createSymbolicLink(at: folder, withDestinationURL: outside)
        #expect {
            try document.unpack(to: folder)
        } throws: { error in
            guard case .cannotUnpack(let entry, let reason)? = error as? CharXError else { return false }
            return entry == "card.json" && reason == "\(folder.path) is a symbolic link"
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path) == [])
    }
}

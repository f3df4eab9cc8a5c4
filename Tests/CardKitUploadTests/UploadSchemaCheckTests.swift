import CardKitJSON
import CardKitUpload
import CardModel
import CardPlatforms
import Foundation
import Testing

/// Every converted object passes its platform schema before anything is sent.
@Suite struct UploadSchemaCheckTests {
    @Test func extraTagsLetAOneTagCardThrough() throws {
        var card = Card(spec: .v3, name: "Solo")
        card.description = "A card with a single tag."
        card.firstMessage = "Hi."
        card.tags = ["only"]
        var options = UploadOptions(provider: .spicychat, kind: .characters)
        options.conversion.extraTags = ["Adventure"]
        let item = try UploadPreparer(options: options).prepare(path: "solo.json", input: .card(card, imageBytes: nil))
        #expect(item.payload["tags"] == ["only", "Adventure"])
    }

    @Test func aSpicychatCharacterWithOneTagIsRefusedBeforeSending() throws {
        var card = Card(spec: .v3, name: "Solo")
        card.description = "A card with a single tag."
        card.firstMessage = "Hi."
        card.tags = ["only"]
        let preparer = UploadPreparer(options: UploadOptions(provider: .spicychat, kind: .characters))
        do throws(UploadInputError) {
            _ = try preparer.prepare(path: "solo.json", input: .card(card, imageBytes: nil))
            Issue.record("expected the tag minimum to refuse the card")
        } catch {
            #expect(error.reason == "Spicychat requires at least 2 tags; the card has 1 (\"only\")")
        }
    }

    @Test func aValidCardPassesEveryCharacterSchema() throws {
        var card = Card(spec: .v3, name: "Valid")
        card.description = "Described."
        card.firstMessage = "Hello."
        card.tags = ["one", "two"]
        for provider in [UploadPlatform.spicychat, .nextchat, .chattr] {
            let prepared = try UploadPreparer(options: UploadOptions(provider: provider, kind: .characters))
                .prepare(path: "valid.json", input: .card(card, imageBytes: nil))
            #expect(prepared.name == "Valid")
        }
    }
}

/// Each upload platform is one unit: its descriptor names itself, its platform and schemas that exist.
@Suite struct UploadPlatformDescriptorTests {
    @Test func everyProviderHasAConsistentUploadDescriptor() throws {
        for provider in UploadPlatform.all {
            #expect(provider.platform.upload == provider)
            #expect(provider.platform.upload == provider)
            #expect(provider.description == provider.platform.displayName)
            #expect(!provider.kinds.isEmpty)
            for kind in provider.kinds {
                let options = UploadOptions(provider: provider, kind: kind)
                #expect(UploadPreparer(options: options).payloadSchemaName != nil, "\(provider) \(kind)")
            }
        }
        #expect(Platform.characterai.upload == nil)
        #expect(UploadPlatform.spicychat.kinds == [.characters, .personas])
        #expect(UploadPlatform.chattr.kinds == [.characters])
        #expect(UploadPlatform.chattr.mode == .updateOnly)
        #expect(UploadPlatform.nextchat.mode == .createOrUpdate)
    }

    @Test func aConnectedClientIsThePlatformsUploader() throws {
        let connection = UploadConnection(
            baseURL: URL(string: "http://127.0.0.1:9")!, token: "token-value", transport: UploadTestSupport.transport)
        for provider in UploadPlatform.all {
            #expect(try provider.uploader(connection).provider == provider)
        }
        var anonymous = connection
        anonymous.token = nil
        #expect(throws: UploadError.credentials) { _ = try UploadPlatform.nextchat.uploader(anonymous) }
    }

    @Test func libraryMessagesNameNoFlagAndCarryTheRemedy() throws {
        let error = try #require(throws: UploadError.self) {
            try UploadURLPolicy.check(URL(string: "http://example.com")!, allowInsecureHTTP: false)
        }
        #expect(error == .insecureURL)
        #expect(error.remedy == .allowInsecureHTTP)
        #expect(!error.message.contains("--"))
    }
}

/// Input loading and the id map are library calls; the CLI only names the files.
@Suite struct UploadInputLoadingTests {
    @Test func anAvatarImageInAPersonaFolderIsNamedAsAnImage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ck-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let avatar = directory.appendingPathComponent("Reader.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]).write(to: avatar)
        let jpeg = directory.appendingPathComponent("Reader.jpg")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]).write(to: jpeg)
        for url in [avatar, jpeg] {
            guard case .notApplicable(let reason) = try UploadInput.load(url.path, kind: .personas, walked: true) else {
                Issue.record("\(url.lastPathComponent) is not a persona input")
                continue
            }
            #expect(reason == "an image with no card in it (an avatar?), not a persona")
        }
    }

    @Test func aWalkedFileOfTheOtherKindIsSkippedAndANamedOneIsLoaded() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ck-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let persona = directory.appendingPathComponent("p.json")
        try Data(JSONWriter.bytes(Persona(name: "Reader", description: "{{user}} reads.").json)).write(to: persona)
        guard case .notApplicable = try UploadInput.load(persona.path, kind: .characters, walked: true) else {
            Issue.record("a walked persona is not a character input")
            return
        }
        guard case .persona(let loaded) = try UploadInput.load(persona.path, kind: .characters, walked: false) else {
            Issue.record("a named persona is loaded, for the preparer to refuse")
            return
        }
        #expect(loaded.name == "Reader")
        let error = try #require(throws: UploadInputError.self) {
            _ = try UploadInput.load(
                directory.appendingPathComponent("missing.json").path, kind: .characters, walked: false)
        }
        #expect(!error.reason.hasPrefix(directory.path), "the reason does not repeat the path: \(error.reason)")
    }

    @Test func theIdMapKeysEachPathAsWrittenAndStandardized() throws {
        let map = try UploadOptions.idMap(json: Array(#"{"cards/./a.json": "char-a"}"#.utf8))
        #expect(map["cards/./a.json"] == "char-a")
        #expect(map[URL(fileURLWithPath: "cards/./a.json").standardizedFileURL.path] == "char-a")
        #expect(throws: UploadInputError.self) { _ = try UploadOptions.idMap(json: Array(#"{"a": 1}"#.utf8)) }
        #expect(throws: UploadInputError.self) { _ = try UploadOptions.idMap(json: Array("[]".utf8)) }
    }
}

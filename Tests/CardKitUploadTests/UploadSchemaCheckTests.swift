import CardKitUpload
import CardModel
import Testing

/// Every converted object passes its platform schema before anything is sent.
@Suite struct UploadSchemaCheckTests {
    @Test func aSpicychatCharacterWithOneTagIsRefusedBeforeSending() throws {
        var card = Card(spec: .v3, name: "Solo")
        card.description = "A card with a single tag."
        card.firstMessage = "Hi."
        card.tags = ["only"]
        let preparer = UploadPreparer(options: UploadOptions(provider: .spicychat, kind: .characters))
        do {
            _ = try preparer.prepare(path: "solo.json", input: .card(card, imageBytes: nil))
            Issue.record("expected the schema check to refuse the card")
        } catch let error as UploadInputError {
            #expect(error.reason.hasPrefix("the converted object fails the spicychat-character schema: /tags"))
        }
    }

    @Test func aValidCardPassesEveryCharacterSchema() throws {
        var card = Card(spec: .v3, name: "Valid")
        card.description = "Described."
        card.firstMessage = "Hello."
        card.tags = ["one", "two"]
        for provider in [UploadProvider.spicychat, .nextchat, .chattr] {
            let prepared = try UploadPreparer(options: UploadOptions(provider: provider, kind: .characters))
                .prepare(path: "valid.json", input: .card(card, imageBytes: nil))
            #expect(prepared.name == "Valid")
        }
    }
}

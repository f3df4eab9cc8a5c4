import CardKitJSON
import CardKitTestSupport
import CardKitUpload
import CardModel
import FakeProviderServer
import Foundation
import Testing

/// Inputs written by the tests: V2 cards and persona files.
enum UploadFixtures {
    static func writeCards(_ count: Int, in directory: URL, prefix: String = "Card") throws -> [String] {
        try (0..<count).map { index in
            let name = "\(prefix) \(String(format: "%04d", index))"
            let card: JSONValue = [
                "spec": "chara_card_v2", "spec_version": "2.0",
                "data": [
                    "name": .string(name), "description": .string("Description of \(name)"),
                    "personality": "curious", "scenario": "A test", "first_mes": "Hello!", "mes_example": "",
                    "creator_notes": "", "system_prompt": "", "post_history_instructions": "",
                    "alternate_greetings": [], "tags": ["test", "fantasy"], "creator": "tests",
                    "character_version": "1", "extensions": [:],
                ],
            ]
            let url = directory.appendingPathComponent("card-\(index).json")
            try Data(JSONWriter.bytes(card)).write(to: url)
            return url.path
        }
    }

    static func writePersonas(_ count: Int, in directory: URL, withAvatar: Bool = false) throws -> [String] {
        if withAvatar { try Data(UploadTestSupport.pngBytes).write(to: directory.appendingPathComponent("avatar.png")) }
        return try (0..<count).map { index in
            let persona = Persona(
                name: "Persona \(String(format: "%04d", index))", description: "{{user}} number \(index)",
                avatar: withAvatar ? "avatar.png" : nil)
            let url = directory.appendingPathComponent("persona-\(index).json")
            try Data(JSONWriter.bytes(persona.json)).write(to: url)
            return url.path
        }
    }

    static func load(_ path: String) throws -> UploadInput {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        if PersonaReader.isPersona(bytes: bytes) { return .persona(try PersonaReader.read(bytes).persona) }
        return .card(try CardReader.read(bytes).card, imageBytes: nil)
    }
}

@Suite struct BulkUploadTests {
    private func engine(
        _ client: any PlatformUploader, kind: UploadKind, state: UploadStateFile, concurrency: Int = 16
    ) -> UploadEngine {
        var options = UploadOptions(provider: client.provider, kind: kind)
        options.concurrency = concurrency
        return UploadEngine(client: client, options: options, state: state, loader: UploadFixtures.load)
    }

    private var faultPolicy: UploadRetryPolicy {
        var policy = UploadTestSupport.fastPolicy
        policy.maxAttempts = 12
        return policy
    }

    @Test func fiveHundredPersonasAndCharactersWithTwentyPercentFaultsEndExactlyOnce() async throws {
        try await UploadTestSupport.withFake(failRate: 0.2) { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let personas = try UploadFixtures.writePersonas(500, in: directory, withAvatar: true)
            let cards = try UploadFixtures.writeCards(500, in: directory)
            let personaState = try UploadStateFile(url: directory.appendingPathComponent("personas.jsonl"))
            let cardState = try UploadStateFile(url: directory.appendingPathComponent("cards.jsonl"))
            let spicy = (try UploadTestSupport.spicy(fake, policy: faultPolicy))
            let next = (try UploadTestSupport.next(fake, policy: faultPolicy))

            async let personaRun = engine(spicy, kind: .personas, state: personaState).run(paths: personas)
            async let cardRun = engine(next, kind: .characters, state: cardState).run(paths: cards)
            let (personaSummary, cardSummary) = await (personaRun, cardRun)

            #expect(personaSummary.count(.created) == 500)
            #expect(cardSummary.count(.created) == 500)
            #expect(personaSummary.verdict == .succeeded)
            #expect(cardSummary.verdict == .succeeded)
            let state = await fake.state()
            #expect(state.count("spicychat", "personas") == 500)
            #expect(state.count("nextchat", "characters") == 500)
            #expect(state["stats"]?["duplicates"]?.arrayValue == [])
            let injected =
                state["stats"]?["injected"]?.objectValue?.map { $0.value.numberValue?.intValue ?? 0 }.reduce(0, +) ?? 0
            #expect(injected > 200)
            let names = Set((state["nextchat"]?["characters"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
            #expect(names.count == 500)

            // A second run skips everything and sends no create.
            await fake.configure(failRate: 0)
            let again = await engine(next, kind: .characters, state: cardState).run(paths: cards)
            #expect(again.count(.unchanged) == 500)
            #expect(await fake.state().count("nextchat", "characters") == 500)
        }
    }

    @Test func interruptedCreateIsReconciledByReadBack() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let cards = try UploadFixtures.writeCards(3, in: directory)
            let stateURL = directory.appendingPathComponent("state.jsonl")
            let client = try UploadTestSupport.next(fake)
            // Simulate a run killed after "intent" and after the server applied the create.
            let prepared = try UploadPreparer(options: UploadOptions(provider: .nextchat, kind: .characters))
                .prepare(path: cards[0], input: try UploadFixtures.load(cards[0]))
            _ = try await client.createCharacter(prepared.payload)
            // Written through a state file that is closed (and unlocked) before the run opens it again.
            try await UploadTestSupport.append(
                [
                    UploadStateRecord(
                        key: prepared.key, contentHash: prepared.contentHash, kind: "character", provider: "nextchat",
                        state: .intent, name: prepared.name)
                ], to: stateURL)
            // And a torn last line, as kill -9 during a write leaves.
            let handle = try FileHandle(forWritingTo: stateURL)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("{\"key\":\"torn".utf8))
            try handle.close()

            let reopened = try UploadStateFile(url: stateURL)
            #expect(reopened.ignoredLines == 1)
            let summary = await engine(client, kind: .characters, state: reopened, concurrency: 2).run(
                paths: cards)
            #expect(summary.count(.created) == 3)
            #expect(summary.outcomes[0].message == "found after an interrupted run; not created again")
            let fakeState = await fake.state()
            #expect(fakeState.count("nextchat", "characters") == 3)
            #expect(fakeState["stats"]?["duplicates"]?.arrayValue == [])
        }
    }

    @Test func changedInputIsUpdatedOnlyWithUpdateExisting() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let cards = try UploadFixtures.writeCards(2, in: directory)
            let state = try UploadStateFile(url: directory.appendingPathComponent("state.jsonl"))
            let client = (try UploadTestSupport.next(fake))
            _ = await engine(client, kind: .characters, state: state).run(paths: cards)
            _ = try UploadFixtures.writeCards(2, in: directory, prefix: "Card")  // same content
            var text = try String(contentsOfFile: cards[1], encoding: .utf8)
            text = text.replacingOccurrences(of: "curious", with: "brave")
            try text.write(toFile: cards[1], atomically: true, encoding: .utf8)
            let skipped = await engine(client, kind: .characters, state: state).run(paths: cards)
            #expect(skipped.outcomes.map(\.status) == [.unchanged, .skipped])
            var options = UploadOptions(provider: .nextchat, kind: .characters)
            options.updateExisting = true
            let updated = await UploadEngine(
                client: client, options: options, state: state, loader: UploadFixtures.load
            ).run(paths: cards)
            #expect(updated.outcomes.map(\.status) == [.unchanged, .updated])
            // The remote of the second input, found by id: two jobs may create the two in either order.
            let updatedId = try #require(updated.outcomes[1].remoteId)
            let remote = await fake.state()["nextchat"]?["characters"]?.arrayValue?.first {
                $0["id"]?.stringValue == updatedId
            }
            #expect(remote?["personality"]?["personality"]?.stringValue == "brave")
            #expect(remote?["version"]?.numberValue?.intValue == 2)
        }
    }

    @Test func chattrUploadsUpdateByIdMapExtensionOrSlug() async throws {
        try await UploadTestSupport.withFake { fake in
            await fake.seedChattr([["id": "card-0000", "name": "Old"], ["id": "mapped", "name": "Old"]])
            let directory = try UploadTestSupport.temporaryDirectory()
            let cards = try UploadFixtures.writeCards(3, in: directory)
            var options = UploadOptions(provider: .chattr, kind: .characters)
            options.idMap = [cards[1]: "mapped"]
            let state = try UploadStateFile(url: directory.appendingPathComponent("state.jsonl"))
            let summary = await UploadEngine(
                client: try UploadTestSupport.chattr(fake), options: options, state: state,
                loader: UploadFixtures.load
            ).run(paths: cards)
            #expect(summary.outcomes.map(\.status) == [.updated, .updated, .failed])
            #expect(summary.outcomes.map(\.remoteId) == ["card-0000", "mapped", nil])
            #expect(
                summary.outcomes[2].message?.contains("no such character on Chattr (Chattr cannot create characters)")
                    == true)
            #expect(summary.verdict == .someFailed)
        }
    }

    @Test func refusedCredentialsStopTheRunWithExitCodeThree() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let cards = try UploadFixtures.writeCards(2, in: directory)
            let state = try UploadStateFile(url: directory.appendingPathComponent("state.jsonl"))
            let client = (try UploadTestSupport.next(fake, token: "not-the-token"))
            let summary = await engine(client, kind: .characters, state: state).run(paths: cards)
            #expect(summary.verdict == .providerUnavailable)
            #expect(summary.notAttempted == cards)
            #expect(summary.stopReason == .authentication)
        }
    }

    @Test func unreachableProviderIsExitCodeThree() async throws {
        var policy = UploadTestSupport.fastPolicy
        policy.maxAttempts = 2
        policy.requestTimeout = TestSanitizer.scaled(.milliseconds(300))
        let client = try NextChatClient(
            baseURL: try #require(URL(string: "http://127.0.0.1:9")), token: "t-t-t-t",
            transport: UploadTestSupport.transport, policy: policy)
        let directory = try UploadTestSupport.temporaryDirectory()
        let cards = try UploadFixtures.writeCards(1, in: directory)
        let summary = await engine(
            client, kind: .characters,
            state: try UploadStateFile(url: directory.appendingPathComponent("s.jsonl"))
        ).run(paths: cards)
        #expect(summary.verdict == .providerUnavailable)
        #expect(summary.stopReason == .transport)
    }

    @Test func dryRunSendsNothingAndInvalidInputsAreReported() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            var paths = try UploadFixtures.writeCards(2, in: directory)
            let bad = directory.appendingPathComponent("bad.json")
            try Data("{\"spec\": \"chara_card_v2\", \"data\": ".utf8).write(to: bad)
            paths.append(bad.path)
            var options = UploadOptions(provider: .nextchat, kind: .characters)
            options.dryRun = true
            let summary = await UploadEngine(client: nil, options: options, state: nil, loader: UploadFixtures.load)
                .run(paths: paths)
            #expect(summary.outcomes.map(\.status) == [.planned, .planned, .invalid])
            #expect(summary.verdict == .someFailed)
            #expect(await fake.state()["stats"]?["requests"]?.numberValue?.intValue == 0)
        }
    }
}

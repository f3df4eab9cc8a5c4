import CardKitJSON
import CardKitUpload
import FakeProviderServer
import Foundation
import Logging
import Testing

@Suite struct SpicychatClientTests {
    @Test func createsListsAndDeletesPersonasWithTwoStepAvatar() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.spicy(fake)
            let key = try await client.uploadAvatar(UploadTestSupport.pngBytes, mimeType: "image/png")
            #expect(key == "avatars/\(UploadDigest.md5Hex(UploadTestSupport.pngBytes)).png")
            let persona = try await client.createPersona(name: "Alice", highlights: "An elf", avatarKey: key)
            #expect(persona.name == "Alice")
            #expect(persona.avatarURL == key)
            let listed = try await client.listPersonas()
            #expect(listed.map(\.name) == ["Alice"])
            #expect(listed.first?.highlights == "An elf")
            try await client.deletePersona(id: persona.id)
            #expect(try await client.listPersonas().isEmpty)
            await #expect(throws: UploadError.notFound) { try await client.deletePersona(id: persona.id) }
            let state = await fake.state()
            #expect(state["spicychat"]?["images"]?.numberValue?.intValue == 1)
        }
    }

    @Test func charactersGetUpdateAndUnverifiedCreate() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.spicy(fake)
            let created = try await client.createCharacter([
                "name": "Seraphina", "greeting": "Hello", "persona": "A guardian", "tags": ["Fantasy", "Female"],
            ])
            let id = try #require(created["id"]?.stringValue)
            #expect(try await client.getCharacter(id: id)["persona"]?.stringValue == "A guardian")
            let updated = try await client.updateCharacter(id: id, fields: ["title": "Forest guardian"])
            #expect(updated["title"]?.stringValue == "Forest guardian")
            #expect(try await client.listOwnCharacters().count == 1)
            await #expect(throws: UploadError.validation) {
                _ = try await client.createCharacter(["name": "X", "tags": ["one"]])
            }
            await #expect(throws: UploadError.notFound) { _ = try await client.getCharacter(id: "missing") }
        }
    }

    @Test func wrongTokenIsAnAuthenticationError() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.spicy(fake, token: "wrong-token")
            do {
                _ = try await client.listPersonas()
                Issue.record("expected an error")
            } catch let error as UploadError {
                #expect(error == .authentication)
                #expect(error.status == 401)
                #expect(!error.description.contains("wrong-token"))
            }
        }
    }

    @Test func ambiguousCreateIsReadBackInsteadOfDuplicated() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.spicy(fake)
            await fake.script([FakeScriptedFault(method: "POST", pathPrefix: "/personas", drop: "after")])
            let persona = try await client.createPersona(name: "Bob", highlights: "", avatarKey: nil)
            #expect(persona.name == "Bob")
            let state = await fake.state()
            #expect(state.count("spicychat", "personas") == 1)
            #expect(state["stats"]?["duplicates"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func droppedBeforeApplyingIsCreatedOnce() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.spicy(fake)
            await fake.script([
                FakeScriptedFault(method: "POST", pathPrefix: "/personas", drop: "before"),
                FakeScriptedFault(method: "POST", pathPrefix: "/personas", status: 503),
            ])
            _ = try await client.createPersona(name: "Carol", highlights: "", avatarKey: nil)
            #expect(await fake.state().count("spicychat", "personas") == 1)
        }
    }
}

@Suite struct ChattrClientTests {
    @Test func listsGetsAndUpdatesSeededCharacters() async throws {
        try await UploadTestSupport.withFake { fake in
            await fake.seedChattr([["id": "seraphina", "name": "Seraphina"]])
            let client = try UploadTestSupport.chattr(fake)
            #expect(
                try await client.listCharacters().compactMap { $0["id"]?.stringValue } == ["assistant", "seraphina"])
            let updated = try await client.updateCharacter(
                id: "seraphina", fields: ["description": "Guardian", "configuration": ["system_prompt": "Be kind"]])
            #expect(updated["description"]?.stringValue == "Guardian")
            #expect(updated["configuration"]?["system_prompt"]?.stringValue == "Be kind")
            #expect(updated["configuration"]?["max_tokens"]?.numberValue?.intValue == 1024)
            #expect(try await client.getCharacter(id: "seraphina")["description"]?.stringValue == "Guardian")
        }
    }

    @Test func missingCharacterSaysChattrCannotCreate() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.chattr(fake)
            do {
                _ = try await client.updateCharacter(id: "nobody", fields: ["name": "Nobody"])
                Issue.record("expected an error")
            } catch let error as UploadError {
                #expect(error == .notFound)
                #expect(error.platformCode == "NOT_FOUND")
                #expect(error.message.hasPrefix("no such character on Chattr (Chattr cannot create characters)"))
            }
        }
    }

    @Test func validationErrorsCarryFieldDetails() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.chattr(fake)
            do {
                _ = try await client.updateCharacter(id: "assistant", fields: ["configuration": ["temperature": 5]])
                Issue.record("expected an error")
            } catch let error as UploadError {
                #expect(error == .validation)
                #expect(error.platformCode == "INVALID_REQUEST")
                #expect(
                    error.fieldErrors == [
                        .init(field: "configuration.temperature", message: "must be a number from 0 to 2")
                    ])
            }
        }
    }

    @Test func wrongKeyIsUnauthorized() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.chattr(fake, key: "nope-nope")
            await #expect(throws: UploadError.authentication) { _ = try await client.listCharacters() }
        }
    }
}

@Suite struct NextChatClientTests {
    static let request: JSONObject = [
        "name": "Seraphina", "description": "A guardian",
        "personality": [
            "name": "Seraphina", "description": "A guardian", "personality": "kind", "scenario": "",
            "firstMes": "Hello", "mesExample": "",
        ],
        "tags": ["fantasy"], "isPublic": false,
    ]

    @Test func createGetListUpdateDelete() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.next(fake)
            let created = try await client.createCharacter(Self.request)
            let id = try #require(created["id"]?.stringValue)
            #expect(created["version"]?.numberValue?.intValue == 1)
            #expect(try await client.getCharacter(id: id)["name"]?.stringValue == "Seraphina")
            let page = try await client.listCharacters(search: "sera")
            #expect(page.total == 1)
            #expect(page.hasMore == false)
            let updated = try await client.updateCharacter(id: id, fields: ["description": "Changed"], version: 1)
            #expect(updated["version"]?.numberValue?.intValue == 2)
            #expect(updated["description"]?.stringValue == "Changed")
            try await client.deleteCharacter(id: id)
            await #expect(throws: UploadError.notFound) { _ = try await client.getCharacter(id: id) }
        }
    }

    @Test func staleVersionIsReadAndReappliedOnce() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.next(fake)
            let id = try #require(try await client.createCharacter(Self.request)["id"]?.stringValue)
            _ = try await client.updateCharacter(id: id, fields: ["description": "v2"], version: 1)
            let updated = try await client.updateCharacter(id: id, fields: ["description": "v3"], version: 1)
            #expect(updated["version"]?.numberValue?.intValue == 3)
            #expect(updated["description"]?.stringValue == "v3")
        }
    }

    @Test func validationAndConflictMapping() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.next(fake)
            do {
                _ = try await client.createCharacter(["name": "", "description": "x", "personality": "not an object"])
                Issue.record("expected an error")
            } catch let error as UploadError {
                #expect(error == .validation)
                #expect(error.platformCode == "CHARACTER_INVALID_DATA")
                #expect(error.fieldErrors.map(\.field) == ["name", "personality"])
            }
            await fake.script([
                FakeScriptedFault(method: "PUT", status: 409), FakeScriptedFault(method: "PUT", status: 409),
            ])
            let id = try #require(try await client.createCharacter(Self.request)["id"]?.stringValue)
            await #expect(throws: UploadError.conflict) {
                _ = try await client.updateCharacter(id: id, fields: ["description": "x"], version: 1)
            }
        }
    }

    @Test func importsACardJSON() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.next(fake)
            let card: JSONValue = [
                "spec": "chara_card_v2", "spec_version": "2.0",
                "data": ["name": "Imported", "description": "d", "first_mes": "Hi", "tags": ["a"]],
            ]
            let created = try await client.importCard(card)
            #expect(created["name"]?.stringValue == "Imported")
            #expect(created["personality"]?["firstMes"]?.stringValue == "Hi")
            await #expect(throws: UploadError.validation) { _ = try await client.importCard(["spec": "nope"]) }
        }
    }

    @Test func ambiguousCreateIsNotDuplicated() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.next(fake)
            await fake.script([FakeScriptedFault(method: "POST", pathPrefix: "/api/characters", drop: "after")])
            _ = try await client.createCharacter(Self.request)
            #expect(await fake.state().count("nextchat", "characters") == 1)
        }
    }
}

@Suite struct RetryTests {
    @Test(arguments: [
        (["Retry-After": "0"], nil as String?),
        (["Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"], nil),
        (
            [:],
            "{\"error\":{\"code\":\"ST_API_RATE_LIMITED\",\"message\":\"slow down\",\"details\":{\"retryAfter\":0}}}"
        ),
        ([:], nil),
    ])
    func retries429InEveryHintForm(headers: [String: String], body: String?) async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.next(fake)
            await fake.script([FakeScriptedFault(method: "GET", status: 429, headers: headers, body: body)])
            let page = try await client.listCharacters()
            #expect(page.total == 0)
        }
    }

    @Test(arguments: [500, 502, 503, 504, 408, 425])
    func retriesTransientStatuses(status: Int) async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.chattr(fake)
            await fake.script([FakeScriptedFault(status: status), FakeScriptedFault(status: status)])
            #expect(try await client.listCharacters().count == 1)
        }
    }

    @Test func retryAfterAboveTheCapFailsFast() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.chattr(fake)
            await fake.script([FakeScriptedFault(status: 503, headers: ["Retry-After": "3600"])])
            do {
                _ = try await client.listCharacters()
                Issue.record("expected an error")
            } catch let error as UploadError {
                #expect(error == .rateLimited)
                #expect(error.retryAfter == .seconds(3600))
            }
        }
    }

    @Test func slowResponseTimesOut() async throws {
        try await UploadTestSupport.withFake { fake in
            var policy = UploadTestSupport.fastPolicy
            policy.requestTimeout = .milliseconds(100)
            policy.maxAttempts = 2
            let client = try UploadTestSupport.chattr(fake, policy: policy)
            await fake.script([FakeScriptedFault(delayMilliseconds: 400), FakeScriptedFault(delayMilliseconds: 400)])
            await #expect(throws: UploadError.timeout) { _ = try await client.listCharacters() }
        }
    }

    @Test func doesNotRetryClientErrors() async throws {
        try await UploadTestSupport.withFake { fake in
            let client = try UploadTestSupport.chattr(fake)
            await fake.script([FakeScriptedFault(status: 403), FakeScriptedFault(status: 403)])
            await #expect(throws: UploadError.forbidden) { _ = try await client.listCharacters() }
            // The second scripted 403 is still queued: no retry happened.
            await #expect(throws: UploadError.forbidden) { _ = try await client.listCharacters() }
        }
    }

    @Test func backoffIsFullJitterUnderTheCap() {
        var policy = UploadRetryPolicy()
        policy.random = { 1.0 }
        #expect(policy.backoff(retry: 0) == .seconds(1))
        #expect(policy.backoff(retry: 3) == .seconds(8))
        #expect(policy.backoff(retry: 10) == .seconds(30))
        policy.random = { 0.5 }
        #expect(policy.backoff(retry: 2) == .seconds(2))
    }

    @Test func parsesRetryAfterForms() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:50:37 GMT", now: now) == .seconds(60))
        #expect(RetryAfter.parse("Sunday, 06-Nov-94 08:49:47 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Sun Nov  6 08:49:57 1994", now: now) == .seconds(20))
        #expect(RetryAfter.parse("Sat, 05 Nov 1994 08:49:37 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("soon", now: now) == nil)
    }
}

@Suite struct SecurityTests {
    @Test(arguments: ["http://127.0.0.1:8000", "http://localhost", "http://[::1]:80", "https://example.com"])
    func acceptsLoopbackOrTLS(url: String) throws {
        try UploadURLPolicy.check(try #require(URL(string: url)), allowInsecureHTTP: false)
    }

    @Test func refusesPlainHTTPToOtherHosts() throws {
        let url = try #require(URL(string: "http://example.com/api"))
        #expect(throws: UploadError.insecureURL) { try UploadURLPolicy.check(url, allowInsecureHTTP: false) }
        try UploadURLPolicy.check(url, allowInsecureHTTP: true)
    }

    @Test func credentialsFileIsWritten0600AndGroupReadableOnesRefused() throws {
        let directory = try UploadTestSupport.temporaryDirectory()
        let file = directory.appendingPathComponent("cardkit/credentials.json")
        try UploadCredentials.write(["nextchat": "secret-token-1"], to: file)
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try UploadCredentials.resolve(for: .nextchat, environment: [:], file: file) == "secret-token-1")
        #expect(
            try UploadCredentials.resolve(
                for: .nextchat, environment: ["CARDKIT_NEXTCHAT_TOKEN": "env-token"], file: file) == "env-token")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let error = #expect(throws: UploadError.self) {
            try UploadCredentials.resolve(for: .nextchat, environment: [:], file: file)
        }
        #expect(error == .credentials)
        #expect(error?.message.contains("readable by group or others (mode 644)") == true)
        #expect(error?.message.contains("secret-token-1") == false)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        #expect(throws: UploadError.credentials) {
            try UploadCredentials.resolve(for: .chattr, environment: [:], file: file)
        }
    }

    @Test func digestsMatchKnownVectors() {
        #expect(UploadDigest.md5Hex(Array("abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(
            UploadDigest.sha256Hex(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(UploadDigest.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func loggerScrubsSecrets() {
        final class Box: @unchecked Sendable { var lines: [String] = [] }
        let box = Box()
        let logger = Logger.upload(level: .trace, secrets: ["s3cr3t-token"]) { _, line in box.lines.append(line) }
        logger.log(.debug, "Authorization: Bearer s3cr3t-token")
        #expect(box.lines == ["Authorization: Bearer <redacted>"])
    }
}

import CardKitJSON
import CardKitTestSupport
import CardKitUpload
import FakeProviderServer
import Foundation
import Logging
import Testing

/// A fake with Spicychat's refresh grant configured, and helpers to read its auth counters.
enum TokenRefreshSupport {
    static let clientID = "test-client id+/&="
    static let refreshToken = "test-refresh-token-5e3a"

    static func configuration(latency: Duration = .zero) -> FakeProviderConfiguration {
        var configuration = UploadTestSupport.configuration()
        configuration.spicychatClientID = clientID
        configuration.spicychatRefreshToken = refreshToken
        configuration.latency = latency
        return configuration
    }

    /// Runs `body` with a fresh fake server, stopping it afterwards.
    static func withFake<T: Sendable>(
        latency: Duration = .zero, _ body: (RunningFakeProviders) async throws -> T
    ) async throws -> T {
        try await UploadTestSupport.withFake(configuration(latency: latency), body)
    }

    static func provider(
        _ fake: RunningFakeProviders, refreshToken: String = refreshToken,
        accessToken: String? = UploadTestSupport.spicyToken,
        transport: any UploadTransport = UploadTestSupport.transport,
        logger: Logger = .silent, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
        onRotation: OAuthRefreshTokenProvider.RotationHandler? = nil
    ) throws -> OAuthRefreshTokenProvider {
        try OAuthRefreshTokenProvider(
            authURL: fake.baseURL, clientID: clientID, refreshToken: refreshToken, accessToken: accessToken,
            transport: transport, policy: UploadTestSupport.fastPolicy, logger: logger, now: now, onRotation: onRotation
        )
    }

    static func client(
        _ fake: RunningFakeProviders, _ tokens: any UploadTokenProvider,
        transport: any UploadTransport = UploadTestSupport.transport, logger: Logger = .silent
    ) throws -> SpicychatClient {
        try SpicychatClient(
            baseURL: fake.baseURL, tokenProvider: tokens, transport: transport, policy: UploadTestSupport.fastPolicy,
            logger: logger)
    }

    static func engine(
        _ client: SpicychatClient, state: UploadStateFile, concurrency: Int, logger: Logger = .silent
    )
        -> UploadEngine
    {
        var options = UploadOptions(provider: .spicychat, kind: .personas)
        options.concurrency = concurrency
        return UploadEngine(
            client: client, options: options, state: state, logger: logger, loader: UploadFixtures.load)
    }
}

extension JSONValue {
    /// A counter of the fake's Spicychat auth state (`tokenGrants`, `refusedGrants`, `expiredTokenRejections`).
    func auth(_ key: String) -> Int { self["spicychat"]?["auth"]?[key]?.numberValue?.intValue ?? -1 }
}

/// Passes every request to the real transport.
///
/// Before the `after + 1`th request that matches, it runs `action` once
/// (for example: expire the fake's access tokens mid-batch), and it keeps every credential it sees go by (the
/// `Authorization` values sent, the tokens the auth host answered with) so that tests can look for them in logs.
struct TriggeringTransport: UploadTransport {
    actor Trigger {
        let after: Int
        let matches: @Sendable (UploadRequest) -> Bool
        let action: @Sendable () async -> Void
        private var seen = 0
        private(set) var secrets: Set<String> = []

        init(
            after: Int, matches: @escaping @Sendable (UploadRequest) -> Bool,
            action: @escaping @Sendable () async -> Void
        ) {
            self.after = after
            self.matches = matches
            self.action = action
        }

        func observe(_ request: UploadRequest) async {
            for header in request.headers where header.name == "Authorization" {
                secrets.insert(String(header.value.dropFirst("Bearer ".count)))
            }
            guard matches(request) else { return }
            seen += 1
            if seen == after + 1 { await action() }
        }

        func observe(_ response: UploadResponse, for request: UploadRequest) {
            guard request.url.path == OAuthRefreshTokenProvider.tokenPath,
                let object = try? JSONParser.parse(response.body).value.objectValue
            else { return }
            for key in ["access_token", "refresh_token"] {
                if let token = object[key]?.stringValue { secrets.insert(token) }
            }
        }
    }

    let base: any UploadTransport
    let trigger: Trigger

    init(
        after: Int = .max - 1, matching matches: @escaping @Sendable (UploadRequest) -> Bool = { _ in false },
        action: @escaping @Sendable () async -> Void = {}
    ) {
        base = UploadTestSupport.transport
        trigger = Trigger(after: after, matches: matches, action: action)
    }

    func send(_ request: UploadRequest, timeout: Duration) async throws(UploadError) -> UploadResponse {
        await trigger.observe(request)
        let response = try await base.send(request, timeout: timeout)
        await trigger.observe(response, for: request)
        return response
    }
}

/// Collects log lines.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var logger: Logger {
        Logger.upload(level: .trace) { level, line in
            self.lock.lock()
            defer { self.lock.unlock() }
            self.lines.append("\(level): \(line)")
        }
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Duration = .zero
    private let start = ContinuousClock.now

    var now: ContinuousClock.Instant {
        lock.lock()
        defer { lock.unlock() }
        return start + offset
    }

    func advance(_ duration: Duration) {
        lock.lock()
        defer { lock.unlock() }
        offset += duration
    }
}

@Suite struct TokenRefreshTests {
    private static func isPersonaCreate(_ request: UploadRequest) -> Bool {
        request.method == .post && request.url.path == "/personas"
    }

    @Test func accessTokenExpiredMidBatchIsRefreshedOnceAndEveryPersonaIsCreatedOnce() async throws {
        try await TokenRefreshSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let personas = try UploadFixtures.writePersonas(40, in: directory)
            let transport = TriggeringTransport(after: 10, matching: Self.isPersonaCreate) {
                await fake.expireSpicychatAccessTokens()
            }
            let tokens = try TokenRefreshSupport.provider(fake, transport: transport)
            let client = try TokenRefreshSupport.client(fake, tokens, transport: transport)
            let state = try UploadStateFile(url: directory.appendingPathComponent("state.jsonl"))

            let summary = await TokenRefreshSupport.engine(client, state: state, concurrency: 8).run(paths: personas)

            #expect(summary.verdict == .succeeded)
            #expect(summary.count(.created) == 40)
            #expect(summary.notAttempted.isEmpty)
            let snapshot = await fake.state()
            #expect(snapshot.count("spicychat", "personas") == 40)
            #expect(snapshot["stats"]?["duplicates"]?.arrayValue == [])
            #expect(snapshot.auth("tokenGrants") == 1)
            #expect(snapshot.auth("refusedGrants") == 0)
            #expect(snapshot.auth("expiredTokenRejections") >= 1)
            #expect(await tokens.grantCount == 1)
            #expect(await tokens.currentRefreshToken == snapshot["spicychat"]?["auth"]?["refreshToken"]?.stringValue)
            #expect(await tokens.currentRefreshToken != TokenRefreshSupport.refreshToken)
        }
    }

    @Test func eightConcurrentUnauthorizedAnswersShareOneRefresh() async throws {
        // Every request waits this long at the fake, so all eight are refused before the first refresh is done.
        try await TokenRefreshSupport.withFake(latency: TestSanitizer.scaled(.milliseconds(150))) { fake in
            #expect(await fake.expireSpicychatAccessTokens() == 1)
            let tokens = try TokenRefreshSupport.provider(fake)
            let client = try TokenRefreshSupport.client(fake, tokens)

            let names = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await client.createPersona(name: "Racer \(index)", highlights: "", avatarKey: nil).name
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }

            #expect(names.sorted() == (0..<8).map { "Racer \($0)" })
            let snapshot = await fake.state()
            #expect(snapshot.auth("expiredTokenRejections") == 8)
            #expect(snapshot.auth("tokenGrants") == 1)
            #expect(await tokens.grantCount == 1)
            #expect(snapshot.count("spicychat", "personas") == 8)
            #expect(snapshot["stats"]?["duplicates"]?.arrayValue == [])
        }
    }

    @Test func refusedRefreshStopsTheRunWithExitCodeThreeAndARerunCreatesTheRestOnce() async throws {
        try await TokenRefreshSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let personas = try UploadFixtures.writePersonas(30, in: directory)
            let statePath = directory.appendingPathComponent("state.jsonl")
            let transport = TriggeringTransport(after: 10, matching: Self.isPersonaCreate) {
                await fake.expireSpicychatAccessTokens()
            }
            // The access token works until it expires; the refresh token is one the auth host no longer honours.
            let revoked = try TokenRefreshSupport.provider(
                fake, refreshToken: "revoked-refresh-token", transport: transport)
            let client = try TokenRefreshSupport.client(fake, revoked, transport: transport)

            let stopped = await TokenRefreshSupport.engine(
                client, state: try UploadStateFile(url: statePath), concurrency: 4
            )
            .run(paths: personas)

            #expect(stopped.verdict == .providerUnavailable)
            #expect(stopped.stopReason == .authentication)
            #expect(stopped.stopReason?.message.contains("refused the refresh token") == true)
            // The ten creates sent before the expiry, less those (at most three at concurrency 4) still on their way
            // when it took effect.
            let created = stopped.count(.created)
            #expect((7..<30).contains(created))
            #expect(stopped.count(.failed) >= 1)
            var snapshot = await fake.state()
            #expect(snapshot.count("spicychat", "personas") == created)
            #expect(snapshot.auth("tokenGrants") == 0)
            // The refusal is remembered: one grant was asked for, however many uploads were refused.
            #expect(snapshot.auth("refusedGrants") == 1)

            // Resume with a good refresh token: the rest is created, nothing twice.
            let good = try TokenRefreshSupport.provider(fake, accessToken: nil)
            let resumed = await TokenRefreshSupport.engine(
                try TokenRefreshSupport.client(fake, good), state: try UploadStateFile(url: statePath), concurrency: 4
            ).run(paths: personas)
            #expect(resumed.verdict == .succeeded)
            #expect(resumed.count(.created) == 30 - created)
            #expect(resumed.count(.unchanged) == created)
            snapshot = await fake.state()
            #expect(snapshot.count("spicychat", "personas") == 30)
            #expect(snapshot["stats"]?["duplicates"]?.arrayValue == [])
            #expect(snapshot.auth("tokenGrants") == 1)
        }
    }

    @Test func revokedRefreshTokenIsAskedOnceAndTheRefusalRemembered() async throws {
        try await TokenRefreshSupport.withFake { fake in
            let tokens = try TokenRefreshSupport.provider(fake, accessToken: nil)
            let first = try await tokens.currentToken()
            #expect(first.hasPrefix("fake-access-1-"))
            await fake.revokeSpicychatRefreshToken()
            await #expect(throws: UploadError.authentication) { _ = try await tokens.refreshedToken(after: first) }
            await #expect(throws: UploadError.authentication) { _ = try await tokens.currentToken() }
            let snapshot = await fake.state()
            #expect(snapshot.auth("tokenGrants") == 1)
            #expect(snapshot.auth("refusedGrants") == 1)
            #expect(await tokens.grantCount == 2)
        }
    }

    @Test func rotatedRefreshTokenIsSavedToTheCredentialsFileWithMode0600() async throws {
        try await TokenRefreshSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let file = directory.appendingPathComponent("cardkit/credentials.json")
            try UploadCredentials.write(
                [
                    "spicychat_refresh_token": TokenRefreshSupport.refreshToken,
                    "spicychat_client_id": TokenRefreshSupport.clientID, "nextchat": "keep-this-entry",
                ], to: file)
            let refresh = try #require(try UploadCredentials.refresh(for: .spicychat, environment: [:], file: file))
            #expect(refresh.file == file)
            #expect(try UploadCredentials.resolveIfPresent(for: .spicychat, environment: [:], file: file) == nil)
            let tokens = try OAuthRefreshTokenProvider(
                authURL: fake.baseURL, clientID: refresh.clientID, refreshToken: refresh.refreshToken,
                transport: UploadTestSupport.transport, policy: UploadTestSupport.fastPolicy,
                onRotation: { rotated in try refresh.save(rotated: rotated) })
            let client = try TokenRefreshSupport.client(fake, tokens)

            // No access token yet: the first request fetches one.
            #expect(try await client.listPersonas().isEmpty)

            let rotated = try #require(await fake.state()["spicychat"]?["auth"]?["refreshToken"]?.stringValue)
            #expect(rotated.hasPrefix("fake-refresh-1-"))
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(
                text == """
                    {
                      "nextchat": "keep-this-entry",
                      "spicychat_client_id": "test-client id+/&=",
                      "spicychat_refresh_token": "\(rotated)"
                    }

                    """)
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let entries = try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path)
            #expect(entries == ["credentials.json"])

            // A refresh token from the environment wins, and cannot be written back.
            let fromEnvironment = try #require(
                try UploadCredentials.refresh(
                    for: .spicychat, environment: ["CARDKIT_SPICYCHAT_REFRESH_TOKEN": "env-refresh"], file: file))
            #expect(fromEnvironment.refreshToken == "env-refresh")
            #expect(fromEnvironment.clientID == TokenRefreshSupport.clientID)
            #expect(fromEnvironment.file == nil)
            #expect(throws: UploadError.credentials) { try fromEnvironment.save(rotated: "x-y-z-w") }
            let missingClient = #expect(throws: UploadError.self) {
                try UploadCredentials.refresh(
                    for: .spicychat, environment: ["CARDKIT_SPICYCHAT_REFRESH_TOKEN": "env-refresh"],
                    file: directory.appendingPathComponent("none.json"))
            }
            #expect(missingClient?.message.contains("set CARDKIT_SPICYCHAT_CLIENT_ID") == true)
        }
    }

    @Test func secondUnauthorizedRightAfterARefreshIsThrownNotLooped() async throws {
        try await TokenRefreshSupport.withFake { fake in
            let tokens = try TokenRefreshSupport.provider(fake)
            let client = try TokenRefreshSupport.client(fake, tokens)
            let refused = FakeScriptedFault(
                method: "GET", pathPrefix: "/personas", status: 401, body: #"{"error":"SC-001-6004"}"#)
            await fake.script([refused, refused])
            let before = await fake.state()["stats"]?["requests"]?.numberValue?.intValue ?? -1

            let error = await #expect(throws: UploadError.self) { _ = try await client.listPersonas() }

            #expect(error == .authentication)
            #expect(error?.status == 401)
            #expect(error?.platformCode == "SC-001-6004")
            #expect(error?.message.contains("refused again right after a token refresh") == true)
            var snapshot = await fake.state()
            // Two GETs and one grant: no third attempt, no second refresh.
            #expect((snapshot["stats"]?["requests"]?.numberValue?.intValue ?? -1) - before == 3)
            #expect(snapshot.auth("tokenGrants") == 1)

            // The next request starts afresh: one 401, one refresh, one success.
            await fake.script([refused])
            #expect(try await client.listPersonas().isEmpty)
            snapshot = await fake.state()
            #expect(snapshot.auth("tokenGrants") == 2)
        }
    }

    @Test func noTokenTextAppearsInTheTraceLog() async throws {
        try await TokenRefreshSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let personas = try UploadFixtures.writePersonas(12, in: directory)
            let transport = TriggeringTransport(after: 4, matching: Self.isPersonaCreate) {
                await fake.expireSpicychatAccessTokens()
            }
            let log = LogLines()
            let logger = log.logger
            // No access token at first: one grant to start, one after the expiry.
            let tokens = try TokenRefreshSupport.provider(fake, accessToken: nil, transport: transport, logger: logger)
            let client = try TokenRefreshSupport.client(fake, tokens, transport: transport, logger: logger)
            let state = try UploadStateFile(url: directory.appendingPathComponent("state.jsonl"))

            let summary = await TokenRefreshSupport.engine(client, state: state, concurrency: 4, logger: logger).run(
                paths: personas)

            #expect(summary.verdict == .succeeded)
            #expect(await fake.state().auth("tokenGrants") == 2)
            let lines = log.all
            #expect(lines.contains { $0.contains("POST /oauth2/token -> 200") })
            #expect(
                lines.contains { $0.contains("POST /personas -> 401; sending it once more with a refreshed token") })
            var secrets = await transport.trigger.secrets
            secrets.insert(TokenRefreshSupport.refreshToken)
            #expect(secrets.count >= 5)
            for secret in secrets {
                #expect(!lines.contains { $0.contains(secret) }, "a token appears in the log")
            }
            let recorded = try String(contentsOf: directory.appendingPathComponent("state.jsonl"), encoding: .utf8)
            for secret in secrets { #expect(!recorded.contains(secret)) }
        }
    }

    @Test func staticTokenOnUnauthorizedFailsAsBefore() async throws {
        try await TokenRefreshSupport.withFake { fake in
            let client = try UploadTestSupport.spicy(fake)
            #expect(client.endpoint.tokenProvider is StaticTokenProvider)
            #expect(try await client.listPersonas().isEmpty)
            #expect(await fake.expireSpicychatAccessTokens() == 1)
            let before = await fake.state()["stats"]?["requests"]?.numberValue?.intValue ?? -1

            let error = await #expect(throws: UploadError.self) {
                _ = try await client.createPersona(name: "Nobody", highlights: "", avatarKey: nil)
            }

            #expect(error == .authentication)
            #expect(error?.status == 401)
            #expect(error?.platformCode == "SC-001-6004")
            #expect(error?.message == "Token expired")
            let snapshot = await fake.state()
            #expect((snapshot["stats"]?["requests"]?.numberValue?.intValue ?? -1) - before == 1)
            #expect(snapshot.auth("tokenGrants") == 0)
            #expect(snapshot.count("spicychat", "personas") == 0)

            // The bulk engine stops at preflight with exit code 3, as it always did.
            let directory = try UploadTestSupport.temporaryDirectory()
            let personas = try UploadFixtures.writePersonas(3, in: directory)
            let summary = await TokenRefreshSupport.engine(
                client, state: try UploadStateFile(url: directory.appendingPathComponent("s.jsonl")), concurrency: 2
            ).run(paths: personas)
            #expect(summary.verdict == .providerUnavailable)
            #expect(summary.stopReason == .authentication)
            #expect(summary.notAttempted == personas)
        }
    }

    @Test func accessTokenIsReplacedSixtySecondsBeforeItExpires() async throws {
        try await TokenRefreshSupport.withFake { fake in
            await fake.configure(spicychatTokenExpiresIn: 600)
            let clock = ManualClock()
            let tokens = try TokenRefreshSupport.provider(fake, accessToken: nil, now: { clock.now })

            let first = try await tokens.currentToken()
            clock.advance(.seconds(539))
            #expect(try await tokens.currentToken() == first)
            clock.advance(.seconds(2))
            let second = try await tokens.currentToken()
            #expect(second != first)
            #expect(second.hasPrefix("fake-access-2-"))
            #expect(await fake.state().auth("tokenGrants") == 2)

            // A lifetime shorter than twice the margin is used for half its length.
            await fake.configure(spicychatTokenExpiresIn: 90)
            clock.advance(.seconds(600))
            let third = try await tokens.currentToken()
            clock.advance(.seconds(44))
            #expect(try await tokens.currentToken() == third)
            clock.advance(.seconds(2))
            #expect(try await tokens.currentToken() != third)
            #expect(await fake.state().auth("tokenGrants") == 4)
        }
    }
}

@Suite struct TokenRefreshCLITests {
    @Test(.enabled(if: CardKitBinary.isAvailable, "the cardkit binary is not built next to the tests"))
    func uploadWithARefreshTokenFetchesRefreshesAndSavesTheRotatedTokenWithoutPrintingIt() async throws {
        try await TokenRefreshSupport.withFake(latency: .milliseconds(10)) { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let inputs = try directory.appendingPathComponent("in").creatingDirectory()
            _ = try UploadFixtures.writePersonas(40, in: inputs)
            let file = directory.appendingPathComponent("credentials.json")
            try UploadCredentials.write(
                [
                    "spicychat_refresh_token": TokenRefreshSupport.refreshToken,
                    "spicychat_client_id": TokenRefreshSupport.clientID,
                ],
                to: file)
            let statePath = directory.appendingPathComponent("state.jsonl").path
            let arguments = [
                "upload", "personas", inputs.path, "--provider", "spicychat", "--base-url", fake.baseURL.absoluteString,
                "--auth-url", fake.baseURL.absoluteString, "--credentials", file.path, "--state", statePath,
                "--concurrency", "4", "-vvvv",
            ]
            // No CARDKIT_SPICYCHAT_TOKEN: the first request fetches an access token.
            let environment = [
                "CARDKIT_SPICYCHAT_TOKEN": "", "CARDKIT_SPICYCHAT_REFRESH_TOKEN": "", "CARDKIT_SPICYCHAT_CLIENT_ID": "",
            ]
            let output = directory.appendingPathComponent("run")
            let process = try CardKitBinary.start(arguments, environment: environment, output: output)
            // Expire the access token once a quarter of the personas is recorded.
            let deadline = ContinuousClock.now + TestSanitizer.scaled(.seconds(60))
            while ContinuousClock.now < deadline, process.isRunning {
                let lines = (try? String(contentsOfFile: statePath, encoding: .utf8))?.split(separator: "\n").count ?? 0
                if lines >= 20 { break }
                try await Task.sleep(for: .milliseconds(5))
            }
            // The configured token (unused here) and the one the CLI fetched.
            #expect(await fake.expireSpicychatAccessTokens() == 2)
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            let stdout = try String(contentsOfFile: output.path + ".out", encoding: .utf8)
            let stderr = try String(contentsOfFile: output.path + ".err", encoding: .utf8)

            #expect(process.terminationStatus == 0, "stderr: \(stderr.suffix(2000))")
            #expect(stdout.contains("created       40"))
            let snapshot = await fake.state()
            #expect(snapshot.count("spicychat", "personas") == 40)
            #expect(snapshot["stats"]?["duplicates"]?.arrayValue == [])
            #expect(snapshot.auth("tokenGrants") == 2)
            #expect(snapshot.auth("expiredTokenRejections") >= 1)
            let rotated = try #require(snapshot["spicychat"]?["auth"]?["refreshToken"]?.stringValue)
            #expect(rotated.hasPrefix("fake-refresh-2-"))
            let saved = try UploadCredentials.read(file)
            #expect(saved == ["spicychat_refresh_token": rotated, "spicychat_client_id": TokenRefreshSupport.clientID])
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(stderr.contains("POST /oauth2/token -> 200"))
            let state = try String(contentsOfFile: statePath, encoding: .utf8)
            for secret in [
                TokenRefreshSupport.refreshToken, rotated, "fake-access-1-", "fake-access-2-", "fake-refresh-1-",
            ] {
                for text in [stdout, stderr, state] { #expect(!text.contains(secret)) }
            }
        }
    }
}

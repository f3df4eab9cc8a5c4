import CardKitJSON
import CardKitTestSupport
import CardKitUpload
import FakeProviderServer
import Foundation
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The reproductions of issue 18 "Uploads", run in process against the loopback fakes: every one states the
/// outcome that the bug report contradicted.
@Suite struct UploadSafetyTests {
    private func engine(
        _ client: any PlatformUploader, state: UploadStateFile?, allowDuplicateNames: Bool = false, concurrency: Int = 4
    ) -> UploadEngine {
        var options = UploadOptions(provider: client.provider, kind: .characters)
        options.concurrency = concurrency
        options.allowDuplicateNames = allowDuplicateNames
        return UploadEngine(client: client, options: options, state: state, loader: UploadFixtures.load)
    }

    /// A card named `name` whose description is `description`, written to `file` in `directory`.
    private func writeCard(name: String, description: String, to url: URL) throws {
        let card: JSONValue = [
            "spec": "chara_card_v2", "spec_version": "2.0",
            "data": [
                "name": .string(name), "description": .string(description), "personality": "calm",
                "scenario": "", "first_mes": "Hi.", "mes_example": "", "creator_notes": "", "system_prompt": "",
                "post_history_instructions": "", "alternate_greetings": [], "tags": ["a", "b"], "creator": "tests",
                "character_version": "1", "extensions": [:],
            ],
        ]
        try Data(JSONWriter.bytes(card)).write(to: url)
    }

    // MARK: - A new state file

    @Test func aSecondStateFileAdoptsWhatThePlatformHasInsteadOfCreatingAgain() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let cards = try UploadFixtures.writeCards(5, in: directory)
            let client = (try UploadTestSupport.next(fake))
            let first = await engine(
                client, state: try UploadStateFile(url: directory.appendingPathComponent("one.jsonl"))
            ).run(paths: cards)
            #expect(first.count(.created) == 5)
            let second = await engine(
                client, state: try UploadStateFile(url: directory.appendingPathComponent("two.jsonl"))
            ).run(paths: cards)
            #expect(second.outcomes.map(\.status) == Array(repeating: .unchanged, count: 5))
            #expect(second.outcomes.map(\.remoteId) == first.outcomes.map(\.remoteId))
            #expect(second.outcomes[0].message == "already on NextChat with the same content; not created again")
            #expect(second.verdict == .succeeded)
            let state = await fake.state()
            #expect(state.count("nextchat", "characters") == 5)
            #expect(state["stats"]?["duplicates"]?.arrayValue == [])
        }
    }

    @Test func anotherObjectOfTheSameNameIsCreatedOnlyWithAllowDuplicateNames() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let a = directory.appendingPathComponent("a.json")
            let b = directory.appendingPathComponent("b.json")
            try writeCard(name: "Twin", description: "the first twin", to: a)
            try writeCard(name: "Twin", description: "the second twin", to: b)
            let client = (try UploadTestSupport.next(fake))
            let state = try UploadStateFile(url: directory.appendingPathComponent("s.jsonl"))
            let refused = await engine(client, state: state, concurrency: 1).run(paths: [a.path, b.path])
            #expect(refused.outcomes.map(\.status) == [.created, .failed])
            let message = try #require(refused.outcomes[1].message)
            #expect(message.contains("NextChat already has a character named \"Twin\""))
            #expect(message.hasSuffix("not creating a second one"))
            #expect(!message.contains("--"), "the library names no CLI flag")
            #expect(message.contains("belongs to another input"))
            #expect(refused.outcomes[1].remedy == .allowDuplicateNames)
            #expect(refused.verdict == .someFailed)
            #expect(await fake.state().count("nextchat", "characters") == 1)

            let allowed = await engine(client, state: state, allowDuplicateNames: true).run(paths: [a.path, b.path])
            #expect(allowed.outcomes.map(\.status) == [.unchanged, .created])
            #expect(allowed.outcomes[0].remoteId != allowed.outcomes[1].remoteId)
            #expect(allowed.verdict == .succeeded)
            #expect(await fake.state().count("nextchat", "characters") == 2)
        }
    }

    // MARK: - Resume

    @Test func resumeNeverAdoptsTheObjectOfAnotherRecord() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let a = directory.appendingPathComponent("a.json")
            let b = directory.appendingPathComponent("b.json")
            try writeCard(name: "Twin", description: "twin A", to: a)
            try writeCard(name: "Twin", description: "twin B", to: b)
            let stateURL = directory.appendingPathComponent("s.jsonl")
            let client = (try UploadTestSupport.next(fake))
            // A was uploaded; the run crashed after writing B's intent, before sending B.
            let first = await engine(client, state: try UploadStateFile(url: stateURL)).run(paths: [a.path])
            let remoteA = try #require(first.outcomes.first?.remoteId)
            let preparedB = try UploadPreparer(options: UploadOptions(provider: .nextchat, kind: .characters))
                .prepare(path: b.path, input: try UploadFixtures.load(b.path))
            try await UploadTestSupport.append(
                [
                    UploadStateRecord(
                        key: preparedB.key, contentHash: preparedB.contentHash, kind: "character",
                        provider: "nextchat", state: .intent, name: "Twin")
                ], to: stateURL)

            let resumed = await engine(client, state: try UploadStateFile(url: stateURL)).run(paths: [a.path, b.path])
            #expect(resumed.outcomes.map(\.status) == [.unchanged, .failed])
            #expect(resumed.outcomes[1].remoteId == nil)
            #expect(resumed.outcomes[1].message?.contains("belongs to another input") == true)
            #expect(resumed.verdict == .someFailed)
            #expect(await fake.state().count("nextchat", "characters") == 1)

            let allowed = await engine(client, state: try UploadStateFile(url: stateURL), allowDuplicateNames: true)
                .run(paths: [a.path, b.path])
            #expect(allowed.outcomes.map(\.status) == [.unchanged, .created])
            let remoteB = try #require(allowed.outcomes[1].remoteId)
            #expect(remoteB != remoteA)
            let remote = await fake.state()["nextchat"]?["characters"]?.arrayValue ?? []
            #expect(remote.count == 2)
            #expect(remote.first { $0["id"]?.stringValue == remoteB }?["description"]?.stringValue == "twin B")
        }
    }

    @Test func duplicateAndAliasedPathsAreOneItem() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let sub = try directory.appendingPathComponent("sub").creatingDirectory()
            let card = sub.appendingPathComponent("c.json")
            try writeCard(name: "Only", description: "one card", to: card)
            let link = directory.appendingPathComponent("link.json")
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: card)
            let paths = [
                card.path, card.path, sub.path + "/./c.json", directory.path + "/sub/../sub/c.json", link.path,
            ]
            let client = (try UploadTestSupport.next(fake))
            let stateURL = directory.appendingPathComponent("s.jsonl")
            let summary = await engine(client, state: try UploadStateFile(url: stateURL)).run(paths: paths)
            #expect(summary.outcomes.map(\.status) == [.created, .skipped, .skipped, .skipped, .skipped])
            #expect(summary.outcomes[1].message == "the same file as \(card.path), named twice; processed once")
            #expect(summary.verdict == .succeeded)
            #expect(await fake.state().count("nextchat", "characters") == 1)
            // Resumed under another spelling, the record is found by its canonical key.
            let again = await engine(client, state: try UploadStateFile(url: stateURL)).run(paths: [link.path])
            #expect(again.outcomes.map(\.status) == [.unchanged])
            #expect(again.outcomes[0].message == "already uploaded")
            #expect(await fake.state().count("nextchat", "characters") == 1)
        }
    }

    // MARK: - The state file lock

    @Test func aLockedStateFileRefusesASecondOpenAndWaitingSucceedsAfterRelease() async throws {
        let directory = try UploadTestSupport.temporaryDirectory()
        let url = directory.appendingPathComponent("s.jsonl")
        var holder: UploadStateFile? = try UploadStateFile(url: url)
        #expect(holder != nil)
        #expect(throws: UploadError.locked) { _ = try UploadStateFile(url: url) }
        let error = try #require(throws: UploadError.self) { _ = try UploadStateFile(url: url) }
        #expect(
            error.message == "\(url.path): the state file is in use by another cardkit upload; wait for it to finish")
        #expect(error.remedy == .waitForLock)
        let waited = Task { () async throws(UploadError) -> Int in
            let file = try await UploadStateFile.open(url: url, waitForLock: true, pollInterval: .milliseconds(5))
            return await file.allRecords().count
        }
        try await holder?.append(
            UploadStateRecord(
                key: "/k", contentHash: "sha256:0", kind: "character", provider: "nextchat", state: .done, name: "K"))
        try await Task.sleep(for: .milliseconds(50))
        holder = nil  // closes the file and releases the lock
        #expect(try await waited.value == 1)
    }

    // MARK: - Secrets

    @Test func aSecretCutByTheMessageLimitIsStillScrubbed() async throws {
        let token = "ECHOsecret-\(UUID().uuidString)"
        // The server echoes the request's Authorization header so that the token straddles the 500-character cut.
        let transport = ClosureUploadTransport { request throws(UploadError) -> UploadResponse in
            let auth = request.headers.first { $0.name == "Authorization" }?.value ?? ""
            let message = String(repeating: "x", count: UploadErrorDecoder.maxMessageLength - 25) + " got \(auth)"
            let body: JSONValue = ["error": ["code": "VALIDATION_ERROR", "message": .string(message)]]
            return UploadResponse(status: 400, body: JSONWriter.bytes(body))
        }
        let lines = LockedLines()
        let logger = Logger.upload(level: .trace) { _, line in lines.add(line) }
        let client = try NextChatClient(
            baseURL: try #require(URL(string: "https://nextchat.invalid")), token: token, transport: transport,
            policy: .noRetries, logger: logger)
        let error = try await #require(throws: UploadError.self) {
            _ = try await client.createCharacter(["name": "X", "description": "", "personality": [:]])
        }
        for text in [error.description] + lines.all {
            #expect(!text.contains(String(token.prefix(UploadSecrets.minimumPrefix))), "leaked in: \(text)")
        }
        #expect(error.message.hasSuffix("got Bearer <redacted>"))
    }

    @Test func aSecretEchoedInAnErrorNeverReachesTheStateFileOrTheLog() async throws {
        let token = "ECHOsecret-\(UUID().uuidString)"
        // Lists succeed; creates fail with a 400 whose message echoes Authorization across the 500-character cut.
        let transport = ClosureUploadTransport { request throws(UploadError) -> UploadResponse in
            if request.method == .get {
                return UploadResponse(
                    status: 200, body: JSONWriter.bytes(["characters": [], "total": 0, "hasMore": false]))
            }
            let auth = request.headers.first { $0.name == "Authorization" }?.value ?? ""
            let message = String(repeating: "y", count: UploadErrorDecoder.maxMessageLength - 10) + " got \(auth)"
            let body: JSONValue = ["error": ["code": "VALIDATION_ERROR", "message": .string(message)]]
            return UploadResponse(status: 400, body: JSONWriter.bytes(body))
        }
        let lines = LockedLines()
        let logger = Logger.upload(level: .trace) { _, line in lines.add(line) }
        let client = try NextChatClient(
            baseURL: try #require(URL(string: "https://nextchat.invalid")), token: token, transport: transport,
            policy: .noRetries, logger: logger)
        let directory = try UploadTestSupport.temporaryDirectory()
        let cards = try UploadFixtures.writeCards(1, in: directory)
        let stateURL = directory.appendingPathComponent("s.jsonl")
        let summary = await UploadEngine(
            client: client, options: UploadOptions(provider: .nextchat, kind: .characters),
            state: try UploadStateFile(url: stateURL), logger: logger, loader: UploadFixtures.load
        ).run(paths: cards)
        #expect(summary.outcomes.map(\.status) == [.failed])
        let state = try String(contentsOf: stateURL, encoding: .utf8)
        #expect(state.contains("\"state\":\"failed\""))
        let head = String(token.prefix(UploadSecrets.minimumPrefix))
        for text in [state, summary.outcomes[0].message ?? ""] + lines.all {
            #expect(!text.contains(head), "leaked in: \(text)")
        }
    }

    @Test func aSecondStateFileFindsSpicychatPersonasByNameAndDescription() async throws {
        try await UploadTestSupport.withFake { fake in
            let directory = try UploadTestSupport.temporaryDirectory()
            let personas = try UploadFixtures.writePersonas(3, in: directory, withAvatar: true)
            let client = (try UploadTestSupport.spicy(fake))
            func run(_ file: String) async throws -> UploadSummary {
                try await UploadEngine(
                    client: client, options: UploadOptions(provider: .spicychat, kind: .personas),
                    state: try UploadStateFile(url: directory.appendingPathComponent(file)),
                    loader: UploadFixtures.load
                ).run(paths: personas)
            }
            #expect(try await run("one.jsonl").count(.created) == 3)
            let second = try await run("two.jsonl")
            #expect(second.outcomes.map(\.status) == [.unchanged, .unchanged, .unchanged])
            #expect(second.outcomes[0].message == "already on Spicychat with the same content; not created again")
            let state = await fake.state()
            #expect(state.count("spicychat", "personas") == 3)
            #expect(state["stats"]?["duplicates"]?.arrayValue == [])
        }
    }

    @Test(arguments: [
        ("got Bearer ECHOsecr…", "got Bearer <redacted>…"),
        ("ECHOsecretvalue and ECHOsecre", "<redacted> and <redacted>"),
        ("ECHOsec is 7 characters", "ECHOsec is 7 characters"),
    ])
    func everyPrefixOfEightOrMoreCharactersIsScrubbed(input: String, expected: String) {
        let logger = Logger.upload(level: .trace, secrets: ["ECHOsecretvalue"]) { _, _ in }
        #expect(logger.scrub(input) == expected)
    }

    // MARK: - Plain HTTP and redirects

    @Test(arguments: [
        ("127.0.0.1", true), ("127.1.2.3", true), ("::1", true), ("[::1]", true), ("::ffff:127.0.0.1", true),
        ("localhost", true), ("LOCALHOST", true), ("evil.localhost", false), ("localhost.example.com", false),
        ("127.0.0.1.example.com", false), ("128.0.0.1", false), ("::2", false), ("example.com", false),
    ])
    func loopbackIsAnAddressOrExactlyLocalhost(host: String, loopback: Bool) {
        #expect(UploadURLPolicy.isLoopback(host) == loopback)
    }

    @Test func plainHTTPToANameUnderLocalhostIsRefused() throws {
        let url = try #require(URL(string: "http://evil.localhost:1/"))
        #expect(throws: UploadError.insecureURL) { try UploadURLPolicy.check(url, allowInsecureHTTP: false) }
    }

    @Test func redirectsAreNotFollowed() async throws {
        let target = try LoopbackHTTPServer { _ in
            "HTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        }
        let redirector = try LoopbackHTTPServer { _ in
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:\(target.port)/api/characters\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        }
        defer {
            target.stop()
            redirector.stop()
        }
        let client = try NextChatClient(
            baseURL: try #require(URL(string: "http://127.0.0.1:\(redirector.port)")), token: "redirect-test-token",
            transport: AsyncHTTPClientTransport(), policy: .noRetries)
        let error = try await #require(throws: UploadError.self) {
            _ = try await client.createCharacter(["name": "X", "description": "", "personality": [:]])
        }
        #expect(error == .invalidResponse)
        #expect(error.status == 307)
        #expect(redirector.requests == 1)
        #expect(target.requests == 0)
    }

    @Test func aPresignedUploadURLIsHeldToThePlainHTTPRule() async throws {
        let puts = LockedLines()
        let transport = ClosureUploadTransport { request throws(UploadError) -> UploadResponse in
            if request.url.path == "/save-image" {
                let body: JSONValue = [
                    "key": "avatars/k.png", "signed_url": "http://uploads.example.com/s3/k.png?sig=1",
                ]
                return UploadResponse(status: 200, body: JSONWriter.bytes(body))
            }
            puts.add(request.url.absoluteString)
            return UploadResponse(status: 200)
        }
        let client = try SpicychatClient(
            baseURL: try #require(URL(string: "https://spicychat.invalid")), token: "presigned-test-token",
            transport: transport, policy: .noRetries)
        await #expect(throws: UploadError.insecureURL) {
            _ = try await client.uploadAvatar(UploadTestSupport.pngBytes, mimeType: "image/png")
        }
        #expect(puts.all.isEmpty)
    }

    // MARK: - Connection refused

    @Test func aRefusedConnectionIsTriedThreeTimesWithShortWaits() async throws {
        let port = try LoopbackHTTPServer.closedPort()
        let sleeps = LockedLines()
        var policy = UploadRetryPolicy()  // the CLI's defaults: 4 attempts, 30 s per exchange, 120 s deadline
        policy.sleep = { sleeps.add("\($0)") }
        let client = try NextChatClient(
            baseURL: try #require(URL(string: "http://127.0.0.1:\(port)")), token: "refused-test-token",
            transport: AsyncHTTPClientTransport(), policy: policy)
        let error = try await #require(throws: UploadError.self) { _ = try await client.listCharacters(limit: 1) }
        #expect(error == .transport)
        #expect(error.isConnectionRefused)
        #expect(error.message.hasSuffix("(connection refused 3 time(s); nothing listens there?)"))
        #expect(sleeps.all == ["0.1 seconds", "0.2 seconds"])
    }
}

/// Lines collected from concurrent callbacks.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func add(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        lines.append(line)
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

/// A minimal HTTP/1.1 server on a loopback port, answering every request with the text `respond` returns (one
/// request per connection), for wire behaviours the provider fakes have no reason to offer (redirects).
final class LoopbackHTTPServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var count = 0
    private var stopped = false

    init(_ respond: @escaping @Sendable (String) -> String) throws {
        let (socketFD, port) = try Self.listen()
        fd = socketFD
        self.port = port
        let thread = Thread { [self] in
            while true {
                let client = accept(socketFD, nil, nil)
                guard client >= 0 else { return }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                var received: [UInt8] = []
                while !Self.isComplete(received) {
                    let n = recv(client, &buffer, buffer.count, 0)
                    if n <= 0 { break }
                    received += buffer[0..<n]
                }
                lock.lock()
                count += 1
                lock.unlock()
                let reply = Array(respond(String(decoding: received, as: UTF8.self)).utf8)
                _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }
        thread.start()
    }

    /// Whether the bytes hold a whole request: the head and `Content-Length` bytes of body.
    static func isComplete(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        let length =
            head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return text.utf8.count - text[..<end.upperBound].utf8.count >= length
    }

    /// Requests received so far.
    var requests: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    /// A loopback port on which nothing listens (bound, then closed).
    static func closedPort() throws -> Int {
        let (socketFD, port) = try listen()
        close(socketFD)
        return port
    }

    private static func listen() throws -> (Int32, Int) {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw UploadError.configuration("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(socketFD, 16) == 0 else {
            close(socketFD)
            throw UploadError.configuration("bind/listen failed")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        return (socketFD, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// Upload logging goes through swift-log; the redacting handler scrubs messages and metadata alike.
@Suite struct RedactingLogHandlerTests {
    @Test func theSwiftLogLoggerScrubsMessagesAndMetadataOfRuntimeSecrets() {
        let lines = LockedLines()
        let logger = Logger.upload(level: .trace, secrets: ["fixed-secret-1"]) { _, line in lines.add(line) }
        let swiftLogger = logger
        logger.redactInAllCopies(["refreshed-token-42"])
        swiftLogger.debug(
            "Authorization: Bearer fixed-secret-1",
            metadata: ["header": "Bearer refreshed-token-42", "nested": ["list": ["refreshed-token-42"]]])
        logger.log(.info, "token refreshed-token-42 and a cut one refreshe")
        let text = lines.all.joined(separator: "\n")
        #expect(lines.all.count == 2)
        #expect(!text.contains("fixed-secret-1") && !text.contains("refreshed-token-42"), "\(text)")
        #expect(!text.contains("refreshe"), "a prefix of 8 characters is scrubbed too: \(text)")
        #expect(text.contains("<redacted>"))
    }

    @Test func levelsFollowTheLoggerLevel() {
        let lines = LockedLines()
        let logger = Logger.upload(level: .warning) { level, line in lines.add("\(level) \(line)") }
        logger.debug("hidden")
        logger.warning("shown")
        logger.log(.info, "hidden too")
        logger.log(.error, "shown too")
        #expect(lines.all == ["warning shown", "error shown too"])
    }
}

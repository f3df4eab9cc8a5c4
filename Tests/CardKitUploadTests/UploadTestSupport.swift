import CardKitJSON
import CardKitTestSupport
import CardKitUpload
import FakeProviderServer
import Foundation

/// Helpers shared by the upload tests: a fast retry policy, clients wired to a running fake, and a fake lifecycle.
enum UploadTestSupport {
    static let spicyToken = "test-spicy-token-7c1e"
    static let chattrKey = "test-chattr-key-91ab"
    static let nextToken = "test-next-token-4d2f"

    /// Retries in milliseconds, not seconds, so fault tests stay fast.
    ///
    /// The deadlines are ceilings that a loopback
    /// exchange never nears in an ordinary run; under a sanitizer they grow by ``TestSanitizer/timeScale`` (under
    /// ThreadSanitizer, with the suite running in parallel, one exchange took over 10 s and a scripted fault was
    /// then consumed by a timed-out attempt instead of the one the test watched).
    static var fastPolicy: UploadRetryPolicy {
        var policy = UploadRetryPolicy()
        policy.maxAttempts = 8
        policy.baseDelay = .milliseconds(1)
        policy.maxDelay = .milliseconds(20)
        policy.overallDeadline = TestSanitizer.scaled(.seconds(60))
        policy.requestTimeout = TestSanitizer.scaled(.seconds(20))
        return policy
    }

    static func configuration(failRate: Double = 0) -> FakeProviderConfiguration {
        var configuration = FakeProviderConfiguration()
        configuration.spicychatToken = spicyToken
        configuration.chattrAPIKey = chattrKey
        configuration.nextchatToken = nextToken
        configuration.failRate = failRate
        return configuration
    }

    /// Runs `body` with a fresh fake server that fails `failRate` of its requests, stopping it afterwards.
    static func withFake<T: Sendable>(
        failRate: Double = 0, _ body: (RunningFakeProviders) async throws -> T
    ) async throws -> T {
        try await withFake(configuration(failRate: failRate), body)
    }

    /// Runs `body` with a fresh fake server started with `configuration`, stopping it afterwards.
    static func withFake<T: Sendable>(
        _ configuration: FakeProviderConfiguration, _ body: (RunningFakeProviders) async throws -> T
    ) async throws -> T {
        let fake = try await FakeProviderServer.start(configuration)
        do {
            let result = try await body(fake)
            await fake.stop()
            return result
        } catch {
            await fake.stop()
            throw error
        }
    }

    static let transport = AsyncHTTPClientTransport()

    static func spicy(_ fake: RunningFakeProviders, token: String = spicyToken, policy: UploadRetryPolicy = fastPolicy)
        throws -> SpicychatClient
    {
        try SpicychatClient(baseURL: fake.baseURL, token: token, transport: transport, policy: policy)
    }

    static func chattr(_ fake: RunningFakeProviders, key: String = chattrKey, policy: UploadRetryPolicy = fastPolicy)
        throws -> ChattrClient
    {
        try ChattrClient(baseURL: fake.baseURL, apiKey: key, transport: transport, policy: policy)
    }

    static func next(_ fake: RunningFakeProviders, token: String = nextToken, policy: UploadRetryPolicy = fastPolicy)
        throws -> NextChatClient
    {
        try NextChatClient(baseURL: fake.baseURL, token: token, transport: transport, policy: policy)
    }

    /// Appends records to a state file through an ``UploadStateFile`` that is released (closing the file and its
    /// lock) before this returns, as a finished or killed run leaves it.
    static func append(_ records: [UploadStateRecord], to url: URL) async throws {
        let state = try UploadStateFile(url: url)
        for record in records { try await state.append(record) }
    }

    /// A unique empty temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cardkit-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A tiny valid 1×1 PNG.
    static let pngBytes: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00,
        0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D,
        0x49,
        0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99,
        0x3D,
        0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}

extension JSONValue {
    /// Array count at a key path, for state assertions.
    func count(_ keys: String...) -> Int {
        var value: JSONValue? = self
        for key in keys { value = value?[key] }
        return value?.arrayValue?.count ?? -1
    }
}

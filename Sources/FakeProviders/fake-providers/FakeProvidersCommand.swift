import ArgumentParser
import FakeProviderServer
import Foundation

/// `fake-providers`: serves the loopback fakes of Spicychat, Chattr and NextChat until interrupted.
@main
struct FakeProvidersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-providers",
        abstract: "Serve loopback fakes of the Spicychat, Chattr and NextChat APIs for tests and demos.",
        discussion: """
            Prints the bound address on the first line of stdout. State: GET /__debug/state. \
            POST /__debug/spicychat/expire makes the Spicychat access tokens expire (401 SC-001-6004), so a client \
            must refresh through POST /oauth2/token; POST /__debug/spicychat/revoke revokes the refresh token.
            """
    )

    @Option(help: "Address to bind (loopback only).") var host: String = "127.0.0.1"
    @Option(help: "Port (0 picks a free one).") var port: Int = 0
    @Option(help: "Write the bound port to this file.") var portFile: String?
    @Option(help: "Probability (0-1) of an injected fault per API request (429s, 5xx, dropped connections).")
    var failRate: Double = 0
    @Option(help: "Requests per second allowed; excess requests get 429 with Retry-After.") var rateLimit: Int?
    @Option(help: "Milliseconds added before every API response.") var latency: Int = 0
    @Option(help: "Retry-After seconds sent with injected 429/503 answers.") var retryAfter: Int = 0
    @Option(help: "Seed of the fault generator.") var seed: UInt64 = 0x5EED
    @Option(help: "Spicychat Bearer token accepted.") var spicychatToken: String = "fake-spicychat-token"
    @Option(help: "Chattr API key accepted.") var chattrApiKey: String = "fake-chattr-key"
    @Option(help: "NextChat token accepted.") var nextchatToken: String = "fake-nextchat-token"
    @Option(help: "OAuth client id POST /oauth2/token accepts (Spicychat refresh grant).")
    var spicychatClientId: String = "fake-spicychat-client"
    @Option(help: "First refresh token POST /oauth2/token accepts; each grant rotates it.")
    var spicychatRefreshToken: String = "fake-spicychat-refresh-token"
    @Option(help: "expires_in (seconds) of the Spicychat access tokens the fake issues.")
    var tokenExpiresIn: Int = 3600

    func validate() throws {
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate must be between 0 and 1") }
        guard tokenExpiresIn > 0 else { throw ValidationError("--token-expires-in must be positive") }
        guard ["127.0.0.1", "localhost", "::1"].contains(host) || host.hasPrefix("127.") else {
            throw ValidationError("--host must be a loopback address")
        }
    }

    func run() async throws {
        var configuration = FakeProviderConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.failRate = failRate
        configuration.rateLimit = rateLimit
        configuration.latency = .milliseconds(latency)
        configuration.retryAfterSeconds = retryAfter
        configuration.seed = seed
        configuration.spicychatToken = spicychatToken
        configuration.chattrAPIKey = chattrApiKey
        configuration.nextchatToken = nextchatToken
        configuration.spicychatClientID = spicychatClientId
        configuration.spicychatRefreshToken = spicychatRefreshToken
        configuration.spicychatTokenExpiresIn = tokenExpiresIn
        let running = try await FakeProviderServer.start(configuration)
        if let portFile {
            try Data("\(running.port)\n".utf8).write(to: URL(fileURLWithPath: portFile), options: .atomic)
        }
        FileHandle.standardOutput.write(Data("fake-providers listening on \(running.baseURL.absoluteString)\n".utf8))
        let signals = AsyncStream<Int32> { continuation in
            for signo in [SIGINT, SIGTERM] {
                signal(signo, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
                source.setEventHandler { continuation.yield(signo) }
                source.resume()
                signalSources.append(source)
            }
        }
        for await _ in signals { break }
        await running.stop()
    }
}

/// Keeps the signal sources alive for the life of the process.
nonisolated(unsafe) var signalSources: [any DispatchSourceSignal] = []

import Foundation

/// What the loopback fake providers serve and which faults they inject.
package struct FakeProviderConfiguration: Sendable {
    /// The address to bind (loopback only).
    package var host: String = "127.0.0.1"
    /// The port; 0 picks an ephemeral one (read it from ``RunningFakeProviders/port``).
    package var port: Int = 0
    /// The Bearer token the fake Spicychat accepts (until it is expired through `POST /__debug/spicychat/expire`).
    package var spicychatToken: String = "fake-spicychat-token"
    /// The OAuth client id `POST /oauth2/token` accepts.
    package var spicychatClientID: String = "fake-spicychat-client"
    /// The refresh token `POST /oauth2/token` accepts first; each grant rotates it.
    package var spicychatRefreshToken: String = "fake-spicychat-refresh-token"
    /// The `expires_in` (seconds) of the access tokens `POST /oauth2/token` issues; the fake refuses them after that.
    package var spicychatTokenExpiresIn: Int = 3600
    /// The API key the fake Chattr accepts.
    package var chattrAPIKey: String = "fake-chattr-key"
    /// The token the fake NextChat accepts.
    package var nextchatToken: String = "fake-nextchat-token"
    /// The probability (0...1) that an API request gets an injected fault.
    package var failRate: Double = 0
    /// The faults drawn when one is injected.
    package var faultMix: [FakeFault] = FakeFault.defaultMix
    /// Requests per second allowed across all API routes; excess requests get 429 with `Retry-After`.
    package var rateLimit: Int? = nil
    /// The delay added before every API response.
    package var latency: Duration = .zero
    /// The `Retry-After` seconds sent with injected 429 and 503 answers.
    package var retryAfterSeconds: Int = 0
    /// The seed of the fault generator, so runs are reproducible.
    package var seed: UInt64 = 0x5EED

    /// The default configuration: no faults, no latency.
    package init() {}
}

/// A fault the fake can inject into an API request.
package enum FakeFault: String, Sendable, CaseIterable, Hashable {
    /// 429 with `Retry-After` in seconds.
    case rateLimitedRetryAfter = "429-retry-after"
    /// 429 with `Retry-After` as an HTTP-date (in the past, i.e. "now").
    case rateLimitedHTTPDate = "429-http-date"
    /// 429 with a body hint only (the platform's own body key).
    case rateLimitedBodyHint = "429-body-hint"
    /// 429 with no hint at all.
    case rateLimitedNoHint = "429-no-hint"
    /// 500 Internal Server Error.
    case serverError = "500"
    /// 502 Bad Gateway.
    case badGateway = "502"
    /// 503 Service Unavailable with `Retry-After`.
    case unavailable = "503"
    /// The connection is closed before the request is applied.
    case dropBeforeApplying = "drop-before"
    /// The request is applied, then the connection is closed without an answer.
    case dropAfterApplying = "drop-after"

    /// The mix used by `--fail-rate`: 429s, 5xx and dropped connections.
    package static let defaultMix: [FakeFault] = [
        .rateLimitedRetryAfter, .rateLimitedHTTPDate, .rateLimitedBodyHint, .rateLimitedNoHint, .serverError,
        .badGateway, .unavailable, .dropBeforeApplying, .dropAfterApplying,
    ]
}

/// One scripted answer, queued through `POST /__debug/script` or ``RunningFakeProviders/script(_:)``, and used for
/// the next API request that matches.
package struct FakeScriptedFault: Sendable {
    /// Only requests with this method match (any when nil).
    package var method: String?
    /// Only requests whose path starts with this match (any when nil).
    package var pathPrefix: String?
    /// The status to answer with (ignored for drops).
    package var status: Int
    /// Extra headers (for example `Retry-After`).
    package var headers: [String: String]
    /// The body to send (JSON or text); the platform's own error body for the status when nil.
    package var body: String?
    /// Drop the connection instead of answering: `"before"` or `"after"` applying the request.
    package var drop: String?
    /// A delay before answering, in milliseconds.
    package var delayMilliseconds: Int

    /// Creates a scripted fault.
    package init(
        method: String? = nil, pathPrefix: String? = nil, status: Int = 500, headers: [String: String] = [:],
        body: String? = nil, drop: String? = nil, delayMilliseconds: Int = 0
    ) {
        self.method = method
        self.pathPrefix = pathPrefix
        self.status = status
        self.headers = headers
        self.body = body
        self.drop = drop
        self.delayMilliseconds = delayMilliseconds
    }
}

import CardKitJSON
package import Foundation
package import Logging

/// An access token kept fresh with the OAuth 2 refresh-token grant, as Spicychat's Kinde host serves it
/// (providers.md §2.3, "Refresh (RIPart)" and the [PROP] token provider).
///
/// 1. The grant is `POST {authURL}/oauth2/token`, form-encoded
///    `grant_type=refresh_token&refresh_token=…&client_id=…`; the answer is
///    `{access_token, expires_in, refresh_token?, token_type, …}`.
/// 2. The access token is cached until `expires_in` minus ``expiryMargin`` (60 s by default, as RIPart), and
///    refreshed before use once that time has passed. With no access token yet, the first request fetches one.
/// 3. Callers that ask at the same time (eight uploads refused with 401 at once) share one grant in flight.
/// 4. A rotated refresh token replaces the old one and is handed to ``RotationHandler`` so that it can be saved
///    (the CLI writes it back to the credentials file).
/// 5. A refused grant (`invalid_grant`, `invalid_client`, 400/401/403) is remembered: later calls throw the same
///    ``UploadError/authentication`` without asking again.
///
/// Every token it learns is scrubbed from the logs of its logger and of all copies of that logger (see
/// ``Logger/redactInAllCopies(_:)``); the endpoint scrubs the access tokens it receives as well.
package actor OAuthRefreshTokenProvider: UploadTokenProvider {
    /// Receives a rotated refresh token, to save it.
    package typealias RotationHandler = @Sendable (_ refreshToken: String) throws -> Void

    /// The auth host, such as `https://auth.spicychat.ai`; the grant goes to `{authURL}/oauth2/token`.
    package nonisolated let authURL: URL
    /// The OAuth client id sent with each grant.
    package nonisolated let clientID: String
    /// How long before its `expires_in` an access token stops being used (default 60 s).
    ///
    /// When the lifetime is shorter than twice the margin, half the lifetime is used instead.
    package nonisolated let expiryMargin: Duration

    private let endpoint: UploadEndpoint
    private let logger: Logger
    private let onRotation: RotationHandler?
    private let now: @Sendable () -> ContinuousClock.Instant
    private var refreshToken: String
    private var accessToken: String?
    private var expiresAt: ContinuousClock.Instant?
    private var inFlight: Task<Result<String, UploadError>, Never>?
    private var refusal: UploadError?
    private var grants = 0

    /// The default Spicychat auth host (Kinde; providers.md §2.1, newer column).
    package static let spicychatAuthURL = URL(string: "https://auth.spicychat.ai")!

    /// The path of the token endpoint under the auth host.
    package static let tokenPath = "/oauth2/token"

    /// Creates a provider.
    /// - Parameters:
    ///   - authURL: The auth host; `http://` is accepted only for loopback unless `allowInsecureHTTP`.
    ///   - clientID: The OAuth client id.
    ///   - refreshToken: The refresh token.
    ///   - accessToken: An access token to use until it is refused (its expiry is unknown), or nil to fetch one on
    ///     first use.
    ///   - transport: The transport for the grant.
    ///   - policy: The retry policy of the grant. Only answers that prove the grant was not applied (408, 425, 429)
    ///     are retried, since a lost answer may have rotated the refresh token.
    ///   - logger: The logger; the tokens are added to its secrets.
    ///   - allowInsecureHTTP: Accept plain HTTP to a host that is not loopback.
    ///   - expiryMargin: How long before expiry a token is replaced (default 60 s).
    ///   - now: The clock (injectable for tests).
    ///   - onRotation: Receives each new refresh token the auth host issues; a failure is logged, not thrown.
    /// - Throws: ``UploadError/insecureURL`` or ``UploadError/configuration`` for an unusable `authURL`, and
    ///   ``UploadError/credentials`` for an empty refresh token or client id.
    package init(
        authURL: URL = OAuthRefreshTokenProvider.spicychatAuthURL, clientID: String, refreshToken: String,
        accessToken: String? = nil, transport: any UploadTransport, policy: UploadRetryPolicy = .init(),
        logger: Logger = .silent, allowInsecureHTTP: Bool = false, expiryMargin: Duration = .seconds(60),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        onRotation: RotationHandler? = nil
    ) throws(UploadError) {
        guard !refreshToken.isEmpty else { throw UploadError.credentials("the refresh token is empty") }
        guard !clientID.isEmpty else { throw UploadError.credentials("the OAuth client id is empty") }
        logger.redactInAllCopies([refreshToken] + (accessToken.map { [$0] } ?? []))
        self.endpoint = try UploadEndpoint(
            provider: .spicychat, baseURL: authURL, headers: [(name: "Accept", value: "application/json")], secret: nil,
            transport: transport, policy: policy, logger: logger, allowInsecureHTTP: allowInsecureHTTP)
        self.authURL = authURL
        self.clientID = clientID
        self.refreshToken = refreshToken
        self.accessToken = accessToken.flatMap { $0.isEmpty ? nil : $0 }
        self.expiryMargin = expiryMargin
        self.logger = logger
        self.now = now
        self.onRotation = onRotation
    }

    // MARK: - UploadTokenProvider

    /// The cached access token, or a new one when there is none or it is about to expire.
    /// - Returns: The access token.
    /// - Throws: ``UploadError/authentication`` when the grant was refused; the grant's own error (transport,
    ///   timeout, server) when it could not be made.
    package func currentToken() async throws(UploadError) -> String {
        if let refusal { throw refusal }
        if let accessToken, !isExpired { return accessToken }
        if accessToken != nil { logger.log(.debug, "access token expires within the margin; refreshing it") }
        return try await refresh()
    }

    /// A new access token to replace `rejected`; the current one when another caller already replaced it.
    /// - Parameter rejected: The token a 401 answered.
    /// - Returns: The new access token (never nil: this provider can refresh).
    /// - Throws: As ``currentToken()``.
    package func refreshedToken(after rejected: String) async throws(UploadError) -> String? {
        if let refusal { throw refusal }
        if let accessToken, accessToken != rejected, !isExpired { return accessToken }
        return try await refresh()
    }

    // MARK: - Introspection

    /// How many grants this provider has sent.
    package var grantCount: Int { grants }

    /// The refresh token the next grant will send (the latest rotated one).
    package var currentRefreshToken: String { refreshToken }

    // MARK: - Grant

    private var isExpired: Bool {
        guard let expiresAt else { return false }
        return now() >= expiresAt
    }

    /// Joins the grant in flight, or starts one.
    private func refresh() async throws(UploadError) -> String {
        let task: Task<Result<String, UploadError>, Never>
        if let inFlight {
            task = inFlight
        } else {
            task = Task { await self.grant() }
            inFlight = task
        }
        return try await task.value.get()
    }

    private func grant() async -> Result<String, UploadError> {
        defer { inFlight = nil }
        grants += 1
        let sentRefreshToken = refreshToken
        logger.log(.debug, "requesting a new access token (refresh-token grant \(grants))")
        let result: Result<String, UploadError>
        do {
            let request = try grantRequest(refreshToken: sentRefreshToken)
            let response = try await endpoint.send(request, idempotent: false)
            result = .success(try accept(response))
        } catch let error where error == .cancelled {
            return .failure(error)
        } catch {
            result = .failure(refused(error))
        }
        switch result {
        case .success:
            logger.log(.info, "access token refreshed")
        case .failure(let error):
            if error == .authentication { refusal = error }
            logger.log(.warning, "token refresh failed: \(error)")
        }
        return result
    }

    private func grantRequest(refreshToken: String) throws(UploadError) -> UploadRequest {
        var request = try endpoint.request(.post, Self.tokenPath)
        request.headers.append((name: "Content-Type", value: "application/x-www-form-urlencoded"))
        request.body = Array(
            Self.formEncode([("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", clientID)])
                .utf8)
        return request
    }

    /// Reads a 2xx grant answer, caches the access token and keeps a rotated refresh token.
    private func accept(_ response: UploadResponse) throws(UploadError) -> String {
        let label = "POST \(Self.tokenPath)"
        guard let object = try UploadEndpoint.parseBody(response, label: label)?.objectValue,
            let access = object["access_token"]?.stringValue, !access.isEmpty
        else {
            throw UploadError.invalidResponse(
                "\(label): expected {access_token, expires_in, ...}", status: response.status)
        }
        if let type = object["token_type"]?.stringValue, type.caseInsensitiveCompare("bearer") != .orderedSame {
            throw UploadError.invalidResponse("\(label): token_type \(type), expected bearer", status: response.status)
        }
        logger.redactInAllCopies([access])
        accessToken = access
        if let seconds = object["expires_in"]?.numberValue?.doubleValue, seconds.isFinite, seconds > 0 {
            let lifetime = Duration.milliseconds(Int64(min(seconds, 1e9) * 1000))
            let usable = lifetime > expiryMargin * 2 ? lifetime - expiryMargin : lifetime / 2
            expiresAt = now() + usable
        } else {
            expiresAt = nil
        }
        if let rotated = object["refresh_token"]?.stringValue, !rotated.isEmpty, rotated != refreshToken {
            logger.redactInAllCopies([rotated])
            refreshToken = rotated
            if let onRotation {
                do {
                    try onRotation(rotated)
                    logger.log(.debug, "saved the rotated refresh token")
                } catch {
                    logger.log(
                        .error,
                        "could not save the rotated refresh token (\(error)); this run goes on, but the next one may need a new refresh token"
                    )
                }
            }
        }
        return access
    }

    /// Maps a failed grant: a refusal by the auth host becomes ``UploadError/authentication``.
    private func refused(_ error: UploadError) -> UploadError {
        guard let status = error.status, [400, 401, 403].contains(status) else { return error }
        let code = error.platformCode ?? error.message
        return UploadError.authentication(
            "the auth host refused the refresh token (HTTP \(status): \(code)); log in again and store a new refresh token",
            status: status, platformCode: error.platformCode
        ).with(request: error.request ?? "POST \(Self.tokenPath)")
    }

    /// `application/x-www-form-urlencoded` (WHATWG URL): unreserved bytes as they are, space as `+`, the rest
    /// percent-encoded.
    static func formEncode(_ pairs: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._ ")
        func encode(_ text: String) -> String {
            (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(
                of: " ", with: "+")
        }
        return pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}

import CardKitJSON
import Foundation
import HTTPTypes
import Hummingbird

/// The fake of Spicychat's auth host, Kinde (providers.md §2.1, §2.3).
///
/// It serves the token endpoint with the refresh-token grant, and knows which access tokens the API accepts. Random faults and the API rate limit do not apply here.
///
/// Errors follow RFC 6749 §5.2: `{"error": "invalid_grant" | "invalid_client" | …, "error_description": "…"}`.
struct FakeSpicychatAuth: Sendable {
    static func addRoutes(to router: Router<FakeRequestContext>, store: FakeProviderStore) {
        router.group("oauth2")
            .route(.post, "token") { await store.spicychatGrantToken($0) }
    }

    /// Another path on the auth host: 405 for `/oauth2/token` with another method, else 404.
    static func unmatched(_ request: FakeRequest) -> FakeReply {
        guard request.segments == ["oauth2", "token"] else { return .json(404, ["error": "not_found"]) }
        return .json(405, ["error": "invalid_request", "error_description": "use POST"])
    }

    // MARK: - Token state

    /// Access token → the instant it stops being accepted (nil: until expired through the debug route).
    private var accessTokens: [String: ContinuousClock.Instant?]
    /// Tokens that were accepted once and have expired.
    private var expired: Set<String> = []
    /// The refresh token the next grant must present; nil once revoked.
    var refreshToken: String?
    /// Successful grants.
    private(set) var grants = 0
    /// Refused grant requests.
    var refusedGrants = 0
    /// API requests refused because their token had expired.
    var expiredRejections = 0

    init(configuration: FakeProviderConfiguration) {
        accessTokens = [configuration.spicychatToken: nil]
        refreshToken = configuration.spicychatRefreshToken
    }

    /// Whether `token` is a live access token (an expired one moves to ``isExpired(_:)``).
    mutating func accepts(_ token: String) -> Bool {
        guard let entry = accessTokens[token] else { return false }
        if let deadline = entry, ContinuousClock.now >= deadline {
            accessTokens[token] = nil
            expired.insert(token)
            return false
        }
        return true
    }

    /// Whether `token` was accepted once and has expired.
    func isExpired(_ token: String) -> Bool { expired.contains(token) }

    /// Issues a new access token and rotates the refresh token.
    mutating func grant(expiresIn: Int) -> (access: String, refresh: String) {
        grants += 1
        let access = "fake-access-\(grants)-\(UUID().uuidString.lowercased())"
        let refresh = "fake-refresh-\(grants)-\(UUID().uuidString.lowercased())"
        accessTokens[access] = ContinuousClock.now + .seconds(max(expiresIn, 0))
        refreshToken = refresh
        return (access, refresh)
    }

    /// Expires every live access token; returns how many.
    mutating func expireAll() -> Int {
        let count = accessTokens.count
        expired.formUnion(accessTokens.keys)
        accessTokens = [:]
        return count
    }

    var snapshot: JSONValue {
        [
            "tokenGrants": .number(JSONNumber(grants)),
            "refusedGrants": .number(JSONNumber(refusedGrants)),
            "expiredTokenRejections": .number(JSONNumber(expiredRejections)),
            "refreshToken": refreshToken.map { .string($0) } ?? .null,
        ]
    }
}

extension FakeProviderStore {
    /// `POST /oauth2/token`: `{access_token, expires_in, refresh_token, scope, token_type}`.
    ///
    /// Form `grant_type=refresh_token&refresh_token=…&client_id=…`. The refresh token rotates on every grant and
    /// the access token expires after `spicychatTokenExpiresIn` seconds. 400 `invalid_request` for a body that is not
    /// a form, 400 `unsupported_grant_type`, 401 `invalid_client`, 400 `invalid_grant` for a stale or revoked token.
    func spicychatGrantToken(_ request: FakeRequest) -> FakeReply {
        func refusal(_ status: Int, _ error: String, _ description: String) -> FakeReply {
            spicychat.auth.refusedGrants += 1
            return .json(status, ["error": .string(error), "error_description": .string(description)])
        }
        guard let form = request.form else {
            return refusal(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
        }
        guard form["grant_type"] == "refresh_token" else {
            return refusal(400, "unsupported_grant_type", "only the refresh_token grant is faked")
        }
        guard form["client_id"] == configuration.spicychatClientID else {
            return refusal(401, "invalid_client", "unknown client_id")
        }
        guard let presented = form["refresh_token"], !presented.isEmpty, presented == spicychat.auth.refreshToken
        else {
            return refusal(400, "invalid_grant", "the refresh token is invalid, expired or revoked")
        }
        let expiresIn = configuration.spicychatTokenExpiresIn
        let (access, refresh) = spicychat.auth.grant(expiresIn: expiresIn)
        return .json(
            200,
            [
                "access_token": .string(access), "expires_in": .number(JSONNumber(expiresIn)),
                "refresh_token": .string(refresh), "scope": "openid profile email offline", "token_type": "bearer",
            ])
    }
}

import Foundation

/// Supplies the credential an ``UploadEndpoint`` sends, and a new one after the platform refused it.
///
/// The endpoint asks for ``currentToken()`` before every attempt of a request. When an attempt is answered 401, it
/// calls ``refreshedToken(after:)`` once for that request and sends it once more with the new token; a second 401
/// is thrown (providers.md §7.2: "A 401 may trigger one token refresh, then one new attempt"). A 401 proves the
/// request was not applied, so the re-send is safe for POST too.
///
/// Implementations must be safe to call from many uploads at once, and should share one refresh among callers that
/// were refused the same token. Every token they return is scrubbed from the endpoint's logs.
package protocol UploadTokenProvider: Sendable {
    /// The token to send now.
    ///
    /// May fetch one first: on first use when the provider holds no access token yet, or when the cached one is
    /// about to expire.
    /// - Returns: The token, without its scheme (`Bearer`).
    /// - Throws: ``UploadError`` when no token can be had (for example a refresh token that was revoked).
    func currentToken() async throws(UploadError) -> String

    /// A token to use instead of `rejected`, which the platform has just answered with 401.
    ///
    /// When another caller has already replaced `rejected`, the current token is returned without a new refresh.
    /// - Parameter rejected: The token the 401 answered.
    /// - Returns: The new token, or nil when this provider cannot refresh (the 401 then stands).
    /// - Throws: ``UploadError`` when the refresh was attempted and failed.
    func refreshedToken(after rejected: String) async throws(UploadError) -> String?
}

/// A fixed token that cannot be refreshed: a 401 fails the request, as it always did.
///
/// The clients' `token:` and `apiKey:` initialisers wrap their argument in one.
package struct StaticTokenProvider: UploadTokenProvider {
    /// The token.
    package let token: String

    /// Creates a provider of one fixed token.
    /// - Parameter token: The token, without its scheme.
    package init(_ token: String) {
        self.token = token
    }

    /// Returns ``token``.
    /// - Returns: ``token``.
    package func currentToken() async throws(UploadError) -> String { token }

    /// Returns nil: a fixed token cannot be refreshed.
    /// - Parameter rejected: The refused token (ignored).
    /// - Returns: nil.
    /// - Throws: Never; the signature is the protocol's.
    package func refreshedToken(after rejected: String) async throws(UploadError) -> String? { nil }
}

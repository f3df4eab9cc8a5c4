package import CardKitJSON
public import CardPlatforms
package import Foundation
package import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The shared request machinery of the platform clients: base URL, credentials header, retry loop, error decoding
/// and logging.
///
/// Each client is a thin layer of paths and shapes over it.
///
/// With a ``tokenProvider``, the `Authorization` header is taken from it for every attempt, and a 401 is answered
/// by one token refresh and one new attempt of the same request (see ``send(_:idempotent:)``).
package struct UploadEndpoint: Sendable {
    /// The platform, which selects the error decoder.
    package let provider: UploadPlatform
    /// The base URL every path is resolved against.
    package let baseURL: URL
    /// The transport.
    package let transport: any UploadTransport
    /// The retry policy.
    package var policy: UploadRetryPolicy
    /// The logger (already scrubbing the credential).
    package var logger: Logger
    /// Supplies the credential per attempt and refreshes it after a 401; nil when the credential is a fixed header.
    package let tokenProvider: (any UploadTokenProvider)?
    /// The scheme put before the provider's token in `Authorization` (default `Bearer`).
    package let authorizationScheme: String
    /// Whether plain HTTP to hosts that are not loopback was allowed; URLs the platform hands out (a presigned
    /// upload URL) are checked under the same rule.
    package let allowsInsecureHTTP: Bool
    private let headers: [(name: String, value: String)]

    /// Creates an endpoint.
    /// - Parameters:
    ///   - provider: The platform.
    ///   - baseURL: The base URL; `http://` is accepted only for loopback hosts unless `allowInsecureHTTP`.
    ///   - headers: Headers sent on every request (including the credential).
    ///   - secret: The credential, scrubbed from every log line.
    ///   - transport: The transport.
    ///   - policy: The retry policy.
    ///   - logger: The logger.
    ///   - allowInsecureHTTP: Accept plain HTTP to any host.
    /// - Throws: ``UploadError/insecureURL`` or ``UploadError/configuration``.
    package init(
        provider: UploadPlatform, baseURL: URL, headers: [(name: String, value: String)], secret: String?,
        transport: any UploadTransport, policy: UploadRetryPolicy = .init(), logger: Logger = .silent,
        allowInsecureHTTP: Bool = false
    ) throws(UploadError) {
        try UploadURLPolicy.check(baseURL, allowInsecureHTTP: allowInsecureHTTP)
        self.allowsInsecureHTTP = allowInsecureHTTP
        self.provider = provider
        self.baseURL = baseURL
        self.headers = headers
        self.transport = transport
        self.policy = policy
        self.tokenProvider = nil
        self.authorizationScheme = "Bearer"
        let logger = logger.redacting()
        if let secret { logger.redact([secret]) }
        self.logger = logger
    }

    /// Creates an endpoint whose credential comes from a token provider.
    ///
    /// Each attempt sends `Authorization: <scheme> <token>` with the provider's current token. A 401 asks the
    /// provider for a refreshed token once per request, then sends the request once more; a provider that cannot
    /// refresh (``StaticTokenProvider``) leaves the 401 to be thrown as it is.
    /// - Parameters:
    ///   - provider: The platform.
    ///   - baseURL: The base URL; `http://` is accepted only for loopback hosts unless `allowInsecureHTTP`.
    ///   - headers: Headers sent on every request, without the credential.
    ///   - tokenProvider: Supplies and refreshes the credential. Every token it returns is scrubbed from the logs of
    ///     `logger` and its copies.
    ///   - authorizationScheme: The scheme before the token (default `Bearer`).
    ///   - transport: The transport.
    ///   - policy: The retry policy.
    ///   - logger: The logger.
    ///   - allowInsecureHTTP: Accept plain HTTP to any host.
    /// - Throws: ``UploadError/insecureURL`` or ``UploadError/configuration``.
    package init(
        provider: UploadPlatform, baseURL: URL, headers: [(name: String, value: String)],
        tokenProvider: any UploadTokenProvider, authorizationScheme: String = "Bearer", transport: any UploadTransport,
        policy: UploadRetryPolicy = .init(), logger: Logger = .silent, allowInsecureHTTP: Bool = false
    ) throws(UploadError) {
        try UploadURLPolicy.check(baseURL, allowInsecureHTTP: allowInsecureHTTP)
        self.allowsInsecureHTTP = allowInsecureHTTP
        self.provider = provider
        self.baseURL = baseURL
        self.headers = headers.filter { $0.name.caseInsensitiveCompare("Authorization") != .orderedSame }
        self.transport = transport
        self.policy = policy
        self.tokenProvider = tokenProvider
        self.authorizationScheme = authorizationScheme
        let logger = logger.redacting()
        if let fixed = tokenProvider as? StaticTokenProvider { logger.redactInAllCopies([fixed.token]) }
        self.logger = logger
    }

    // MARK: - Building

    /// Resolves `path` (starting with `/`) and the query against the base URL.
    package func url(_ path: String, query: [(String, String)] = []) throws(UploadError) -> URL {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        guard var components = URLComponents(string: base + path) else {
            throw UploadError.configuration("cannot build a URL from \(base) and \(path)")
        }
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components.url else { throw UploadError.configuration("cannot build a URL for \(path)") }
        return url
    }

    /// Builds a request with the endpoint's headers and an optional JSON body.
    package func request(
        _ method: UploadHTTPMethod, _ path: String, query: [(String, String)] = [], json: JSONValue? = nil
    ) throws(UploadError) -> UploadRequest {
        var request = UploadRequest(method: method, url: try url(path, query: query), headers: headers)
        if let json {
            request.headers.append((name: "Content-Type", value: "application/json"))
            request.body = JSONWriter.bytes(json)
        }
        return request
    }

    // MARK: - Sending

    /// Sends a request, retrying per the policy, and returns a 2xx response.
    ///
    /// Requests whose method is idempotent (GET, PUT, DELETE) are retried on every retryable failure. Others (POST,
    /// PATCH) are retried only when the failure proves the request was not applied (408, 425, 429); any other
    /// failure is thrown as is, and the caller must read back before sending again (see ``createWithReadBack``).
    ///
    /// With a ``tokenProvider``, a 401 is followed by one refresh and one new attempt, whatever the method (a 401
    /// proves the request was not applied); a second 401 is thrown. That new attempt is made even under a policy
    /// without retries, and counts as one of the policy's attempts.
    /// - Throws: ``UploadError``, already decoded for the platform; ``UploadError/authentication`` when the token
    ///   cannot be had or refreshed.
    package func send(_ request: UploadRequest, idempotent: Bool? = nil) async throws(UploadError) -> UploadResponse {
        let retriesFreely = idempotent ?? request.method.isIdempotent
        let clock = ContinuousClock()
        let start = clock.now
        var attempt = 0
        var refreshed = false
        var refreshedToken: String?
        while true {
            attempt += 1
            // The credential is asked for per attempt (a retry may come after the cached token expired); right
            // after a refresh, the refreshed token is used.
            let token: String?
            if let pending = refreshedToken {
                token = pending
                refreshedToken = nil
            } else {
                token = try await fetchToken(for: request) { () async throws(UploadError) -> String? in
                    try await tokenProvider?.currentToken()
                }
            }
            let error: UploadError
            do {
                let response = try await transport.send(
                    authorized(request, token: token), timeout: policy.requestTimeout)
                if response.isSuccess {
                    logger.log(.debug, "\(request.logLabel) -> \(response.status) (attempt \(attempt))")
                    logger.log(.trace, "\(request.logLabel): \(response.body.count) bytes")
                    return response
                }
                var decoded = UploadErrorDecoder.decode(
                    response, provider: provider, now: policy.now(), scrub: logger.scrub
                )
                .with(request: request.logLabel)
                logger.log(.debug, "\(request.logLabel) -> \(response.status) (attempt \(attempt)): \(decoded.kind)")
                if response.status == 401, let rejected = token, let tokenProvider {
                    if !refreshed {
                        refreshed = true
                        let fresh = try await fetchToken(for: request) { () async throws(UploadError) -> String? in
                            try await tokenProvider.refreshedToken(after: rejected)
                        }
                        if let fresh {
                            logger.log(.info, "\(request.logLabel) -> 401; sending it once more with a refreshed token")
                            refreshedToken = fresh
                            continue
                        }
                    } else {
                        decoded = decoded.with(
                            message: "\(decoded.message) (refused again right after a token refresh)")
                    }
                }
                error = decoded
            } catch let thrown {
                if thrown == .cancelled { throw thrown }
                error = thrown.with(request: request.logLabel)
                logger.log(.debug, "\(request.logLabel) -> \(error.kind) (attempt \(attempt)): \(error.message)")
            }
            if !retriesFreely && !UploadEndpoint.provesNotApplied(error) {
                throw error
            }
            switch policy.decide(after: error, attempt: attempt, elapsed: clock.now - start) {
            case .fail(let final):
                logger.log(.warning, "\(request.logLabel): giving up after \(attempt) attempt(s): \(final.kind)")
                throw final
            case .retry(let delay, let reason):
                logger.log(
                    .warning,
                    "\(request.logLabel): retry \(attempt + 1)/\(policy.maxAttempts) in \(UploadError.format(delay)) (\(reason))"
                )
                do { try await policy.sleep(delay) } catch {
                    throw UploadError.cancelled("cancelled while waiting to retry")
                }
            }
        }
    }

    /// The request with the provider's credential header in place of any `Authorization` it carried.
    private func authorized(_ request: UploadRequest, token: String?) -> UploadRequest {
        guard let token else { return request }
        var request = request
        request.headers.removeAll { $0.name.caseInsensitiveCompare("Authorization") == .orderedSame }
        request.headers.append((name: "Authorization", value: "\(authorizationScheme) \(token)"))
        return request
    }

    /// Asks the token provider for a token, scrubs it from the logs, and turns a failure into a run-stopping
    /// ``UploadError/authentication`` (without a token the platform cannot be used; the run can be resumed).
    private func fetchToken(
        for request: UploadRequest, _ fetch: () async throws(UploadError) -> String?
    ) async throws(UploadError) -> String? {
        do {
            let token = try await fetch()
            if let token { logger.redactInAllCopies([token]) }
            return token
        } catch let error where error == .cancelled || error.isFatalForRun {
            throw error.request == nil ? error.with(request: request.logLabel) : error
        } catch {
            throw UploadError.authentication(
                "no usable \(provider) access token: the token refresh failed: \(error)", status: error.status,
                platformCode: error.platformCode
            ).with(request: request.logLabel)
        }
    }

    /// Sends a request and parses the body as JSON (nil for an empty body).
    package func sendJSON(_ request: UploadRequest, idempotent: Bool? = nil) async throws(UploadError) -> JSONValue? {
        let response = try await send(request, idempotent: idempotent)
        return try UploadEndpoint.parseBody(response, label: request.logLabel)
    }

    /// Parses a response body as JSON; nil when empty.
    package static func parseBody(_ response: UploadResponse, label: String) throws(UploadError) -> JSONValue? {
        if response.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        do {
            return try JSONParser.parse(response.body).value
        } catch {
            throw UploadError.invalidResponse("body is not JSON: \(error)", status: response.status).with(
                request: label)
        }
    }

    /// Percent-escapes one path segment.
    package static func escape(_ segment: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }

    /// Whether a failure of a non-idempotent request proves it had no effect.
    static func provesNotApplied(_ error: UploadError) -> Bool {
        guard let status = error.status else { return false }
        return status == 408 || status == 425 || status == 429
    }

    /// Whether the outcome of a non-idempotent request is unknown (it may or may not have been applied).
    package static func isAmbiguous(_ error: UploadError) -> Bool {
        error == .transport || error == .timeout || (error == .server && (error.status ?? 500) >= 500)
            || (error == .invalidResponse && (error.status.map { (200..<300).contains($0) } ?? false))
    }

    /// Creates something without ever duplicating it.
    ///
    /// `attempt` sends the create. When its outcome is ambiguous (a transport error, a timeout, a 5xx), `readBack`
    /// looks for the object the create would have made; if it exists it is returned, otherwise the create is sent
    /// again after a backoff, within the policy's attempts and deadline.
    /// - Parameters:
    ///   - label: What is being created, for logs.
    ///   - attempt: Sends the create once.
    ///   - readBack: Finds the created object, or nil.
    /// - Returns: The created (or found) object.
    /// - Throws: ``UploadError``: the create's error when it is not ambiguous (the platform refused it) or when the
    ///   attempts or the deadline run out, else the read-back's error.
    package func createWithReadBack<T: Sendable>(
        _ label: String,
        attempt: () async throws(UploadError) -> T,
        readBack: () async throws(UploadError) -> T?
    ) async throws(UploadError) -> T {
        let clock = ContinuousClock()
        let start = clock.now
        var tries = 0
        while true {
            tries += 1
            let error: UploadError
            do {
                return try await attempt()
            } catch let thrown {
                guard UploadEndpoint.isAmbiguous(thrown) else { throw thrown }
                error = thrown
            }
            logger.log(.info, "\(label): outcome unknown (\(error.kind)); reading back before sending again")
            if let found = try await readBack() {
                logger.log(.info, "\(label): found after an ambiguous failure; not sending again")
                return found
            }
            logger.log(.trace, "\(label): read-back found nothing; the create did not take effect")
            switch policy.decide(after: error, attempt: tries, elapsed: clock.now - start) {
            case .fail(let final): throw final
            case .retry(let delay, let reason):
                logger.log(
                    .warning,
                    "\(label): create retry \(tries + 1)/\(policy.maxAttempts) in \(UploadError.format(delay)) (\(reason))"
                )
                do { try await policy.sleep(delay) } catch {
                    throw UploadError.cancelled("cancelled while waiting to retry")
                }
            }
        }
    }
}

extension Platform {
    /// The upload side of the platform; nil when CardKit has no upload client for it (Character.AI).
    ///
    /// The one place a new upload client is wired in. The switch is exhaustive on purpose: a new ``Platform`` does
    /// not compile until it has an answer here.
    public var upload: UploadPlatform? {
        switch self {
        case .spicychat: .spicychat
        case .chattr: .chattr
        case .nextchat: .nextchat
        case .characterai: nil
        }
    }
}

/// Refuses plain HTTP to hosts other than loopback.
package enum UploadURLPolicy {
    /// Checks a base URL.
    /// - Throws: ``UploadError/insecureURL`` for `http://` to a non-loopback host without `allowInsecureHTTP`;
    ///   ``UploadError/configuration`` for another scheme or a missing host.
    package static func check(_ url: URL, allowInsecureHTTP: Bool) throws(UploadError) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw UploadError.configuration("\(url.absoluteString): not an absolute http(s) URL")
        }
        switch scheme {
        case "https": return
        case "http":
            if allowInsecureHTTP || isLoopback(host) { return }
            throw UploadError.insecureURL(
                "\(scheme)://\(host): refusing plain HTTP to a host that is not loopback (credentials would travel unencrypted); use https"
            ).with(remedy: .allowInsecureHTTP)
        default:
            throw UploadError.configuration("\(url.absoluteString): unsupported scheme \(scheme)")
        }
    }

    /// Whether `host` is a loopback address (`127.0.0.0/8`, `::1`, `::ffff:127.x.y.z`), or exactly `localhost`
    /// and every address it resolves to is loopback.
    ///
    /// Names such as `evil.localhost` or `127.0.0.1.example.com` are not loopback: only the literal name
    /// `localhost` is looked up.
    /// - Parameter host: The URL's host (brackets around an IPv6 literal are accepted).
    /// - Returns: Whether plain HTTP to it stays on this machine.
    package static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if let literal = isLoopbackAddress(host) { return literal }
        guard host == "localhost" else { return false }
        return resolvesOnlyToLoopback(host)
    }

    /// Whether a numeric address is loopback; nil when `text` is not a numeric IPv4 or IPv6 address.
    static func isLoopbackAddress(_ text: String) -> Bool? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return isLoopback(v6) }
        return nil
    }

    private static func isLoopback(_ address: in6_addr) -> Bool {
        let bytes = withUnsafeBytes(of: address) { Array($0) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        // IPv4-mapped ::ffff:127.x.y.z
        return bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
    }

    /// Resolves `host` and checks that it has addresses and that all of them are loopback.
    static func resolvesOnlyToLoopback(_ host: String) -> Bool {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(first) }
        var found = false
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ai_next }
            guard let address = entry.pointee.ai_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                let v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                guard UInt32(bigEndian: v4.s_addr) >> 24 == 127 else { return false }
            case AF_INET6:
                let v6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                guard isLoopback(v6) else { return false }
            default:
                return false
            }
            found = true
        }
        return found
    }
}

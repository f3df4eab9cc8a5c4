import Foundation

/// The one error type of every upload client and of the bulk engine.
///
/// Modelled on async-http-client's `HTTPClientError`: a struct around a private code, so that new kinds can be added
/// without breaking callers. Two errors compare equal when their kinds are equal, whatever their details, so tests
/// can write `#expect(throws: UploadError.notFound) { ... }`.
public struct UploadError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable {
        case authentication, forbidden, notFound, validation, conflict, rateLimited, server, transport, timeout
        case invalidResponse, unsupported, insecureURL, credentials, configuration, cancelled, locked
    }

    /// One field-level problem reported by a platform's validation error.
    public struct FieldError: Sendable, Hashable, CustomStringConvertible {
        /// The field the platform named (a dotted path or a JSON pointer, as the platform sent it).
        public var field: String
        /// The platform's message for that field.
        public var message: String
        /// Creates a field error.
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
        /// `field: message`.
        public var description: String { "\(field): \(message)" }
    }

    private let code: Code
    /// The HTTP status of the answer, when there was one.
    public let status: Int?
    /// The platform's own error code (`CHARACTER_NOT_FOUND`, `SC-001-6004`, ...), when it sent one.
    public let platformCode: String?
    /// A readable message.
    ///
    /// Never contains a credential.
    public let message: String
    /// Field-level details of a validation error.
    public let fieldErrors: [FieldError]
    /// How long the server asked the client to wait (`Retry-After` header or a body hint).
    package let retryAfter: Duration?
    /// The request the error concerns, as `METHOD /path` (no query string, no headers).
    package let request: String?
    /// Whether a ``transport`` error is a refused connection (nothing listens at the address): retried only a few
    /// times, quickly (see ``UploadRetryPolicy/connectionRefusedAttempts``).
    package let isConnectionRefused: Bool
    /// The run setting that would have avoided the error, when one would; the caller names it in its own terms
    /// (the CLI as a flag), so no library message names a flag.
    public let remedy: UploadRemedy?

    private init(
        _ code: Code, status: Int? = nil, platformCode: String? = nil, message: String = "",
        fieldErrors: [FieldError] = [], retryAfter: Duration? = nil, request: String? = nil,
        isConnectionRefused: Bool = false, remedy: UploadRemedy? = nil
    ) {
        self.isConnectionRefused = isConnectionRefused
        self.remedy = remedy
        self.code = code
        self.status = status
        self.platformCode = platformCode
        self.message = message
        self.fieldErrors = fieldErrors
        self.retryAfter = retryAfter
        self.request = request
    }

    /// Kinds compare equal; details are ignored.
    public static func == (lhs: UploadError, rhs: UploadError) -> Bool { lhs.code == rhs.code }

    // MARK: - Kinds (for matching)

    /// Thrown when the platform refused the credentials (401), or none were sent.
    public static let authentication = UploadError(.authentication, message: "authentication failed")
    /// Thrown when the credentials are valid but not allowed to do this (403), including quotas.
    public static let forbidden = UploadError(.forbidden, message: "forbidden")
    /// Thrown when the resource does not exist (404).
    public static let notFound = UploadError(.notFound, message: "not found")
    /// Thrown when the platform rejected the body (400, 422), with field details when it gave them.
    public static let validation = UploadError(.validation, message: "validation failed")
    /// Thrown on a conflict, such as a stale NextChat `version` (409).
    public static let conflict = UploadError(.conflict, message: "conflict")
    /// Thrown when the platform is rate limiting and the wait it asked for exceeds the retry budget.
    public static let rateLimited = UploadError(.rateLimited, message: "rate limited")
    /// Thrown on a server error (5xx) that persisted through the retries.
    public static let server = UploadError(.server, message: "server error")
    /// Thrown when the connection failed or was lost (connection refused, reset, DNS).
    public static let transport = UploadError(.transport, message: "transport error")
    /// Thrown when a request or the overall retry deadline timed out.
    public static let timeout = UploadError(.timeout, message: "timed out")
    /// Thrown when the answer could not be understood (not JSON, missing fields).
    public static let invalidResponse = UploadError(.invalidResponse, message: "invalid response")
    /// Thrown when the platform cannot do what was asked (Chattr create, personas on NextChat).
    public static let unsupported = UploadError(.unsupported, message: "unsupported")
    /// Thrown when a plain `http://` URL points to a host that is not loopback.
    public static let insecureURL = UploadError(.insecureURL, message: "insecure URL")
    /// Thrown when credentials are missing or the credentials file is unsafe or unreadable.
    public static let credentials = UploadError(.credentials, message: "credentials unavailable")
    /// Thrown when the configuration (base URL, options) is unusable.
    public static let configuration = UploadError(.configuration, message: "invalid configuration")
    /// Thrown when the upload was cancelled.
    public static let cancelled = UploadError(.cancelled, message: "cancelled")
    /// Thrown when another run holds the lock of the state file.
    public static let locked = UploadError(.locked, message: "state file locked")

    // MARK: - Factories

    /// An authentication error with the platform's message.
    package static func authentication(_ message: String, status: Int? = 401, platformCode: String? = nil) -> Self {
        UploadError(.authentication, status: status, platformCode: platformCode, message: message)
    }
    /// A forbidden error with the platform's message.
    package static func forbidden(_ message: String, status: Int? = 403, platformCode: String? = nil) -> Self {
        UploadError(.forbidden, status: status, platformCode: platformCode, message: message)
    }
    /// A not-found error with a message naming what is missing.
    package static func notFound(_ message: String, status: Int? = 404, platformCode: String? = nil) -> Self {
        UploadError(.notFound, status: status, platformCode: platformCode, message: message)
    }
    /// A validation error with field details.
    package static func validation(
        _ message: String, fieldErrors: [FieldError] = [], status: Int? = 400, platformCode: String? = nil
    ) -> Self {
        UploadError(.validation, status: status, platformCode: platformCode, message: message, fieldErrors: fieldErrors)
    }
    /// A conflict (stale version) error.
    package static func conflict(_ message: String, status: Int? = 409, platformCode: String? = nil) -> Self {
        UploadError(.conflict, status: status, platformCode: platformCode, message: message)
    }
    /// A rate-limit error carrying the delay the server asked for.
    package static func rateLimited(
        _ message: String, retryAfter: Duration?, status: Int? = 429, platformCode: String? = nil
    ) -> Self {
        UploadError(.rateLimited, status: status, platformCode: platformCode, message: message, retryAfter: retryAfter)
    }
    /// A server error with its real status (not folded into 500).
    package static func server(
        _ message: String, status: Int?, platformCode: String? = nil, retryAfter: Duration? = nil
    ) -> Self {
        UploadError(.server, status: status, platformCode: platformCode, message: message, retryAfter: retryAfter)
    }
    /// A transport error (connection refused, reset, closed early).
    /// - Parameters:
    ///   - message: What failed.
    ///   - connectionRefused: Whether the connection was refused (nothing listens at the address).
    /// - Returns: The error.
    package static func transport(_ message: String, connectionRefused: Bool = false) -> Self {
        UploadError(.transport, message: message, isConnectionRefused: connectionRefused)
    }
    /// A timeout, either of one request or of the overall retry deadline.
    package static func timeout(_ message: String) -> Self { UploadError(.timeout, message: message) }
    /// An answer that could not be understood.
    package static func invalidResponse(_ message: String, status: Int? = nil) -> Self {
        UploadError(.invalidResponse, status: status, message: message)
    }
    /// An operation the platform does not offer.
    package static func unsupported(_ message: String) -> Self { UploadError(.unsupported, message: message) }
    /// A refused plain-HTTP URL.
    package static func insecureURL(_ message: String) -> Self { UploadError(.insecureURL, message: message) }
    /// A credentials problem.
    package static func credentials(_ message: String) -> Self { UploadError(.credentials, message: message) }
    /// A configuration problem.
    package static func configuration(_ message: String) -> Self { UploadError(.configuration, message: message) }
    /// A cancellation.
    package static func cancelled(_ message: String) -> Self { UploadError(.cancelled, message: message) }
    /// A state file held by another run.
    package static func locked(_ message: String) -> Self { UploadError(.locked, message: message) }

    // MARK: - Properties

    /// A short name of the kind: `authentication`, `not-found`, `rate-limited`, ...
    public var kind: String {
        switch code {
        case .notFound: "not-found"
        case .rateLimited: "rate-limited"
        case .invalidResponse: "invalid-response"
        case .insecureURL: "insecure-url"
        default: code.rawValue
        }
    }

    /// Whether a retry may succeed: 408/425/429/5xx, transport errors and timeouts.
    package var isRetryable: Bool {
        switch code {
        case .rateLimited, .transport, .timeout: return true
        case .server: return status.map(UploadRetryPolicy.defaultRetryableStatuses.contains) ?? true
        default: return false
        }
    }

    /// Whether the error means the provider cannot be used at all for this run (exit code 3): unreachable, or the
    /// credentials were refused.
    public var isFatalForRun: Bool {
        switch code {
        case .authentication, .credentials, .insecureURL, .configuration: true
        default: false
        }
    }

    /// Returns a copy that names the request it concerns.
    package func with(request: String) -> UploadError {
        UploadError(
            code, status: status, platformCode: platformCode, message: message, fieldErrors: fieldErrors,
            retryAfter: retryAfter, request: request, isConnectionRefused: isConnectionRefused, remedy: remedy)
    }

    /// Returns a copy with another message, keeping everything else.
    package func with(message: String) -> UploadError {
        UploadError(
            code, status: status, platformCode: platformCode, message: message, fieldErrors: fieldErrors,
            retryAfter: retryAfter, request: request, isConnectionRefused: isConnectionRefused, remedy: remedy)
    }

    /// Returns a copy that names the run setting that would have avoided the error.
    package func with(remedy: UploadRemedy?) -> UploadError {
        UploadError(
            code, status: status, platformCode: platformCode, message: message, fieldErrors: fieldErrors,
            retryAfter: retryAfter, request: request, isConnectionRefused: isConnectionRefused, remedy: remedy)
    }

    /// `error: <kind> (HTTP 404, CHARACTER_NOT_FOUND) at GET /api/characters/x: message; field: problem`.
    public var description: String {
        var head = "\(kind)"
        var extras: [String] = []
        if let status { extras.append("HTTP \(status)") }
        if let platformCode, !platformCode.isEmpty { extras.append(platformCode) }
        if !extras.isEmpty { head += " (\(extras.joined(separator: ", ")))" }
        if let request { head += " at \(request)" }
        var text = "\(head): \(message)"
        if let retryAfter { text += " (retry after \(UploadError.format(retryAfter)))" }
        if !fieldErrors.isEmpty { text += "; " + fieldErrors.map(\.description).joined(separator: "; ") }
        return text
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.3gs", seconds)
    }
}

/// A setting of an upload run that would have let an input or the run go through.
///
/// The library reports it as a value; the CLI turns it into a hint naming its flag.
public enum UploadRemedy: String, Sendable, Hashable, CaseIterable {
    /// Allow plain HTTP to a host that is not loopback (``UploadConnection/allowInsecureHTTP``).
    case allowInsecureHTTP
    /// Wait for the run holding the state file (``UploadStateFile/open(url:waitForLock:onWait:)``).
    case waitForLock
    /// Update objects that already exist (``UploadOptions/updateExisting``).
    case updateExisting
    /// Create an object although another of the same name exists (``UploadOptions/allowDuplicateNames``).
    case allowDuplicateNames
    /// Either of ``allowDuplicateNames`` or ``updateExisting``.
    case allowDuplicateNamesOrUpdateExisting
}

package import Foundation

/// An HTTP method used by the upload clients.
package enum UploadHTTPMethod: String, Sendable, Hashable {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"

    /// Whether repeating the request has the same effect as sending it once (RFC 9110): GET, PUT and DELETE.
    package var isIdempotent: Bool {
        switch self {
        case .get, .put, .delete: true
        case .post, .patch: false
        }
    }
}

/// One HTTP request, built by a platform client and sent through an ``UploadTransport``.
package struct UploadRequest: Sendable {
    /// The method.
    package var method: UploadHTTPMethod
    /// The absolute URL.
    package var url: URL
    /// Header fields in order.
    ///
    /// Credentials live here and are never logged.
    package var headers: [(name: String, value: String)]
    /// The body, if any.
    package var body: [UInt8]?

    /// Creates a request.
    package init(
        method: UploadHTTPMethod, url: URL, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// `METHOD /path` without the query string or any header: safe to log (signed URLs keep their signature in the
    /// query).
    package var logLabel: String { "\(method.rawValue) \(url.path.isEmpty ? "/" : url.path)" }
}

/// One HTTP response with its body fully read (bounded by the transport's limit).
package struct UploadResponse: Sendable {
    /// The status code.
    package var status: Int
    /// Header fields in order.
    package var headers: [(name: String, value: String)]
    /// The body bytes.
    package var body: [UInt8]

    /// Creates a response.
    package init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, matched case-insensitively.
    package func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Whether the status is 2xx.
    package var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sends HTTP requests.
///
/// The production implementation is ``AsyncHTTPClientTransport``; tests may pass a closure-based
/// fake. Implementations throw only ``UploadError`` (`.transport` or `.timeout`) and return every HTTP status as a
/// response: mapping statuses to errors is the client's job.
package protocol UploadTransport: Sendable {
    /// Sends one request and reads its whole response body.
    /// - Parameters:
    ///   - request: The request.
    ///   - timeout: The deadline for the whole exchange.
    /// - Returns: The response.
    /// - Throws: ``UploadError/transport`` or ``UploadError/timeout``.
    func send(_ request: UploadRequest, timeout: Duration) async throws(UploadError) -> UploadResponse
}

/// A transport built from a closure, for tests.
package struct ClosureUploadTransport: UploadTransport {
    private let handler: @Sendable (UploadRequest) async throws(UploadError) -> UploadResponse
    /// Creates a transport that answers every request with `handler`.
    package init(_ handler: @escaping @Sendable (UploadRequest) async throws(UploadError) -> UploadResponse) {
        self.handler = handler
    }
    /// Calls the handler.
    package func send(_ request: UploadRequest, timeout: Duration) async throws(UploadError) -> UploadResponse {
        try await handler(request)
    }
}

package import AsyncHTTPClient
import Foundation
package import Logging
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The production ``UploadTransport``, backed by async-http-client.
///
/// Every call carries an explicit deadline and response bodies are read with `collect(upTo:)`, so a misbehaving
/// server can neither hang a run nor exhaust memory.
///
/// The default client (``apiClient``) follows no redirect: a 3xx is returned as a response (and decoded as an
/// error), so a body is never re-sent to, and the plain-HTTP rule never skipped for, a host the caller did not
/// check. It does not retry a failed connection establishment either: a refused connection fails at once, and the
/// retry policy decides (a few quick tries, see ``UploadRetryPolicy/connectionRefusedAttempts``).
package struct AsyncHTTPClientTransport: UploadTransport {
    private let client: HTTPClient
    /// The largest response body accepted, in bytes (default 16 MiB).
    package var maxResponseBytes: Int
    /// Where async-http-client logs each request; nil for nowhere.
    ///
    /// Give ``Logger/swiftLogger``, so that its lines are scrubbed of credentials.
    package var logger: Logger?

    /// The process-wide client of the API calls.
    ///
    /// No redirects, no connection-establishment retries, a 10 s connect timeout. It lives as long as the process, so it is never shut down.
    package static let apiClient: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(90))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Creates a transport over `client` (default: ``apiClient``).
    /// - Parameters:
    ///   - client: The HTTP client.
    ///   - maxResponseBytes: The largest response body accepted.
    ///   - logger: Where async-http-client logs (``Logger/swiftLogger``); nil for nowhere.
    package init(
        client: HTTPClient = AsyncHTTPClientTransport.apiClient, maxResponseBytes: Int = 16 << 20,
        logger: Logger? = nil
    ) {
        self.client = client
        self.maxResponseBytes = maxResponseBytes
        self.logger = logger
    }

    /// Sends the request and collects the body.
    package func send(_ request: UploadRequest, timeout: Duration) async throws(UploadError) -> UploadResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let seconds = timeout.components.seconds
        let nanos = seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        do {
            let response = try await client.execute(
                outgoing, timeout: .nanoseconds(max(nanos, 1_000_000)), logger: logger)
            let buffer = try await response.body.collect(upTo: maxResponseBytes)
            let headers = response.headers.map { (name: $0.name, value: $0.value) }
            return UploadResponse(
                status: Int(response.status.code), headers: headers, body: Array(buffer.readableBytesView))
        } catch let error as HTTPClientError {
            throw AsyncHTTPClientTransport.map(error, label: request.logLabel)
        } catch is CancellationError {
            throw UploadError.cancelled("request cancelled").with(request: request.logLabel)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw UploadError.invalidResponse("response body larger than \(maxResponseBytes) bytes")
                .with(request: request.logLabel)
        } catch {
            throw UploadError.transport(
                AsyncHTTPClientTransport.describe(error), connectionRefused: AsyncHTTPClientTransport.isRefused(error)
            ).with(request: request.logLabel)
        }
    }

    /// Whether an error of the connection layer is `ECONNREFUSED`.
    static func isRefused(_ error: any Error) -> Bool {
        if let io = error as? IOError, io.errnoCode == ECONNREFUSED { return true }
        let text = String(describing: error).lowercased()
        return text.contains("connection refused") || text.contains("econnrefused")
    }

    static func map(_ error: HTTPClientError, label: String) -> UploadError {
        let timeouts: [HTTPClientError] = [
            .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
            .getConnectionFromPoolTimeout,
        ]
        if timeouts.contains(error) {
            return UploadError.timeout("request timed out (\(error))").with(request: label)
        }
        if error == .cancelled {
            return UploadError.cancelled("request cancelled").with(request: label)
        }
        if error == .invalidURL || error == .emptyHost || error == .emptyScheme {
            return UploadError.configuration("invalid URL (\(error))").with(request: label)
        }
        return UploadError.transport("\(error)", connectionRefused: isRefused(error)).with(request: label)
    }

    /// Describes a NIO or POSIX error without any request detail (no headers, no query).
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}

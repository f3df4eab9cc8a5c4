import CardKitJSON
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A request as the fake's handlers see it.
struct FakeRequest: Sendable {
    var method: String
    var path: String
    var segments: [String]
    var query: [String: String]
    /// Header names lowercased.
    var headers: [String: String]
    var body: [UInt8]
    /// The route's path parameters (`:id`), percent-decoded; `**` captures arrive under `"**"`, joined with `/`.
    var parameters: [String: String] = [:]

    init(method: String, path: String, query: String?, headers: [String: String], body: [UInt8]) {
        self.method = method.uppercased()
        self.path = path
        self.segments = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        self.query = Self.formDecode(query ?? "")
        self.headers = headers
        self.body = body
    }

    /// The request line, headers and matched path parameters of `request`, without its body (for middleware).
    init(head request: Request, context: FakeRequestContext, body: [UInt8] = []) {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        self.init(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers,
            body: body)
        for (key, value) in context.parameters where key != Parameters.recursiveCaptureKey {
            parameters[String(key)] = String(value).removingPercentEncoding ?? String(value)
        }
        let captured = context.parameters.getCatchAll()
        if !captured.isEmpty {
            parameters["**"] = captured.map { String($0).removingPercentEncoding ?? String($0) }.joined(separator: "/")
        }
    }

    /// `request` with its body collected (up to the context's upload limit).
    static func collecting(_ request: Request, context: FakeRequestContext) async throws -> FakeRequest {
        var incoming = request
        let body = try await incoming.collectBody(upTo: context.maxUploadSize)
        return FakeRequest(head: request, context: context, body: Array(body.readableBytesView))
    }

    /// The path parameter `name` (percent-decoded); empty when the route has none.
    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// Decodes `a=1&b=x+y` (a query string or an `application/x-www-form-urlencoded` body).
    static func formDecode(_ text: String) -> [String: String] {
        var parsed: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let key = parts[0].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? parts[0]
            let value =
                parts.count > 1
                ? (parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? parts[1]) : ""
            parsed[key] = value
        }
        return parsed
    }

    /// The body as a form, when it is sent as `application/x-www-form-urlencoded`.
    var form: [String: String]? {
        guard let type = header("content-type")?.lowercased(), type.hasPrefix("application/x-www-form-urlencoded")
        else {
            return nil
        }
        return Self.formDecode(String(decoding: body, as: UTF8.self))
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The Bearer token, if the Authorization header carries one.
    var bearer: String? {
        guard let value = header("authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }

    /// The body parsed as JSON, or nil when empty or invalid.
    var json: JSONValue? { body.isEmpty ? nil : try? JSONParser.parse(body).value }
}

/// An answer from a handler.
struct FakeReply: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> FakeReply {
        FakeReply(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: JSONWriter.bytes(value))
    }

    static func text(_ status: Int, _ text: String) -> FakeReply {
        FakeReply(status: status, headers: [("Content-Type", "text/plain")], body: Array(text.utf8))
    }
}

extension FakeReply: ResponseGenerator {
    /// The reply as a Hummingbird response.
    func response(from request: Request, context: some RequestContext) -> Response { httpResponse }

    /// The reply as a Hummingbird response.
    var httpResponse: Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The request context: Hummingbird's basics plus the channel, so a fault can drop the connection.
struct FakeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    var maxUploadSize: Int { 32 << 20 }
}

extension RouterMethods where Context == FakeRequestContext {
    /// Adds a route whose handler reads the request as a ``FakeRequest`` (body collected, path parameters decoded)
    /// and answers a ``FakeReply``.
    @discardableResult
    func route(
        _ method: HTTPRequest.Method, _ path: RouterPath,
        _ handler: @escaping @Sendable (FakeRequest) async -> FakeReply
    ) -> Self {
        on(path, method: method) { request, context in
            let fake = try await FakeRequest.collecting(request, context: context)
            return await handler(fake)
        }
    }
}

enum FakeTime {
    static func iso(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

import CardKitJSON
import HTTPTypes
import Hummingbird
import NIOCore

/// A refusal or failure a handler throws; the middleware turns it into an HTML page or, under `/api/`, a JSON
/// error object.
struct RequestFailure: Error, Sendable {
    /// The status.
    var status: HTTPResponse.Status
    /// What went wrong, for the person or program that asked.
    var message: String
    /// Extra response headers (`WWW-Authenticate`).
    var headers: HTTPFields = [:]
}

/// What every request passes through: the checks against other sites and other machines, the error pages, and
/// the security headers on every response.
///
/// - With no `--token`, only requests whose `Host` is a loopback name are served, so a page of another site that
///   makes its own name resolve to 127.0.0.1 (DNS rebinding) reads nothing.
/// - With `--token`, every request carries it: `Authorization: Bearer TOKEN`, or the `cardkit_token` cookie that a
///   visit to any page with `?token=TOKEN` sets.
/// - Every response has a Content-Security-Policy that allows the app's own script and stylesheet only (no inline
///   script, style or handler), `nosniff`, no framing and no referrer.
struct SecurityMiddleware<Context: RequestContext>: RouterMiddleware {
    let configuration: ServeConfiguration

    /// Refuses a body whose `Content-Length` is over the limit before any of it is read.
    ///
    /// A client that sent `Expect: 100-continue` then never sends it (see ``ExpectContinueHandler``). A body
    /// without a length is bounded as it is read.
    private func checkAnnouncedLength(_ request: Request) throws {
        guard let announced = request.headers[.contentLength].flatMap({ Int($0) }),
            announced > configuration.maxBodyBytes
        else { return }
        throw bodyTooLarge
    }

    /// The 413 for a body over `--max-body`.
    private var bodyTooLarge: RequestFailure {
        RequestFailure(
            status: .contentTooLarge,
            message: "the request body is larger than the limit of \(configuration.maxBodyBytes) bytes")
    }

    static var contentSecurityPolicy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response: Response
        do {
            try checkHost(request)
            try checkAnnouncedLength(request)
            if let redirect = try checkToken(request) {
                response = redirect
            } else {
                response = try await next(request, context)
            }
        } catch let failure as RequestFailure {
            response = Self.failureResponse(failure, for: request)
        } catch is NIOTooManyBytesError {
            response = Self.failureResponse(bodyTooLarge, for: request)
        } catch let error as any HTTPResponseError {
            response = Self.failureResponse(
                RequestFailure(status: error.status, message: error.status.reasonPhrase), for: request)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[values: .init("Referrer-Policy")!] = ["no-referrer"]
        response.headers[values: .init("X-Frame-Options")!] = ["DENY"]
        response.headers[values: .init("Cross-Origin-Opener-Policy")!] = ["same-origin"]
        response.headers[values: .init("Cross-Origin-Resource-Policy")!] = ["same-origin"]
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// Refuses a `Host` that is not loopback when no token protects the server.
    private func checkHost(_ request: Request) throws(RequestFailure) {
        guard (configuration.token ?? "").isEmpty else { return }
        let authority = request.head.authority ?? ""
        guard ServeConfiguration.isLoopback(Self.hostName(authority)) else {
            throw RequestFailure(
                status: .misdirectedRequest,
                message:
                    "this server answers to loopback names only (the request named \(authority.isEmpty ? "no host" : authority))"
            )
        }
    }

    /// Checks `--token`; a `?token=` visit gets the cookie and a redirect to the same page without it.
    private func checkToken(_ request: Request) throws(RequestFailure) -> Response? {
        guard let token = configuration.token, !token.isEmpty else { return nil }
        if let bearer = request.headers[.authorization], bearer.hasPrefix("Bearer "),
            constantTimeEqual(String(bearer.dropFirst("Bearer ".count)), token)
        {
            return nil
        }
        if let cookie = request.cookies["cardkit_token"]?.value, constantTimeEqual(cookie, token) { return nil }
        let fields = FormFields(request.uri.query)
        if request.method == .get, let given = fields["token"], constantTimeEqual(given, token) {
            let rest = fields.pairs.filter { $0.name != "token" }
                .map { FormFields.encode($0.name) + "=" + FormFields.encode($0.value) }
            let location = request.uri.path + (rest.isEmpty ? "" : "?" + rest.joined(separator: "&"))
            var response = Response(status: .seeOther, headers: [.location: location])
            response.headers[.setCookie] = "cardkit_token=\(token); Path=/; HttpOnly; SameSite=Strict"
            return response
        }
        throw RequestFailure(
            status: .unauthorized,
            message:
                "this server needs its token: send Authorization: Bearer TOKEN, or open any page with ?token=TOKEN once",
            headers: [.wwwAuthenticate: "Bearer realm=\"cardkit\""])
    }

    /// The host part of an authority (`[::1]:8080` → `::1`, `localhost:80` → `localhost`).
    static func hostName(_ authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<end])
        }
        return String(authority.split(separator: ":", maxSplits: 1).first ?? "")
    }

    /// The error as JSON under `/api/`, else as a page.
    static func failureResponse(_ failure: RequestFailure, for request: Request) -> Response {
        var response: Response
        if request.uri.path.hasPrefix("/api/") {
            response = Responses.json(
                ["error": ["status": .number(.init(Int(failure.status.code))), "message": .string(failure.message)]],
                status: failure.status)
        } else {
            response = Responses.html(
                PageTemplates.render(
                    "message",
                    [
                        "page": "message", "folder": "", "heading": failure.status.reasonPhrase,
                        "message": failure.message,
                    ]),
                status: failure.status)
        }
        for field in failure.headers { response.headers.append(field) }
        return response
    }
}

/// Compares two secrets in time that does not depend on where they differ.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let left = Array(a.utf8)
    let right = Array(b.utf8)
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
}

import CardKitJSON
import Hummingbird

/// Which fake a path belongs to.
///
/// The fakes share one port; their path prefixes do not collide.
enum FakeProvider: Sendable {
    /// `/__debug/…`: the fake's own control routes.
    case debug
    /// `/oauth2/…`: Spicychat's auth host (Kinde).
    case kinde
    /// `/api/v1/…`
    case chattr
    /// `/api/…` (other than `/api/v1`)
    case nextchat
    /// Everything else: Spicychat's REST base has no prefix.
    case spicychat

    init(_ request: FakeRequest) {
        let s = request.segments
        switch s.first {
        case "__debug": self = .debug
        case "oauth2": self = .kinde
        case "api" where s.count >= 2 && s[1] == "v1": self = .chattr
        case "api": self = .nextchat
        default: self = .spicychat
        }
    }

    /// The platform's error body for a status, in the platform's own shape; `retryAfterBody` adds the platform's
    /// body hint for a 429.
    func errorReply(status: Int, retryAfterBody: Int?) -> FakeReply {
        switch self {
        case .chattr: FakeChattr.error(status, retryAfterBody: retryAfterBody)
        case .nextchat: FakeNextChat.error(status, retryAfterBody: retryAfterBody)
        // Kinde's own errors are RFC 6749 bodies (FakeSpicychatAuth.swift); a scripted status on the auth host
        // without a body gets Spicychat's shape, as before the split.
        case .spicychat, .kinde, .debug: FakeSpicychat.error(status, retryAfterBody: retryAfterBody)
        }
    }

    /// The answer to a path or method no route matches: each platform checks its auth first, then answers 404 in
    /// its own shape.
    func unmatched(_ request: FakeRequest, store: FakeProviderStore) async -> FakeReply {
        switch self {
        case .debug:
            .json(404, ["message": .string("no debug route \(request.method) \(request.path)")])
        case .kinde:
            FakeSpicychatAuth.unmatched(request)
        case .chattr:
            await store.chattrRefusal(request)
                ?? FakeChattr.error(404, message: "Resource not found")
        case .nextchat:
            await store.nextchatRefusal(request)
                ?? FakeNextChat.error(404, message: "Resource not found", code: "CHARACTER_NOT_FOUND")
        case .spicychat:
            await store.spicychatRefusal(request, guestsAllowed: false)
                ?? FakeSpicychat.error(404, message: "no route \(request.method) \(request.path)")
        }
    }
}

/// Answers requests no route matched as the platform would: its auth check, then its 404.
///
/// Hummingbird's plain 404 would say nothing in the platform's shape. This middleware sits inside the fault stage, so unmatched API requests still count and still get faults.
struct FakeUnmatchedRouteMiddleware: RouterMiddleware {
    typealias Context = FakeRequestContext
    let store: FakeProviderStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let fake = try await FakeRequest.collecting(request, context: context)
            return await FakeProvider(fake).unmatched(fake, store: store).httpResponse
        }
    }
}

/// The reason phrase the fakes put in error bodies.
enum FakeReason {
    static func phrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 409: "Conflict"
        case 429: "Too many requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "HTTP \(status)"
        }
    }
}

import CardKitJSON
import Foundation
import HTTPTypes
import Hummingbird
import OrderedCollections

/// The fake Chattr API under `/api/v1` (providers.md §3.2, §3.3).
///
/// Chattr has no create endpoint, so tests seed characters through `POST /__debug/chattr/characters`; one character, `assistant`, exists from the start.
///
/// Every route but the health check requires `Authorization: Bearer <API key>` (else 401 `UNAUTHORIZED`).
///
/// Error bodies (our fake, mirroring the WebSocket error frame): `{"code": "<CODE>", "message": "…",
/// "retry_after_seconds": n?, "details": […]?}`.
enum FakeChattr {
    static func addRoutes(to router: Router<FakeRequestContext>, store: FakeProviderStore) {
        let api = router.group("api/v1")
        api.route(.get, "health") { _ in .json(200, ["status": "healthy"]) }

        let characters = api.group("characters").add(middleware: FakeChattrAccess(store: store))
        characters
            .route(.get, "") { await store.chattrListCharacters($0) }
            .route(.get, ":id") { await store.chattrGetCharacter($0) }
            .route(.put, ":id") { await store.chattrUpdateCharacter($0) }
    }

    /// Chattr's error body.
    static func error(
        _ status: Int, message: String? = nil, retryAfterBody: Int? = nil, details: JSONValue? = nil
    ) -> FakeReply {
        var body: JSONObject = [
            "code": .string(code(status)), "message": .string(message ?? FakeReason.phrase(status)),
        ]
        if let retryAfterBody { body["retry_after_seconds"] = .number(JSONNumber(retryAfterBody)) }
        if let details { body["details"] = details }
        return .json(status, .object(body))
    }

    /// The documented error code for a status (§3.2 "Errors").
    static func code(_ status: Int) -> String {
        switch status {
        case 400, 422: "INVALID_REQUEST"
        case 401: "UNAUTHORIZED"
        case 403: "FORBIDDEN"
        case 404: "NOT_FOUND"
        case 429: "RATE_LIMIT_EXCEEDED"
        case 503: "SERVICE_UNAVAILABLE"
        default: "INTERNAL_ERROR"
        }
    }

    /// A `CharacterDetail` with the documented defaults.
    static func detail(id: String, name: String, description: String, personality: String) -> JSONObject {
        [
            "id": .string(id), "name": .string(name), "description": .string(description),
            "personality": .string(personality), "avatar_url": .string("/assets/avatars/\(id).png"),
            "voice_model": "default", "capabilities": ["text"], "video_model": "stable-video",
            "configuration": ["temperature": 0.7, "max_tokens": 1024, "system_prompt": ""],
            "statistics": ["total_conversations": 0, "average_rating": 0.0, "last_updated": .string(FakeTime.iso())],
        ]
    }

    /// The `CharacterSummary` fields of a detail.
    static let summaryFields = [
        "id", "name", "description", "personality", "avatar_url", "voice_model", "capabilities",
    ]
}

/// Chattr's API-key check, before a route runs.
struct FakeChattrAccess: RouterMiddleware {
    typealias Context = FakeRequestContext
    let store: FakeProviderStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let refusal = await store.chattrRefusal(FakeRequest(head: request, context: context)) {
            return refusal.httpResponse
        }
        return try await next(request, context)
    }
}

/// The fake Chattr's data.
struct FakeChattrState: Sendable {
    var characters = FakeCollection()

    init() {
        characters.set(
            "assistant",
            FakeChattr.detail(
                id: "assistant", name: "Assistant", description: "A helpful assistant",
                personality: "Friendly and concise"))
    }
}

extension FakeProviderStore {
    /// 401 `UNAUTHORIZED` unless the Bearer token is the configured API key; nil when it may proceed.
    func chattrRefusal(_ request: FakeRequest) -> FakeReply? {
        guard request.bearer == configuration.chattrAPIKey else {
            return FakeChattr.error(401, message: "API key missing or invalid")
        }
        return nil
    }

    /// `GET /api/v1/characters` (no pagination): `{"characters": [CharacterSummary]}`.
    func chattrListCharacters(_ request: FakeRequest) -> FakeReply {
        let summaries: [JSONValue] = chattr.characters.all.map { detail in
            var summary = JSONObject()
            for key in FakeChattr.summaryFields { summary[key] = detail[key] }
            return .object(summary)
        }
        return .json(200, ["characters": .array(summaries)])
    }

    /// `GET /api/v1/characters/{id}`: the `CharacterDetail`, or 404 `NOT_FOUND`.
    func chattrGetCharacter(_ request: FakeRequest) -> FakeReply {
        let id = request.parameter("id")
        guard let detail = chattr.characters[id] else {
            return FakeChattr.error(404, message: "Character '\(id)' not found")
        }
        return .json(200, .object(detail))
    }

    /// `PUT /api/v1/characters/{id}`: a partial update, answering the full `CharacterDetail`.
    ///
    /// Body `{name?, description?, personality?, avatar_url?, voice_model?, capabilities?, configuration?:
    /// {temperature? (0–2), max_tokens? (> 0), system_prompt?}}`. The response is undocumented; §3.3 assumes the
    /// detail. 404 for an unknown id; 400 `INVALID_REQUEST` with `details: [{field, message}]` for invalid fields.
    func chattrUpdateCharacter(_ request: FakeRequest) -> FakeReply {
        let id = request.parameter("id")
        guard var detail = chattr.characters[id] else {
            return FakeChattr.error(404, message: "Character '\(id)' not found")
        }
        guard let body = request.json?.objectValue else {
            return FakeChattr.error(400, message: "Invalid request body")
        }
        var problems: [JSONValue] = []
        func problem(_ field: String, _ message: String) {
            problems.append(["field": .string(field), "message": .string(message)])
        }
        if let name = body["name"], (name.stringValue ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            problem("name", "must be a non-empty string")
        }
        for key in ["description", "personality", "avatar_url", "voice_model"] {
            if let value = body[key], value.stringValue == nil { problem(key, "must be a string") }
        }
        if let capabilities = body["capabilities"] {
            let valid =
                capabilities.arrayValue?.allSatisfy { ["text", "voice", "video"].contains($0.stringValue ?? "") }
                ?? false
            if !valid { problem("capabilities", "must be an array of text, voice, video") }
        }
        var configuration = detail["configuration"]?.objectValue ?? [:]
        if let config = body["configuration"] {
            if let object = config.objectValue {
                if let t = object["temperature"] {
                    if let n = t.numberValue?.doubleValue, (0...2).contains(n) {
                        configuration["temperature"] = t
                    } else {
                        problem("configuration.temperature", "must be a number from 0 to 2")
                    }
                }
                if let m = object["max_tokens"] {
                    if let n = m.numberValue?.intValue, n > 0 {
                        configuration["max_tokens"] = m
                    } else {
                        problem("configuration.max_tokens", "must be a positive integer")
                    }
                }
                if let p = object["system_prompt"] {
                    if p.stringValue != nil {
                        configuration["system_prompt"] = p
                    } else {
                        problem("configuration.system_prompt", "must be a string")
                    }
                }
            } else {
                problem("configuration", "must be an object")
            }
        }
        if !problems.isEmpty {
            return FakeChattr.error(400, message: "Invalid request body", details: .array(problems))
        }
        for key in ["name", "description", "personality", "avatar_url", "voice_model", "capabilities"] {
            if let value = body[key] { detail[key] = value }
        }
        detail["configuration"] = .object(configuration)
        var statistics = detail["statistics"]?.objectValue ?? [:]
        statistics["last_updated"] = .string(FakeTime.iso())
        detail["statistics"] = .object(statistics)
        chattr.characters.set(id, detail)
        countCreate("chattr/update/\(id)")
        return .json(200, .object(detail))
    }

    /// Seeds characters, the fake's stand-in for Chattr's missing create.
    ///
    /// Each needs an `id`; missing fields get the `CharacterDetail` defaults. Answers the seeded ids, or nil when an
    /// item has no id.
    func chattrSeed(_ items: [JSONValue]) -> [JSONValue]? {
        var added: [JSONValue] = []
        for item in items {
            guard let object = item.objectValue, let id = object["id"]?.stringValue, !id.isEmpty else { return nil }
            var detail = FakeChattr.detail(
                id: id, name: object["name"]?.stringValue ?? id,
                description: object["description"]?.stringValue ?? "",
                personality: object["personality"]?.stringValue ?? "")
            for (key, value) in object { detail[key] = value }
            chattr.characters.set(id, detail)
            added.append(.string(id))
        }
        return added
    }
}

import CardKitDigest
import CardKitJSON
import Foundation
import OrderedCollections

/// What the server does with a request after the fault stage.
enum FakeAdmission: Sendable {
    case proceed
    case reply(FakeReply)
    case dropBefore
    case dropAfter
}

/// The in-memory state of the three fake platforms, and the fault injector. All mutation happens on this actor, so
/// the state is consistent whatever the client's concurrency.
actor FakeProviderStore {
    var configuration: FakeProviderConfiguration
    private var random: FakeRandom
    private var scripted: [FakeScriptedFault] = []
    private var rateWindowStart = ContinuousClock.now
    private var rateWindowCount = 0
    private var baseURL = ""

    // Statistics
    private var requestCount = 0
    private var injected: [String: Int] = [:]
    private var createCounts: [String: Int] = [:]

    // Spicychat
    private var spicyPersonas = FakeCollection()
    private var spicyCharacters = FakeCollection()
    private var spicyOwned: Set<String> = []
    private var spicyImages: [String: (mime: String, hash: String, uploaded: Bool)] = [:]
    private var spicyUploadedBytes = 0
    private var spicyAuth: FakeSpicychatAuth
    // Chattr
    private var chattrCharacters = FakeCollection()
    // NextChat
    private var nextCharacters = FakeCollection()

    init(configuration: FakeProviderConfiguration) {
        self.configuration = configuration
        self.random = FakeRandom(seed: configuration.seed)
        self.spicyAuth = FakeSpicychatAuth(configuration: configuration)
        Self.seedDefaults(chattr: &chattrCharacters)
    }

    func setBaseURL(_ url: String) { baseURL = url }

    private static func seedDefaults(chattr: inout FakeCollection) {
        chattr.set(
            "assistant",
            FakeProviderStore.chattrDetail(
                id: "assistant", name: "Assistant", description: "A helpful assistant",
                personality: "Friendly and concise"))
    }

    // MARK: - Fault stage

    /// Decides whether the request is answered normally, with a scripted or injected fault, or dropped.
    func admit(_ request: FakeRequest) -> (FakeAdmission, Int) {
        requestCount += 1
        if let index = scripted.firstIndex(where: { fault in
            (fault.method.map { $0.uppercased() == request.method } ?? true)
                && (fault.pathPrefix.map { request.path.hasPrefix($0) } ?? true)
        }) {
            let fault = scripted.remove(at: index)
            injected["scripted", default: 0] += 1
            switch fault.drop {
            case "before": return (.dropBefore, fault.delayMilliseconds)
            case "after": return (.dropAfter, fault.delayMilliseconds)
            default: break
            }
            var reply =
                fault.body.map { body -> FakeReply in
                    let isJSON = (try? JSONParser.parse(Array(body.utf8))) != nil
                    return FakeReply(
                        status: fault.status, headers: [("Content-Type", isJSON ? "application/json" : "text/plain")],
                        body: Array(body.utf8))
                } ?? errorReply(for: request, status: fault.status, retryAfterBody: nil)
            reply.status = fault.status
            for (name, value) in fault.headers.sorted(by: { $0.key < $1.key }) { reply.headers.append((name, value)) }
            return (.reply(reply), fault.delayMilliseconds)
        }
        // The token endpoint lives on the auth host (providers.md §2.1), apart from the API: its rate limit and the
        // random faults do not apply to it; scripted faults do.
        if request.segments.first == "oauth2" { return (.proceed, 0) }
        if let limit = configuration.rateLimit, limit > 0 {
            let now = ContinuousClock.now
            if now - rateWindowStart >= .seconds(1) {
                rateWindowStart = now
                rateWindowCount = 0
            }
            rateWindowCount += 1
            if rateWindowCount > limit {
                injected["rate-limit", default: 0] += 1
                let remaining = .seconds(1) - (now - rateWindowStart)
                let seconds = max(
                    1,
                    Int(
                        (Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18)
                            .rounded(.up)))
                var reply = errorReply(for: request, status: 429, retryAfterBody: seconds)
                reply.headers.append(("Retry-After", String(seconds)))
                return (.reply(reply), 0)
            }
        }
        if configuration.failRate > 0, !configuration.faultMix.isEmpty,
            Double.random(in: 0..<1, using: &random) < configuration.failRate
        {
            let fault = configuration.faultMix.randomElement(using: &random) ?? .serverError
            injected[fault.rawValue, default: 0] += 1
            let retryAfter = configuration.retryAfterSeconds
            switch fault {
            case .rateLimitedRetryAfter:
                var reply = errorReply(for: request, status: 429, retryAfterBody: nil)
                reply.headers.append(("Retry-After", String(retryAfter)))
                return (.reply(reply), 0)
            case .rateLimitedHTTPDate:
                var reply = errorReply(for: request, status: 429, retryAfterBody: nil)
                reply.headers.append(
                    ("Retry-After", FakeTime.httpDate(Date().addingTimeInterval(Double(retryAfter) - 5))))
                return (.reply(reply), 0)
            case .rateLimitedBodyHint:
                return (.reply(errorReply(for: request, status: 429, retryAfterBody: retryAfter)), 0)
            case .rateLimitedNoHint:
                return (.reply(errorReply(for: request, status: 429, retryAfterBody: nil)), 0)
            case .serverError: return (.reply(errorReply(for: request, status: 500, retryAfterBody: nil)), 0)
            case .badGateway: return (.reply(FakeReply.text(502, "Bad Gateway")), 0)
            case .unavailable:
                var reply = errorReply(for: request, status: 503, retryAfterBody: nil)
                reply.headers.append(("Retry-After", String(retryAfter)))
                return (.reply(reply), 0)
            case .dropBeforeApplying: return (.dropBefore, 0)
            case .dropAfterApplying: return (.dropAfter, 0)
            }
        }
        return (.proceed, 0)
    }

    // MARK: - Routing

    func handle(_ request: FakeRequest) -> FakeReply {
        let s = request.segments
        if s.first == "oauth2" { return oauth(request, Array(s.dropFirst())) }
        if s.first == "api", s.count >= 2, s[1] == "v1" { return chattr(request, Array(s.dropFirst(2))) }
        if s.first == "api" { return nextchat(request, Array(s.dropFirst(1))) }
        return spicychat(request, s)
    }

    /// The platform's error body for a status, in the platform's own shape.
    func errorReply(
        for request: FakeRequest, status: Int, retryAfterBody: Int?, message: String? = nil, code: String? = nil,
        details: JSONValue? = nil
    ) -> FakeReply {
        let s = request.segments
        let text = message ?? Self.reason(status)
        if s.first == "api", s.count >= 2, s[1] == "v1" {
            var body: JSONObject = ["code": .string(code ?? Self.chattrCode(status)), "message": .string(text)]
            if let retryAfterBody { body["retry_after_seconds"] = .number(JSONNumber(retryAfterBody)) }
            if let details { body["details"] = details }
            return .json(status, .object(body))
        }
        if s.first == "api" {
            var envelope: JSONObject = [
                "code": .string(code ?? Self.nextchatCode(status)), "message": .string(text),
                "timestamp": .string(FakeTime.iso()), "requestId": .string(UUID().uuidString.lowercased()),
            ]
            if let details {
                envelope["details"] = details
            } else if let retryAfterBody {
                envelope["details"] = ["retryAfter": .number(JSONNumber(retryAfterBody))]
            }
            return .json(status, ["error": .object(envelope)])
        }
        var body: JSONObject = [:]
        if let code { body["error"] = .string(code) }
        body["message"] = .string(text)
        if let retryAfterBody { body["retryAfter"] = .number(JSONNumber(retryAfterBody)) }
        return .json(status, .object(body))
    }

    static func reason(_ status: Int) -> String {
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

    static func chattrCode(_ status: Int) -> String {
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

    static func nextchatCode(_ status: Int) -> String {
        switch status {
        case 400, 422: "VALIDATION_ERROR"
        case 401: "ST_API_AUTH_FAILED"
        case 403: "CHARACTER_ACCESS_DENIED"
        case 404: "CHARACTER_NOT_FOUND"
        case 409: "CHARACTER_VERSION_CONFLICT"
        case 429: "ST_API_RATE_LIMITED"
        case 503: "SERVICE_UNAVAILABLE"
        case 504: "TIMEOUT"
        default: "INTERNAL_SERVER_ERROR"
        }
    }

    private func countCreate(_ key: String) { createCounts[key, default: 0] += 1 }

    // MARK: - Spicychat (providers.md §2.4, §2.5, §2.8)

    private func spicychat(_ request: FakeRequest, _ s: [String]) -> FakeReply {
        let method = request.method
        // The presigned S3 URL: no Spicychat headers, and S3 refuses a second auth mechanism.
        if s.first == "s3", method == "PUT" {
            let key = s.dropFirst().joined(separator: "/")
            if request.header("authorization") != nil {
                return .text(400, "InvalidArgument: Only one auth mechanism allowed")
            }
            guard request.query["X-Amz-Signature"] != nil, let image = spicyImages[key] else {
                return .text(403, "AccessDenied: Request has expired or the signature does not match")
            }
            guard request.header("content-type") == image.mime else {
                return .text(403, "SignatureDoesNotMatch: Content-Type differs from the signed one")
            }
            guard Digest.md5Hex(request.body) == image.hash else {
                return .text(400, "BadDigest: the bytes do not match the hash given to save-image")
            }
            spicyImages[key]?.uploaded = true
            spicyUploadedBytes += request.body.count
            return FakeReply(status: 200, headers: [("ETag", "\"\(image.hash)\"")])
        }
        guard request.header("x-app-id") == "spicychat" else {
            return errorReply(for: request, status: 400, retryAfterBody: nil, message: "missing or wrong x-app-id")
        }
        let bearer = request.bearer
        if bearer == nil, request.header("x-guest-userid") == nil {
            return errorReply(
                for: request, status: 401, retryAfterBody: nil, message: "Unauthorized", code: "SC-001-6004")
        }
        var authenticated = false
        if let bearer { authenticated = spicyAuth.accepts(bearer) }
        if let bearer, !authenticated {
            if spicyAuth.isExpired(bearer) {
                // The real answer to an expired token is not sourced; the fake reuses the one 401 code providers.md
                // §2.2 and §2.7 give (SC-001-6004, missing or unusable Bearer).
                spicyAuth.expiredRejections += 1
                return errorReply(
                    for: request, status: 401, retryAfterBody: nil, message: "Token expired", code: "SC-001-6004")
            }
            return errorReply(for: request, status: 401, retryAfterBody: nil, message: "Invalid or expired token")
        }
        let isGuestRoute = method == "GET" && s.count == 3 && s[0] == "v2" && s[1] == "characters"
        if !authenticated, !isGuestRoute {
            return errorReply(for: request, status: 401, retryAfterBody: nil, message: "Authentication required")
        }
        switch (method, s.count) {
        case ("GET", 2) where s == ["v2", "users"]:
            return .json(
                200,
                [
                    "user": [
                        "id": "fake-user", "name": "Fake User", "username": "fake", "highlights": "",
                        "default_persona_id": spicyPersonas.all.first(where: { $0["is_default"]?.boolValue == true })?[
                            "id"] ?? .null,
                    ]
                ])
        case ("GET", 1) where s[0] == "personas":
            return .json(200, .array(spicyPersonas.all.map { .object($0) }))
        case ("POST", 1) where s[0] == "save-image":
            guard let body = request.json?.objectValue, let mime = body["image_type"]?.stringValue,
                mime.hasPrefix("image/"),
                let hash = body["hash"]?.stringValue, hash.count == 32, hash.allSatisfy(\.isHexDigit)
            else {
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil,
                    message: "image_type (image/*) and hash (md5 hex) are required")
            }
            let ext = mime.split(separator: "/").last.map(String.init) ?? "png"
            let key = "avatars/\(hash.lowercased()).\(ext)"
            if spicyImages[key] == nil { spicyImages[key] = (mime, hash.lowercased(), false) }
            let signed = "\(baseURL)/s3/\(key)?X-Amz-Expires=900&X-Amz-Signature=\(UUID().uuidString.lowercased())"
            return .json(200, ["key": .string(key), "signed_url": .string(signed)])
        case ("POST", 1) where s[0] == "personas":
            guard let body = request.json?.objectValue else {
                return errorReply(for: request, status: 400, retryAfterBody: nil, message: "body must be a JSON object")
            }
            guard let name = body["name"]?.stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty,
                name.count <= 100
            else {
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil, message: "name is required (1-100 characters)")
            }
            if let highlights = body["highlights"], highlights.stringValue == nil {
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil, message: "highlights must be a string")
            }
            let avatar = body["avatar_url"]?.stringValue ?? ""
            if !avatar.isEmpty, spicyImages[avatar]?.uploaded != true {
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil, message: "avatar_url is not an uploaded image")
            }
            let id = UUID().uuidString.lowercased()
            let persona: JSONObject = [
                "id": .string(id), "name": .string(name), "avatar_url": .string(avatar),
                "highlights": .string(body["highlights"]?.stringValue ?? ""),
                "is_default": .bool(body["is_default"]?.boolValue ?? false),
            ]
            spicyPersonas.set(id, persona)
            countCreate("spicychat/persona/\(name)")
            return .json(200, .object(persona))
        case ("DELETE", 2) where s[0] == "personas":
            guard spicyPersonas.remove(s[1]) else {
                return errorReply(for: request, status: 404, retryAfterBody: nil, message: "persona not found")
            }
            return .json(200, ["success": true])
        case ("PATCH", 3) where s[0] == "conversations" && s[2] == "user_persona":
            guard let id = request.json?["user_persona_id"]?.stringValue, spicyPersonas[id] != nil else {
                return errorReply(for: request, status: 404, retryAfterBody: nil, message: "persona not found")
            }
            return .json(200, ["conversation_id": .string(s[1]), "user_persona_id": .string(id)])
        case ("GET", 3) where s[0] == "v2" && s[1] == "users" && s[2] == "characters":
            return .json(
                200,
                .array(
                    spicyCharacters.all.filter { spicyOwned.contains($0["id"]?.stringValue ?? "") }.map { .object($0) })
            )
        case ("GET", 3) where s[0] == "v2" && s[1] == "characters":
            guard var character = spicyCharacters[s[2]] else {
                return errorReply(for: request, status: 404, retryAfterBody: nil, message: "Character not found")
            }
            if character["definition_visible"]?.boolValue != true, !spicyOwned.contains(s[2]) {
                for key in ["persona", "scenario", "dialogue"] { _ = character.removeValue(forKey: key) }
            }
            return .json(200, .object(character))
        case ("PATCH", 3) where s[0] == "v2" && s[1] == "characters":
            guard var character = spicyCharacters[s[2]] else {
                return errorReply(for: request, status: 404, retryAfterBody: nil, message: "Character not found")
            }
            guard spicyOwned.contains(s[2]) else {
                return errorReply(
                    for: request, status: 403, retryAfterBody: nil, message: "You can only edit your own characters")
            }
            guard let body = request.json?.objectValue else {
                return errorReply(for: request, status: 400, retryAfterBody: nil, message: "body must be a JSON object")
            }
            if let problem = Self.spicyCharacterProblem(body, creating: false) {
                return errorReply(for: request, status: 400, retryAfterBody: nil, message: problem)
            }
            var changed = JSONObject()
            for (key, value) in body where Self.spicyCharacterFields.contains(key) {
                character[key] = value
                changed[key] = value
            }
            spicyCharacters.set(s[2], character)
            changed["id"] = .string(s[2])
            return .json(200, .object(changed))
        case ("POST", 2) where s == ["v2", "characters"]:
            guard let body = request.json?.objectValue else {
                return errorReply(for: request, status: 400, retryAfterBody: nil, message: "body must be a JSON object")
            }
            if let problem = Self.spicyCharacterProblem(body, creating: true) {
                return errorReply(for: request, status: 400, retryAfterBody: nil, message: problem)
            }
            let id = UUID().uuidString.lowercased()
            var character: JSONObject = ["id": .string(id), "type": "STANDARD"]
            for (key, value) in body where Self.spicyCharacterFields.contains(key) { character[key] = value }
            if character["visibility"] == nil { character["visibility"] = "private" }
            character["creator_username"] = "fake"
            character["creator_user_id"] = "fake-user"
            character["num_messages"] = 0
            spicyCharacters.set(id, character)
            spicyOwned.insert(id)
            countCreate("spicychat/character/\(body["name"]?.stringValue ?? "")")
            return .json(200, .object(character))
        default:
            return errorReply(
                for: request, status: 404, retryAfterBody: nil, message: "no route \(method) \(request.path)")
        }
    }

    static let spicyCharacterFields: Set<String> = [
        "name", "title", "greeting", "persona", "scenario", "dialogue", "tags", "visibility", "avatar_url",
        "definition_visible", "is_nsfw", "openai_api_key", "openai_mode",
    ]

    static func spicyCharacterProblem(_ body: JSONObject, creating: Bool) -> String? {
        if creating || body["name"] != nil {
            guard let name = body["name"]?.stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                return "name is required"
            }
        }
        for key in ["title", "greeting", "persona", "scenario", "dialogue", "avatar_url"] {
            if let value = body[key], value.stringValue == nil { return "\(key) must be a string" }
        }
        if creating || body["tags"] != nil {
            guard let tags = body["tags"]?.arrayValue, tags.allSatisfy({ $0.stringValue != nil }) else {
                return "tags must be an array of strings"
            }
            if tags.count < 2 { return "Select at least 2 tags" }
        }
        if let visibility = body["visibility"] {
            guard let text = visibility.stringValue,
                ["private", "permanently_private", "hidden", "public"].contains(text)
            else {
                return "visibility must be one of private, permanently_private, hidden, public"
            }
        }
        return nil
    }

    // MARK: - Chattr (providers.md §3.2, §3.3)

    static func chattrDetail(id: String, name: String, description: String, personality: String) -> JSONObject {
        [
            "id": .string(id), "name": .string(name), "description": .string(description),
            "personality": .string(personality), "avatar_url": .string("/assets/avatars/\(id).png"),
            "voice_model": "default", "capabilities": ["text"], "video_model": "stable-video",
            "configuration": ["temperature": 0.7, "max_tokens": 1024, "system_prompt": ""],
            "statistics": ["total_conversations": 0, "average_rating": 0.0, "last_updated": .string(FakeTime.iso())],
        ]
    }

    private func chattr(_ request: FakeRequest, _ s: [String]) -> FakeReply {
        if s == ["health"], request.method == "GET" { return .json(200, ["status": "healthy"]) }
        guard request.bearer == configuration.chattrAPIKey else {
            return errorReply(for: request, status: 401, retryAfterBody: nil, message: "API key missing or invalid")
        }
        guard s.first == "characters" else {
            return errorReply(for: request, status: 404, retryAfterBody: nil, message: "Resource not found")
        }
        switch (request.method, s.count) {
        case ("GET", 1):
            let summaries: [JSONValue] = chattrCharacters.all.map { detail in
                var summary = JSONObject()
                for key in ["id", "name", "description", "personality", "avatar_url", "voice_model", "capabilities"] {
                    summary[key] = detail[key]
                }
                return .object(summary)
            }
            return .json(200, ["characters": .array(summaries)])
        case ("GET", 2):
            guard let detail = chattrCharacters[s[1]] else {
                return errorReply(
                    for: request, status: 404, retryAfterBody: nil, message: "Character '\(s[1])' not found")
            }
            return .json(200, .object(detail))
        case ("PUT", 2):
            guard var detail = chattrCharacters[s[1]] else {
                return errorReply(
                    for: request, status: 404, retryAfterBody: nil, message: "Character '\(s[1])' not found")
            }
            guard let body = request.json?.objectValue else {
                return errorReply(for: request, status: 400, retryAfterBody: nil, message: "Invalid request body")
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
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil, message: "Invalid request body",
                    details: .array(problems))
            }
            for key in ["name", "description", "personality", "avatar_url", "voice_model", "capabilities"] {
                if let value = body[key] { detail[key] = value }
            }
            detail["configuration"] = .object(configuration)
            var statistics = detail["statistics"]?.objectValue ?? [:]
            statistics["last_updated"] = .string(FakeTime.iso())
            detail["statistics"] = .object(statistics)
            chattrCharacters.set(s[1], detail)
            countCreate("chattr/update/\(s[1])")
            return .json(200, .object(detail))
        default:
            return errorReply(for: request, status: 404, retryAfterBody: nil, message: "Resource not found")
        }
    }

    // MARK: - NextChat (providers.md §4.2, §4.3)

    private func nextchat(_ request: FakeRequest, _ s: [String]) -> FakeReply {
        guard request.bearer == configuration.nextchatToken else {
            return errorReply(for: request, status: 401, retryAfterBody: nil, message: "Invalid or missing token")
        }
        guard s.first == "characters" else {
            return errorReply(
                for: request, status: 404, retryAfterBody: nil, message: "Resource not found",
                code: "CHARACTER_NOT_FOUND")
        }
        switch (request.method, s.count) {
        case ("GET", 1):
            let limit = min(max(Int(request.query["limit"] ?? "") ?? 50, 1), 200)
            let offset = max(Int(request.query["offset"] ?? "") ?? 0, 0)
            let search = (request.query["search"] ?? "").lowercased()
            var items = nextCharacters.all
            if !search.isEmpty {
                items = items.filter {
                    ($0["name"]?.stringValue ?? "").lowercased().contains(search)
                        || ($0["description"]?.stringValue ?? "").lowercased().contains(search)
                }
            }
            if let tags = request.query["tags"], !tags.isEmpty {
                let wanted = Set(tags.split(separator: ",").map(String.init))
                items = items.filter {
                    Set(($0["tags"]?.arrayValue ?? []).compactMap(\.stringValue)).isSuperset(of: wanted)
                }
            }
            if request.query["sort"] == "name" {
                items.sort { ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "") }
            }
            if request.query["order"] == "desc" { items.reverse() }
            let page = items.dropFirst(offset).prefix(limit)
            var filters = JSONObject()
            if !search.isEmpty { filters["search"] = .string(search) }
            return .json(
                200,
                [
                    "characters": .array(page.map { .object($0) }), "total": .number(JSONNumber(items.count)),
                    "hasMore": .bool(offset + page.count < items.count), "filters": .object(filters),
                ])
        case ("POST", 1):
            guard let body = request.json?.objectValue else {
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil, message: "body must be a JSON object",
                    code: "VALIDATION_ERROR")
            }
            if let details = Self.nextchatProblems(body, creating: true) {
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil, message: "Invalid character data",
                    code: "CHARACTER_INVALID_DATA", details: details)
            }
            var character = newNextCharacter(body)
            character["created"] = true
            return .json(201, .object(character))
        case ("POST", 2) where s[1] == "import":
            guard let card = request.json?.objectValue else {
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil, message: "import expects a V2 or V3 card JSON",
                    code: "VALIDATION_ERROR")
            }
            let spec = card["spec"]?.stringValue
            guard spec == "chara_card_v2" || spec == "chara_card_v3", let data = card["data"]?.objectValue,
                let name = data["name"]?.stringValue, !name.isEmpty
            else {
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil,
                    message: "not a V2/V3 card: spec and data.name are required", code: "CHARACTER_INVALID_DATA",
                    details: [["field": "spec", "message": "must be chara_card_v2 or chara_card_v3"]])
            }
            func text(_ key: String) -> JSONValue { .string(data[key]?.stringValue ?? "") }
            var personality: JSONObject = [
                "name": .string(name), "description": text("description"), "personality": text("personality"),
                "scenario": text("scenario"), "firstMes": text("first_mes"), "mesExample": text("mes_example"),
            ]
            if let notes = data["creator_notes"]?.stringValue { personality["creatorcomment"] = .string(notes) }
            if let prompt = data["system_prompt"]?.stringValue { personality["systemPrompt"] = .string(prompt) }
            if let post = data["post_history_instructions"]?.stringValue {
                personality["postHistoryInstructions"] = .string(post)
            }
            if let greetings = data["alternate_greetings"] { personality["alternateGreetings"] = greetings }
            if let book = data["character_book"], book != .null { personality["characterBook"] = book }
            let body: JSONObject = [
                "name": .string(name), "description": text("description"), "personality": .object(personality),
                "firstMes": text("first_mes"), "mesExample": text("mes_example"), "tags": data["tags"] ?? [],
            ]
            var character = newNextCharacter(body)
            character["created"] = true
            character["imported"] = .string(spec ?? "")
            return .json(201, .object(character))
        case ("GET", 2):
            guard var character = nextCharacters[s[1]] else {
                return errorReply(
                    for: request, status: 404, retryAfterBody: nil, message: "Character not found",
                    code: "CHARACTER_NOT_FOUND")
            }
            character["statistics"] = ["totalInteractions": character["usageCount"] ?? 0]
            character["permissions"] = ["canEdit": true, "canDelete": true]
            character["relatedCharacters"] = []
            return .json(200, .object(character))
        case ("PUT", 2):
            guard var character = nextCharacters[s[1]] else {
                return errorReply(
                    for: request, status: 404, retryAfterBody: nil, message: "Character not found",
                    code: "CHARACTER_NOT_FOUND")
            }
            guard let body = request.json?.objectValue else {
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil, message: "body must be a JSON object",
                    code: "VALIDATION_ERROR")
            }
            guard let version = body["version"]?.numberValue?.intValue else {
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil, message: "version is required",
                    code: "VALIDATION_ERROR",
                    details: [["field": "version", "message": "required integer (optimistic locking)"]])
            }
            let current = character["version"]?.numberValue?.intValue ?? 1
            guard version == current else {
                return errorReply(
                    for: request, status: 409, retryAfterBody: nil,
                    message: "version \(version) is stale; current version is \(current)",
                    code: "CHARACTER_VERSION_CONFLICT", details: ["currentVersion": .number(JSONNumber(current))])
            }
            if let details = Self.nextchatProblems(body, creating: false) {
                return errorReply(
                    for: request, status: 400, retryAfterBody: nil, message: "Invalid character data",
                    code: "CHARACTER_INVALID_DATA", details: details)
            }
            for (key, value) in body where Self.nextchatWritable.contains(key) { character[key] = value }
            character["version"] = .number(JSONNumber(current + 1))
            character["updatedAt"] = .string(FakeTime.iso())
            nextCharacters.set(s[1], character)
            return .json(200, .object(character))
        case ("DELETE", 2):
            guard nextCharacters.remove(s[1]) else {
                return errorReply(
                    for: request, status: 404, retryAfterBody: nil, message: "Character not found",
                    code: "CHARACTER_NOT_FOUND")
            }
            return .json(200, ["deleted": true, "id": .string(s[1])])
        default:
            return errorReply(
                for: request, status: 404, retryAfterBody: nil, message: "Resource not found",
                code: "CHARACTER_NOT_FOUND")
        }
    }

    static let nextchatWritable: Set<String> = [
        "name", "description", "personality", "avatar", "voice", "isPublic", "tags", "firstMes", "mesExample",
    ]

    private func newNextCharacter(_ body: JSONObject) -> JSONObject {
        let id = UUID().uuidString.lowercased()
        let now = FakeTime.iso()
        var character: JSONObject = ["id": .string(id)]
        for (key, value) in body where Self.nextchatWritable.contains(key) { character[key] = value }
        character["createdAt"] = .string(now)
        character["updatedAt"] = .string(now)
        if character["isPublic"] == nil { character["isPublic"] = false }
        if character["tags"] == nil { character["tags"] = [] }
        character["isActive"] = true
        character["usageCount"] = 0
        character["creatorId"] = "fake-user"
        character["version"] = 1
        nextCharacters.set(id, character)
        countCreate("nextchat/character/\(body["name"]?.stringValue ?? "")")
        return character
    }

    static func nextchatProblems(_ body: JSONObject, creating: Bool) -> JSONValue? {
        var problems: [JSONValue] = []
        func problem(_ field: String, _ message: String) {
            problems.append(["field": .string(field), "message": .string(message)])
        }
        if creating || body["name"] != nil {
            if (body["name"]?.stringValue ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                problem("name", "is required")
            }
        }
        if creating || body["description"] != nil {
            if body["description"]?.stringValue == nil { problem("description", "must be a string") }
        }
        if creating || body["personality"] != nil {
            if let personality = body["personality"]?.objectValue {
                for key in [
                    "name", "description", "personality", "scenario", "firstMes", "mesExample", "creatorcomment",
                    "systemPrompt", "postHistoryInstructions",
                ] {
                    if let value = personality[key], value.stringValue == nil {
                        problem("personality.\(key)", "must be a string")
                    }
                }
                if let greetings = personality["alternateGreetings"],
                    !(greetings.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false)
                {
                    problem("personality.alternateGreetings", "must be an array of strings")
                }
            } else {
                problem("personality", "must be a PersonalityProfile object")
            }
        }
        if let tags = body["tags"], !(tags.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false) {
            problem("tags", "must be an array of strings")
        }
        if let isPublic = body["isPublic"], isPublic.boolValue == nil { problem("isPublic", "must be a boolean") }
        return problems.isEmpty ? nil : .array(problems)
    }

    // MARK: - Kinde token endpoint (providers.md §2.3)

    /// `POST /oauth2/token` with the refresh-token grant (form `grant_type=refresh_token&refresh_token=…&client_id=…`).
    ///
    /// Answers `{access_token, expires_in, refresh_token, scope, token_type}`; the refresh token rotates on every
    /// grant. Errors follow RFC 6749 §5.2: `{"error": "invalid_grant" | "invalid_client" | ..., "error_description"}`.
    private func oauth(_ request: FakeRequest, _ s: [String]) -> FakeReply {
        func refusal(_ status: Int, _ error: String, _ description: String) -> FakeReply {
            spicyAuth.refusedGrants += 1
            return .json(status, ["error": .string(error), "error_description": .string(description)])
        }
        guard s == ["token"] else { return .json(404, ["error": "not_found"]) }
        guard request.method == "POST" else {
            return .json(405, ["error": "invalid_request", "error_description": "use POST"])
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
        guard let presented = form["refresh_token"], !presented.isEmpty, presented == spicyAuth.refreshToken else {
            return refusal(400, "invalid_grant", "the refresh token is invalid, expired or revoked")
        }
        let expiresIn = configuration.spicychatTokenExpiresIn
        let (access, refresh) = spicyAuth.grant(expiresIn: expiresIn)
        return .json(
            200,
            [
                "access_token": .string(access), "expires_in": .number(JSONNumber(expiresIn)),
                "refresh_token": .string(refresh), "scope": "openid profile email offline", "token_type": "bearer",
            ])
    }

    // MARK: - Debug routes

    func debug(_ request: FakeRequest) -> FakeReply {
        let s = Array(request.segments.dropFirst())
        switch (request.method, s) {
        case ("GET", ["state"]): return .json(200, snapshot())
        case ("POST", ["reset"]):
            spicyPersonas = FakeCollection()
            spicyCharacters = FakeCollection()
            spicyOwned = []
            spicyImages = [:]
            chattrCharacters = FakeCollection()
            Self.seedDefaults(chattr: &chattrCharacters)
            nextCharacters = FakeCollection()
            spicyAuth = FakeSpicychatAuth(configuration: configuration)
            createCounts = [:]
            injected = [:]
            requestCount = 0
            scripted = []
            return .json(200, ["reset": true])
        case ("POST", ["script"]):
            guard let items = request.json?["faults"]?.arrayValue else {
                return .json(400, ["message": "expected {\"faults\": [...]}"])
            }
            for item in items {
                guard let object = item.objectValue else { continue }
                var headers: [String: String] = [:]
                for (key, value) in object["headers"]?.objectValue ?? [:] { headers[key] = value.stringValue ?? "" }
                scripted.append(
                    FakeScriptedFault(
                        method: object["method"]?.stringValue, pathPrefix: object["path"]?.stringValue,
                        status: object["status"]?.numberValue?.intValue ?? 500, headers: headers,
                        body: object["body"].map { $0.stringValue ?? JSONWriter.string($0) },
                        drop: object["drop"]?.stringValue,
                        delayMilliseconds: object["delayMs"]?.numberValue?.intValue ?? 0))
            }
            return .json(200, ["queued": .number(JSONNumber(scripted.count))])
        case ("POST", ["config"]):
            let body = request.json?.objectValue ?? [:]
            if let rate = body["failRate"]?.numberValue?.doubleValue { configuration.failRate = min(max(rate, 0), 1) }
            if let limit = body["rateLimit"] { configuration.rateLimit = limit.numberValue?.intValue }
            if let latency = body["latencyMs"]?.numberValue?.intValue { configuration.latency = .milliseconds(latency) }
            if let retry = body["retryAfterSeconds"]?.numberValue?.intValue { configuration.retryAfterSeconds = retry }
            if let expiresIn = body["spicychatTokenExpiresIn"]?.numberValue?.intValue {
                configuration.spicychatTokenExpiresIn = expiresIn
            }
            return .json(200, snapshot())
        case ("POST", ["spicychat", "expire"]):
            // Every access token accepted so far now answers 401, as if its time had run out.
            return .json(200, ["expired": .number(JSONNumber(spicyAuth.expireAll()))])
        case ("POST", ["spicychat", "revoke"]):
            // The current refresh token is revoked: the next grant gets invalid_grant.
            spicyAuth.refreshToken = nil
            return .json(200, ["revoked": true])
        case ("POST", ["chattr", "characters"]):
            let items = request.json?.arrayValue ?? (request.json.map { [$0] } ?? [])
            var added: [JSONValue] = []
            for item in items {
                guard let object = item.objectValue, let id = object["id"]?.stringValue, !id.isEmpty else {
                    return .json(400, ["message": "each character needs an id"])
                }
                var detail = Self.chattrDetail(
                    id: id, name: object["name"]?.stringValue ?? id,
                    description: object["description"]?.stringValue ?? "",
                    personality: object["personality"]?.stringValue ?? "")
                for (key, value) in object { detail[key] = value }
                chattrCharacters.set(id, detail)
                added.append(.string(id))
            }
            return .json(200, ["seeded": .array(added)])
        default:
            return .json(404, ["message": .string("no debug route \(request.method) \(request.path)")])
        }
    }

    func snapshot() -> JSONValue {
        let duplicates = createCounts.filter { $0.value > 1 && !$0.key.hasPrefix("chattr/") }.keys.sorted()
        var faults = JSONObject()
        for key in injected.keys.sorted() { faults[key] = .number(JSONNumber(injected[key] ?? 0)) }
        return [
            "spicychat": [
                "personas": .array(spicyPersonas.all.map { .object($0) }),
                "characters": .array(spicyCharacters.all.map { .object($0) }),
                "images": .number(JSONNumber(spicyImages.values.filter(\.uploaded).count)),
                "auth": [
                    "tokenGrants": .number(JSONNumber(spicyAuth.grants)),
                    "refusedGrants": .number(JSONNumber(spicyAuth.refusedGrants)),
                    "expiredTokenRejections": .number(JSONNumber(spicyAuth.expiredRejections)),
                    "refreshToken": spicyAuth.refreshToken.map { .string($0) } ?? .null,
                ],
            ],
            "chattr": ["characters": .array(chattrCharacters.all.map { .object($0) })],
            "nextchat": ["characters": .array(nextCharacters.all.map { .object($0) })],
            "stats": [
                "requests": .number(JSONNumber(requestCount)), "injected": .object(faults),
                "duplicates": .array(duplicates.map { .string($0) }),
            ],
        ]
    }
}

/// An insertion-ordered id → object map.
struct FakeCollection: Sendable {
    private var order: [String] = []
    private var items: [String: JSONObject] = [:]

    subscript(id: String) -> JSONObject? { items[id] }

    mutating func set(_ id: String, _ object: JSONObject) {
        if items[id] == nil { order.append(id) }
        items[id] = object
    }

    mutating func remove(_ id: String) -> Bool {
        guard items.removeValue(forKey: id) != nil else { return false }
        order.removeAll { $0 == id }
        return true
    }

    var all: [JSONObject] { order.compactMap { items[$0] } }
}

/// The fake Kinde side of Spicychat: which access tokens are accepted, until when, and the one refresh token.
struct FakeSpicychatAuth: Sendable {
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
}

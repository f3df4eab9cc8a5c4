import CardKitJSON
import Foundation
import HTTPTypes
import Hummingbird
import OrderedCollections

/// The fake of NextChat's "SillyTavern Integration" API under `/api` (providers.md §4.2, §4.3).
///
/// Every route requires `Authorization: Bearer <token>` (else 401 `ST_API_AUTH_FAILED`). Every `Character` carries
/// an integer `version`, starting at 1; `PUT` must send the current one (optimistic locking) or gets 409
/// `CHARACTER_VERSION_CONFLICT`.
///
/// Error bodies: `{"error": {code, message, details?, timestamp, requestId}}`; a 429 body hint is
/// `details.retryAfter`.
enum FakeNextChat {
    static func addRoutes(to router: Router<FakeRequestContext>, store: FakeProviderStore) {
        let characters = router.group("api/characters").add(middleware: FakeNextChatAccess(store: store))
        characters
            .route(.get, "") { await store.nextchatListCharacters($0) }
            .route(.post, "") { await store.nextchatCreateCharacter($0) }
            .route(.post, "import") { await store.nextchatImportCard($0) }
            .route(.get, ":id") { await store.nextchatGetCharacter($0) }
            .route(.put, ":id") { await store.nextchatUpdateCharacter($0) }
            .route(.delete, ":id") { await store.nextchatDeleteCharacter($0) }
    }

    /// NextChat's error envelope; `code` defaults to the status's code (§4.3).
    static func error(
        _ status: Int, message: String? = nil, code: String? = nil, retryAfterBody: Int? = nil,
        details: JSONValue? = nil
    ) -> FakeReply {
        var envelope: JSONObject = [
            "code": .string(code ?? Self.code(status)), "message": .string(message ?? FakeReason.phrase(status)),
            "timestamp": .string(FakeTime.iso()), "requestId": .string(UUID().uuidString.lowercased()),
        ]
        if let details {
            envelope["details"] = details
        } else if let retryAfterBody {
            envelope["details"] = ["retryAfter": .number(JSONNumber(retryAfterBody))]
        }
        return .json(status, ["error": .object(envelope)])
    }

    /// The code for a status when the fake has no more specific one (§4.3 "Status mapping").
    static func code(_ status: Int) -> String {
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

    /// The fields a create or update may set.
    static let writableFields: Set<String> = [
        "name", "description", "personality", "avatar", "voice", "isPublic", "tags", "firstMes", "mesExample",
    ]

    /// The `[{field, message}]` problems of a `CreateCharacterRequest` (or, when not `creating`, of the fields an
    /// update sends); nil when there are none.
    static func problems(_ body: JSONObject, creating: Bool) -> JSONValue? {
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

    /// The `CreateCharacterRequest` for a V2/V3 card's `data`, mapped as §4.4 maps a card.
    static func createRequest(fromCard data: JSONObject, name: String) -> JSONObject {
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
        return [
            "name": .string(name), "description": text("description"), "personality": .object(personality),
            "firstMes": text("first_mes"), "mesExample": text("mes_example"), "tags": data["tags"] ?? [],
        ]
    }
}

/// NextChat's token check, before a route runs.
struct FakeNextChatAccess: RouterMiddleware {
    typealias Context = FakeRequestContext
    let store: FakeProviderStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let refusal = await store.nextchatRefusal(FakeRequest(head: request, context: context)) {
            return refusal.httpResponse
        }
        return try await next(request, context)
    }
}

/// The fake NextChat's data.
struct FakeNextChatState: Sendable {
    var characters = FakeCollection()
}

extension FakeProviderStore {
    /// 401 `ST_API_AUTH_FAILED` unless the Bearer token is the configured one; nil when it may proceed.
    func nextchatRefusal(_ request: FakeRequest) -> FakeReply? {
        guard request.bearer == configuration.nextchatToken else {
            return FakeNextChat.error(401, message: "Invalid or missing token")
        }
        return nil
    }

    /// `GET /api/characters`: `{characters, total, hasMore, filters}`.
    ///
    /// Query `limit=50&offset=0&search=&tags=a,b&sort=name|created|modified|usage&order=asc|desc`. `limit` is
    /// clamped to 1–200; `search` matches name or description (case-insensitive); `tags` keeps characters with all
    /// of them.
    func nextchatListCharacters(_ request: FakeRequest) -> FakeReply {
        let limit = min(max(Int(request.query["limit"] ?? "") ?? 50, 1), 200)
        let offset = max(Int(request.query["offset"] ?? "") ?? 0, 0)
        let search = (request.query["search"] ?? "").lowercased()
        var items = search.isEmpty ? nextchat.characters.all : nextchat.characters.matching(search)
        if let tags = request.query["tags"], !tags.isEmpty {
            let wanted = Set(tags.split(separator: ",").map(String.init))
            items = items.filter {
                Set(($0["tags"]?.arrayValue ?? []).compactMap(\.stringValue)).isSuperset(of: wanted)
            }
        }
        func text(_ key: String, _ item: JSONObject) -> String { item[key]?.stringValue ?? "" }
        switch request.query["sort"] {
        case "name": items.sort { text("name", $0) < text("name", $1) }
        case "modified": items.sort { text("updatedAt", $0) < text("updatedAt", $1) }
        case "usage":
            items.sort {
                ($0["usageCount"]?.numberValue?.intValue ?? 0) < ($1["usageCount"]?.numberValue?.intValue ?? 0)
            }
        default: break  // "created", or none: the collection is in creation order
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
    }

    /// `POST /api/characters`: 201 `Character & {created: true}`.
    ///
    /// Body `CreateCharacterRequest`; 400 `CHARACTER_INVALID_DATA` with `details: [{field, message}]`. Not idempotent.
    func nextchatCreateCharacter(_ request: FakeRequest) -> FakeReply {
        guard let body = request.json?.objectValue else {
            return FakeNextChat.error(400, message: "body must be a JSON object", code: "VALIDATION_ERROR")
        }
        if let details = FakeNextChat.problems(body, creating: true) {
            return FakeNextChat.error(
                400, message: "Invalid character data", code: "CHARACTER_INVALID_DATA", details: details)
        }
        var character = nextchatInsert(body)
        character["created"] = true
        return .json(201, .object(character))
    }

    /// `POST /api/characters/import`, a raw V2/V3 card JSON (our fake, §4.3): 201 `Character & {created: true,
    /// imported: "<spec>"}`; 400 `CHARACTER_INVALID_DATA` unless `spec` is `chara_card_v2`/`_v3` with a `data.name`.
    func nextchatImportCard(_ request: FakeRequest) -> FakeReply {
        guard let card = request.json?.objectValue else {
            return FakeNextChat.error(400, message: "import expects a V2 or V3 card JSON", code: "VALIDATION_ERROR")
        }
        let spec = card["spec"]?.stringValue
        guard spec == "chara_card_v2" || spec == "chara_card_v3", let data = card["data"]?.objectValue,
            let name = data["name"]?.stringValue, !name.isEmpty
        else {
            return FakeNextChat.error(
                400, message: "not a V2/V3 card: spec and data.name are required", code: "CHARACTER_INVALID_DATA",
                details: [["field": "spec", "message": "must be chara_card_v2 or chara_card_v3"]])
        }
        var character = nextchatInsert(FakeNextChat.createRequest(fromCard: data, name: name))
        character["created"] = true
        character["imported"] = .string(spec ?? "")
        return .json(201, .object(character))
    }

    /// `GET /api/characters/{id}`: `Character & {statistics, permissions, relatedCharacters}`, or 404
    /// `CHARACTER_NOT_FOUND`.
    func nextchatGetCharacter(_ request: FakeRequest) -> FakeReply {
        guard var character = nextchat.characters[request.parameter("id")] else {
            return FakeNextChat.error(404, message: "Character not found", code: "CHARACTER_NOT_FOUND")
        }
        character["statistics"] = ["totalInteractions": character["usageCount"] ?? 0]
        character["permissions"] = ["canEdit": true, "canDelete": true]
        character["relatedCharacters"] = []
        return .json(200, .object(character))
    }

    /// `PUT /api/characters/{id}`: the updated `Character`, its `version` one higher.
    ///
    /// Body `Partial<CreateCharacterRequest> & {version}`. 404; 400 `VALIDATION_ERROR` without `version`; 409 `CHARACTER_VERSION_CONFLICT` with
    /// `details.currentVersion` for a stale one; 400 `CHARACTER_INVALID_DATA` for invalid fields.
    func nextchatUpdateCharacter(_ request: FakeRequest) -> FakeReply {
        let id = request.parameter("id")
        guard var character = nextchat.characters[id] else {
            return FakeNextChat.error(404, message: "Character not found", code: "CHARACTER_NOT_FOUND")
        }
        guard let body = request.json?.objectValue else {
            return FakeNextChat.error(400, message: "body must be a JSON object", code: "VALIDATION_ERROR")
        }
        guard let version = body["version"]?.numberValue?.intValue else {
            return FakeNextChat.error(
                400, message: "version is required", code: "VALIDATION_ERROR",
                details: [["field": "version", "message": "required integer (optimistic locking)"]])
        }
        let current = character["version"]?.numberValue?.intValue ?? 1
        guard version == current else {
            return FakeNextChat.error(
                409, message: "version \(version) is stale; current version is \(current)",
                code: "CHARACTER_VERSION_CONFLICT", details: ["currentVersion": .number(JSONNumber(current))])
        }
        if let details = FakeNextChat.problems(body, creating: false) {
            return FakeNextChat.error(
                400, message: "Invalid character data", code: "CHARACTER_INVALID_DATA", details: details)
        }
        for (key, value) in body where FakeNextChat.writableFields.contains(key) { character[key] = value }
        character["version"] = .number(JSONNumber(current + 1))
        character["updatedAt"] = .string(FakeTime.iso())
        nextchat.characters.set(id, character)
        return .json(200, .object(character))
    }

    /// `DELETE /api/characters/{id}`: `{"deleted": true, "id"}`, or 404 `CHARACTER_NOT_FOUND`.
    func nextchatDeleteCharacter(_ request: FakeRequest) -> FakeReply {
        let id = request.parameter("id")
        guard nextchat.characters.remove(id) else {
            return FakeNextChat.error(404, message: "Character not found", code: "CHARACTER_NOT_FOUND")
        }
        return .json(200, ["deleted": true, "id": .string(id)])
    }

    /// Stores a new `Character` from a create body: a UUID, timestamps, `version: 1` and the defaults.
    private func nextchatInsert(_ body: JSONObject) -> JSONObject {
        let id = UUID().uuidString.lowercased()
        let now = FakeTime.iso()
        var character: JSONObject = ["id": .string(id)]
        for (key, value) in body where FakeNextChat.writableFields.contains(key) { character[key] = value }
        character["createdAt"] = .string(now)
        character["updatedAt"] = .string(now)
        if character["isPublic"] == nil { character["isPublic"] = false }
        if character["tags"] == nil { character["tags"] = [] }
        character["isActive"] = true
        character["usageCount"] = 0
        character["creatorId"] = "fake-user"
        character["version"] = 1
        nextchat.characters.set(id, character)
        countCreate("nextchat/character/\(body["name"]?.stringValue ?? "")")
        return character
    }
}

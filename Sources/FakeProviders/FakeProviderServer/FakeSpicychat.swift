import CardKitJSON
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import OrderedCollections

/// The fake Spicychat API (providers.md §2.4, §2.5, §2.8).
///
/// Its REST base has no path prefix, so the routes hang off the root; the token endpoint of its auth host is in `FakeSpicychatAuth.swift`.
///
/// Every route but the S3 upload requires `x-app-id: spicychat` (else 400) and an identity: without a Bearer token
/// and without `x-guest-userid` it answers 401 `SC-001-6004`; an expired access token gets 401 `SC-001-6004` too,
/// an unknown one 401. Only `GET /v2/characters/{id}` serves guests; the others need a live Bearer token.
///
/// Error bodies: `{"error": "<code>"?, "message": "…", "retryAfter": n?}` (the wrapper reads `message`, the web app
/// `error`).
enum FakeSpicychat {
    static func addRoutes(to router: Router<FakeRequestContext>, store: FakeProviderStore) {
        // PUT <signed_url>: avatar step 2, the presigned S3 URL that save-image hands out. No Spicychat headers.
        router.group("s3")
            .route(.put, "**") { await store.spicychatPutObject($0) }

        let guests = router.group().add(middleware: FakeSpicychatAccess(store: store, guestsAllowed: true))
        guests
            .route(.get, "v2/characters/:id") { await store.spicychatGetCharacter($0) }

        let user = router.group().add(middleware: FakeSpicychatAccess(store: store, guestsAllowed: false))
        user
            .route(.get, "v2/users") { await store.spicychatGetUser($0) }
            .route(.get, "personas") { await store.spicychatListPersonas($0) }
            .route(.post, "personas") { await store.spicychatCreatePersona($0) }
            .route(.delete, "personas/:id") { await store.spicychatDeletePersona($0) }
            .route(.post, "save-image") { await store.spicychatSaveImage($0) }
            .route(.patch, "conversations/:id/user_persona") { await store.spicychatUsePersona($0) }
            .route(.get, "v2/users/characters") { await store.spicychatListOwnCharacters($0) }
            .route(.post, "v2/characters") { await store.spicychatCreateCharacter($0) }
            .route(.patch, "v2/characters/:id") { await store.spicychatUpdateCharacter($0) }
    }

    /// Spicychat's error body.
    static func error(_ status: Int, message: String? = nil, code: String? = nil, retryAfterBody: Int? = nil)
        -> FakeReply
    {
        var body: JSONObject = [:]
        if let code { body["error"] = .string(code) }
        body["message"] = .string(message ?? FakeReason.phrase(status))
        if let retryAfterBody { body["retryAfter"] = .number(JSONNumber(retryAfterBody)) }
        return .json(status, .object(body))
    }

    /// The fields a character create or PATCH may set (the read shape's names, §2.5).
    static let characterFields: Set<String> = [
        "name", "title", "greeting", "persona", "scenario", "dialogue", "tags", "visibility", "avatar_url",
        "definition_visible", "is_nsfw", "openai_api_key", "openai_mode",
    ]

    /// What is wrong with a character body, as Spicychat's message; nil when it is acceptable.
    static func characterProblem(_ body: JSONObject, creating: Bool) -> String? {
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

    /// The MD5 of `bytes` as lowercase hex: `save-image` names an image by it (an identifier, not security).
    static func md5Hex(_ bytes: [UInt8]) -> String {
        Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}

/// Spicychat's header and identity checks, before a route runs.
struct FakeSpicychatAccess: RouterMiddleware {
    typealias Context = FakeRequestContext
    let store: FakeProviderStore
    /// Whether a guest (`x-guest-userid`, no Bearer token) may use the route.
    let guestsAllowed: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let head = FakeRequest(head: request, context: context)
        if let refusal = await store.spicychatRefusal(head, guestsAllowed: guestsAllowed) {
            return refusal.httpResponse
        }
        return try await next(request, context)
    }
}

/// The fake Spicychat's data.
struct FakeSpicychatState: Sendable {
    var personas = FakeCollection()
    var characters = FakeCollection()
    /// The ids of the characters the fake user created.
    var owned: Set<String> = []
    /// Storage key → the image `save-image` announced, and whether its bytes arrived at the S3 URL.
    var images: [String: (mime: String, hash: String, uploaded: Bool)] = [:]
    var uploadedBytes = 0
    var auth: FakeSpicychatAuth

    init(configuration: FakeProviderConfiguration) {
        auth = FakeSpicychatAuth(configuration: configuration)
    }

    var snapshot: JSONValue {
        [
            "personas": .array(personas.all.map { .object($0) }),
            "characters": .array(characters.all.map { .object($0) }),
            "images": .number(JSONNumber(images.values.filter(\.uploaded).count)),
            "auth": auth.snapshot,
        ]
    }
}

extension FakeProviderStore {
    // MARK: - Access

    /// The refusal for a request without `x-app-id: spicychat`, without any identity, with an expired or unknown
    /// Bearer token, or (unless `guestsAllowed`) without a live one; nil when it may proceed.
    func spicychatRefusal(_ request: FakeRequest, guestsAllowed: Bool) -> FakeReply? {
        guard request.header("x-app-id") == "spicychat" else {
            return FakeSpicychat.error(400, message: "missing or wrong x-app-id")
        }
        guard let bearer = request.bearer else {
            guard request.header("x-guest-userid") != nil else {
                return FakeSpicychat.error(401, message: "Unauthorized", code: "SC-001-6004")
            }
            return guestsAllowed ? nil : FakeSpicychat.error(401, message: "Authentication required")
        }
        guard spicychat.auth.accepts(bearer) else {
            guard spicychat.auth.isExpired(bearer) else {
                return FakeSpicychat.error(401, message: "Invalid or expired token")
            }
            // The real answer to an expired token is not sourced; the fake reuses the one 401 code providers.md
            // §2.2 and §2.7 give (SC-001-6004, missing or unusable Bearer).
            spicychat.auth.expiredRejections += 1
            return FakeSpicychat.error(401, message: "Token expired", code: "SC-001-6004")
        }
        return nil
    }

    // MARK: - User and personas (§2.4)

    /// `GET /v2/users`: `{"user": {id, name, username, highlights, default_persona_id}}`.
    func spicychatGetUser(_ request: FakeRequest) -> FakeReply {
        let defaultPersona = spicychat.personas.all.first { $0["is_default"]?.boolValue == true }
        return .json(
            200,
            [
                "user": [
                    "id": "fake-user", "name": "Fake User", "username": "fake", "highlights": "",
                    "default_persona_id": defaultPersona?["id"] ?? .null,
                ]
            ])
    }

    /// `GET /personas`: a JSON array of `Persona {id, name, avatar_url, highlights, is_default}`.
    func spicychatListPersonas(_ request: FakeRequest) -> FakeReply {
        .json(200, .array(spicychat.personas.all.map { .object($0) }))
    }

    /// `POST /personas`: the new `Persona`.
    ///
    /// Body `{name, highlights?, avatar_url?, is_default?}`. `name` is 1–100 characters; a non-empty `avatar_url` must be a key whose bytes were uploaded. Not idempotent.
    func spicychatCreatePersona(_ request: FakeRequest) -> FakeReply {
        guard let body = request.json?.objectValue else {
            return FakeSpicychat.error(400, message: "body must be a JSON object")
        }
        guard let name = body["name"]?.stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty,
            name.count <= 100
        else {
            return FakeSpicychat.error(400, message: "name is required (1-100 characters)")
        }
        if let highlights = body["highlights"], highlights.stringValue == nil {
            return FakeSpicychat.error(400, message: "highlights must be a string")
        }
        let avatar = body["avatar_url"]?.stringValue ?? ""
        if !avatar.isEmpty, spicychat.images[avatar]?.uploaded != true {
            return FakeSpicychat.error(400, message: "avatar_url is not an uploaded image")
        }
        let id = UUID().uuidString.lowercased()
        let persona: JSONObject = [
            "id": .string(id), "name": .string(name), "avatar_url": .string(avatar),
            "highlights": .string(body["highlights"]?.stringValue ?? ""),
            "is_default": .bool(body["is_default"]?.boolValue ?? false),
        ]
        spicychat.personas.set(id, persona)
        countCreate("spicychat/persona/\(name)")
        return .json(200, .object(persona))
    }

    /// `DELETE /personas/{id}`: `{"success": true}`, or 404.
    func spicychatDeletePersona(_ request: FakeRequest) -> FakeReply {
        guard spicychat.personas.remove(request.parameter("id")) else {
            return FakeSpicychat.error(404, message: "persona not found")
        }
        return .json(200, ["success": true])
    }

    /// `PATCH /conversations/{id}/user_persona`: echoes both ids.
    ///
    /// Body `{"user_persona_id"}`; 404 for an unknown persona.
    func spicychatUsePersona(_ request: FakeRequest) -> FakeReply {
        guard let id = request.json?["user_persona_id"]?.stringValue, spicychat.personas[id] != nil else {
            return FakeSpicychat.error(404, message: "persona not found")
        }
        return .json(200, ["conversation_id": .string(request.parameter("id")), "user_persona_id": .string(id)])
    }

    // MARK: - Avatar upload (§2.4)

    /// `POST /save-image`: `{key, signed_url}`.
    ///
    /// Body `{"image_type": "image/…", "hash": "<md5 hex>"}`. The key is `avatars/<hash>.<ext>`, so the same bytes
    /// get the same key.
    func spicychatSaveImage(_ request: FakeRequest) -> FakeReply {
        guard let body = request.json?.objectValue, let mime = body["image_type"]?.stringValue,
            mime.hasPrefix("image/"),
            let hash = body["hash"]?.stringValue, hash.count == 32, hash.allSatisfy(\.isHexDigit)
        else {
            return FakeSpicychat.error(400, message: "image_type (image/*) and hash (md5 hex) are required")
        }
        let ext = mime.split(separator: "/").last.map(String.init) ?? "png"
        let key = "avatars/\(hash.lowercased()).\(ext)"
        if spicychat.images[key] == nil { spicychat.images[key] = (mime, hash.lowercased(), false) }
        let signed = "\(baseURL)/s3/\(key)?X-Amz-Expires=900&X-Amz-Signature=\(UUID().uuidString.lowercased())"
        return .json(200, ["key": .string(key), "signed_url": .string(signed)])
    }

    /// `PUT /s3/<key>?X-Amz-Signature=…` with the raw bytes: 200 with an `ETag`.
    ///
    /// As S3 does, it refuses a second auth
    /// mechanism (an `Authorization` header, 400), an unsigned or unknown key (403), a `Content-Type` other than the
    /// signed one (403) and bytes whose MD5 is not the announced hash (400 `BadDigest`). Text bodies.
    func spicychatPutObject(_ request: FakeRequest) -> FakeReply {
        let key = request.parameter("**")
        if request.header("authorization") != nil {
            return .text(400, "InvalidArgument: Only one auth mechanism allowed")
        }
        guard request.query["X-Amz-Signature"] != nil, let image = spicychat.images[key] else {
            return .text(403, "AccessDenied: Request has expired or the signature does not match")
        }
        guard request.header("content-type") == image.mime else {
            return .text(403, "SignatureDoesNotMatch: Content-Type differs from the signed one")
        }
        guard FakeSpicychat.md5Hex(request.body) == image.hash else {
            return .text(400, "BadDigest: the bytes do not match the hash given to save-image")
        }
        spicychat.images[key]?.uploaded = true
        spicychat.uploadedBytes += request.body.count
        return FakeReply(status: 200, headers: [("ETag", "\"\(image.hash)\"")])
    }

    // MARK: - Characters (§2.5)

    /// `GET /v2/characters/{id}` (guests allowed): the character.
    ///
    /// `persona`, `scenario` and `dialogue` only when `definition_visible` is true or the caller owns it. 404 when
    /// unknown.
    func spicychatGetCharacter(_ request: FakeRequest) -> FakeReply {
        let id = request.parameter("id")
        guard var character = spicychat.characters[id] else {
            return FakeSpicychat.error(404, message: "Character not found")
        }
        if character["definition_visible"]?.boolValue != true, !spicychat.owned.contains(id) {
            for key in ["persona", "scenario", "dialogue"] { _ = character.removeValue(forKey: key) }
        }
        return .json(200, .object(character))
    }

    /// `GET /v2/users/characters`: a JSON array of the caller's own characters.
    func spicychatListOwnCharacters(_ request: FakeRequest) -> FakeReply {
        let own = spicychat.characters.all.filter { spicychat.owned.contains($0["id"]?.stringValue ?? "") }
        return .json(200, .array(own.map { .object($0) }))
    }

    /// `POST /v2/characters` (speculative, §2.5 "Create"): the new character.
    ///
    /// Read-shape fields; `type: STANDARD`, `visibility` defaulting to `private`. 400 for a missing name, fewer than 2 tags or an unknown visibility.
    func spicychatCreateCharacter(_ request: FakeRequest) -> FakeReply {
        guard let body = request.json?.objectValue else {
            return FakeSpicychat.error(400, message: "body must be a JSON object")
        }
        if let problem = FakeSpicychat.characterProblem(body, creating: true) {
            return FakeSpicychat.error(400, message: problem)
        }
        let id = UUID().uuidString.lowercased()
        var character: JSONObject = ["id": .string(id), "type": "STANDARD"]
        for (key, value) in body where FakeSpicychat.characterFields.contains(key) { character[key] = value }
        if character["visibility"] == nil { character["visibility"] = "private" }
        character["creator_username"] = "fake"
        character["creator_user_id"] = "fake-user"
        character["num_messages"] = 0
        spicychat.characters.set(id, character)
        spicychat.owned.insert(id)
        countCreate("spicychat/character/\(body["name"]?.stringValue ?? "")")
        return .json(200, .object(character))
    }

    /// `PATCH /v2/characters/{id}`: the changed fields plus `id`.
    ///
    /// A partial body. 404 when unknown, 403 when not the
    /// caller's, 400 for an invalid field.
    func spicychatUpdateCharacter(_ request: FakeRequest) -> FakeReply {
        let id = request.parameter("id")
        guard var character = spicychat.characters[id] else {
            return FakeSpicychat.error(404, message: "Character not found")
        }
        guard spicychat.owned.contains(id) else {
            return FakeSpicychat.error(403, message: "You can only edit your own characters")
        }
        guard let body = request.json?.objectValue else {
            return FakeSpicychat.error(400, message: "body must be a JSON object")
        }
        if let problem = FakeSpicychat.characterProblem(body, creating: false) {
            return FakeSpicychat.error(400, message: problem)
        }
        var changed = JSONObject()
        for (key, value) in body where FakeSpicychat.characterFields.contains(key) {
            character[key] = value
            changed[key] = value
        }
        spicychat.characters.set(id, character)
        changed["id"] = .string(id)
        return .json(200, .object(changed))
    }
}

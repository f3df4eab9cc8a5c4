package import CardKitJSON
import CardPlatforms
package import Foundation
package import Logging

/// A persona as Spicychat lists it: `{id, name, avatar_url?, highlights?}` (providers.md §2.4).
package struct SpicychatRemotePersona: Sendable, Hashable {
    /// The persona id.
    package var id: String
    /// The name.
    package var name: String
    /// The storage key of the avatar.
    package var avatarURL: String
    /// The description.
    package var highlights: String
    /// The object as listed.
    package var fields: JSONObject

    init?(_ value: JSONValue) {
        guard let object = value.objectValue, let id = object["id"]?.stringValue ?? object["id"]?.numberValue?.literal
        else { return nil }
        self.fields = object
        self.id = id
        self.name = object["name"]?.stringValue ?? ""
        self.avatarURL = object["avatar_url"]?.stringValue ?? ""
        self.highlights = object["highlights"]?.stringValue ?? ""
    }
}

/// A thin client of Spicychat's unofficial API (providers.md §2).
///
/// Every endpoint was observed from the web app, not
/// published: the base URL is configurable and the character create is isolated in ``createCharacter(_:)``.
///
/// Headers: `x-app-id: spicychat`, one `x-guest-userid` per client, `Authorization: Bearer <token>`.
package struct SpicychatClient: Sendable {
    /// The request machinery (base URL, credential, retries).
    package let endpoint: UploadEndpoint
    /// The transport used for the presigned S3 PUT: it carries no Spicychat header (S3 refuses a second
    /// authentication mechanism).
    private let uploadTransport: any UploadTransport

    /// Creates a client with a fixed access token; a 401 fails the request.
    /// - Parameters:
    ///   - baseURL: The REST base (default `https://prod.nd-api.com`).
    ///   - token: The Kinde access token.
    ///   - transport: The transport (also used, without headers, for the S3 PUT).
    ///   - policy: The retry policy.
    ///   - logger: The logger.
    ///   - allowInsecureHTTP: Accept plain HTTP to non-loopback hosts.
    ///   - guestUserID: The `x-guest-userid` value (a UUID by default).
    /// - Throws: ``UploadError/insecureURL`` or ``UploadError/configuration``.
    package init(
        baseURL: URL = UploadPlatform.spicychat.defaultBaseURL, token: String, transport: any UploadTransport,
        policy: UploadRetryPolicy = .init(), logger: Logger = .silent, allowInsecureHTTP: Bool = false,
        guestUserID: String = UUID().uuidString.lowercased()
    ) throws(UploadError) {
        try self.init(
            baseURL: baseURL, tokenProvider: StaticTokenProvider(token), transport: transport, policy: policy,
            logger: logger, allowInsecureHTTP: allowInsecureHTTP, guestUserID: guestUserID)
    }

    /// Creates a client whose access token comes from a token provider, such as an
    /// ``OAuthRefreshTokenProvider`` for the Kinde refresh-token grant.
    ///
    /// A 401 triggers one refresh and one new attempt of the request.
    /// - Parameters:
    ///   - baseURL: The REST base (default `https://prod.nd-api.com`).
    ///   - tokenProvider: Supplies and refreshes the access token.
    ///   - transport: The transport (also used, without headers, for the S3 PUT).
    ///   - policy: The retry policy.
    ///   - logger: The logger.
    ///   - allowInsecureHTTP: Accept plain HTTP to non-loopback hosts.
    ///   - guestUserID: The `x-guest-userid` value (a UUID by default).
    /// - Throws: ``UploadError/insecureURL`` or ``UploadError/configuration``.
    package init(
        baseURL: URL = UploadPlatform.spicychat.defaultBaseURL, tokenProvider: any UploadTokenProvider,
        transport: any UploadTransport, policy: UploadRetryPolicy = .init(), logger: Logger = .silent,
        allowInsecureHTTP: Bool = false, guestUserID: String = UUID().uuidString.lowercased()
    ) throws(UploadError) {
        endpoint = try UploadEndpoint(
            provider: .spicychat, baseURL: baseURL,
            headers: [
                (name: "Accept", value: "application/json, text/plain, */*"), (name: "x-app-id", value: "spicychat"),
                (name: "x-guest-userid", value: guestUserID),
            ],
            tokenProvider: tokenProvider, transport: transport, policy: policy, logger: logger,
            allowInsecureHTTP: allowInsecureHTTP)
        uploadTransport = transport
    }

    // MARK: - Account

    /// `GET /v2/users`: the account, used as a credentials check.
    package func currentUser() async throws(UploadError) -> JSONObject {
        let body = try await endpoint.sendJSON(try endpoint.request(.get, "/v2/users"))
        guard let user = body?["user"]?.objectValue else {
            throw UploadError.invalidResponse("GET /v2/users: expected {\"user\": {...}}")
        }
        return user
    }

    // MARK: - Personas

    /// `GET /personas`: every persona of the account.
    package func listPersonas() async throws(UploadError) -> [SpicychatRemotePersona] {
        let body = try await endpoint.sendJSON(try endpoint.request(.get, "/personas"))
        guard let array = body?.arrayValue else {
            throw UploadError.invalidResponse("GET /personas: expected a JSON array")
        }
        return array.compactMap(SpicychatRemotePersona.init)
    }

    /// Uploads an avatar in two steps: `POST /save-image {image_type, hash}` for a storage key and a presigned URL,
    /// then a `PUT` of the bytes to that URL with no Spicychat header.
    /// - Parameters:
    ///   - bytes: The image.
    ///   - mimeType: Its type (`image/png`, ...).
    /// - Returns: The storage key, to send as `avatar_url`.
    /// - Throws: ``UploadError``: `invalidResponse` for a type that is not an image or an unexpected answer, else
    ///   the error of either request.
    package func uploadAvatar(_ bytes: [UInt8], mimeType: String) async throws(UploadError) -> String {
        guard mimeType.hasPrefix("image/") else {
            throw UploadError.validation("avatar type \(mimeType) is not an image", status: nil)
        }
        let request = try endpoint.request(
            .post, "/save-image", json: ["image_type": .string(mimeType), "hash": .string(UploadDigest.md5Hex(bytes))])
        // save-image is keyed by the bytes' MD5, so repeating it is harmless: send it as retryable.
        var retryable = request
        retryable.method = .post
        let body = try await endpoint.sendJSON(retryable, idempotent: true)
        guard let key = body?["key"]?.stringValue, let signed = body?["signed_url"]?.stringValue,
            let url = URL(string: signed)
        else {
            throw UploadError.invalidResponse("POST /save-image: expected {key, signed_url}")
        }
        let put = UploadRequest(method: .put, url: url, headers: [(name: "Content-Type", value: mimeType)], body: bytes)
        let s3 = try UploadEndpoint(
            provider: .spicychat, baseURL: url, headers: [], secret: nil, transport: uploadTransport,
            policy: endpoint.policy, logger: endpoint.logger, allowInsecureHTTP: endpoint.allowsInsecureHTTP)
        _ = try await s3.send(put)
        return key
    }

    /// `POST /personas {name, highlights, avatar_url, is_default}`.
    ///
    /// Persona create is not idempotent: after an ambiguous failure the personas are listed and matched by name,
    /// avatar key and highlights before anything is sent again (providers.md §7.2); ids in `excluded` are never
    /// adopted.
    /// - Parameters:
    ///   - name: The name.
    ///   - highlights: The description.
    ///   - avatarKey: The storage key from ``uploadAvatar(_:mimeType:)``.
    ///   - isDefault: Whether it becomes the default persona.
    ///   - excluded: Persona ids the read-back must not adopt (claimed by other inputs).
    /// - Returns: The created (or found) persona.
    /// - Throws: ``UploadError``.
    package func createPersona(
        name: String, highlights: String, avatarKey: String?, isDefault: Bool = false,
        readBackExcluding excluded: Set<String> = []
    ) async throws(UploadError) -> SpicychatRemotePersona {
        var body: JSONObject = ["name": .string(name), "highlights": .string(highlights)]
        body["avatar_url"] = .string(avatarKey ?? "")
        body["is_default"] = .bool(isDefault)
        let request = try endpoint.request(.post, "/personas", json: .object(body))
        return try await endpoint.createWithReadBack(
            "persona \"\(name)\"",
            attempt: { () async throws(UploadError) -> SpicychatRemotePersona in
                guard let value = try await endpoint.sendJSON(request), let persona = SpicychatRemotePersona(value)
                else {
                    throw UploadError.invalidResponse("POST /personas: expected a persona object", status: 200)
                }
                return persona
            },
            readBack: { () async throws(UploadError) -> SpicychatRemotePersona? in
                try await listPersonas().first { persona in
                    persona.name.caseInsensitiveCompare(name) == .orderedSame && !excluded.contains(persona.id)
                        && persona.highlights == highlights && persona.avatarURL == (avatarKey ?? "")
                }
            })
    }

    /// Finds a persona by name (case-insensitive, as the wrapper matches) and, when given, avatar key.
    package func findPersona(name: String, avatarKey: String?) async throws(UploadError) -> SpicychatRemotePersona? {
        try await listPersonas().first { persona in
            persona.name.caseInsensitiveCompare(name) == .orderedSame
                && (avatarKey.map { $0.isEmpty || persona.avatarURL == $0 } ?? true)
        }
    }

    /// `DELETE /personas/{id}`; any 2xx is success.
    package func deletePersona(id: String) async throws(UploadError) {
        _ = try await endpoint.send(try endpoint.request(.delete, "/personas/\(UploadEndpoint.escape(id))"))
    }

    // MARK: - Characters

    /// `GET /v2/characters/{id}`.
    package func getCharacter(id: String) async throws(UploadError) -> JSONObject {
        let body = try await endpoint.sendJSON(
            try endpoint.request(.get, "/v2/characters/\(UploadEndpoint.escape(id))"))
        guard let object = body?.objectValue else {
            throw UploadError.invalidResponse("GET /v2/characters/\(id): expected an object")
        }
        return object
    }

    /// `PATCH /v2/characters/{id}?switch=T1` with a partial object.
    ///
    /// The PATCH sets fields to given values, so repeating it is harmless; it is retried like an idempotent request.
    package func updateCharacter(id: String, fields: JSONObject) async throws(UploadError) -> JSONObject {
        let request = try endpoint.request(
            .patch, "/v2/characters/\(UploadEndpoint.escape(id))", query: [("switch", "T1")], json: .object(fields))
        return try await endpoint.sendJSON(request, idempotent: true)?.objectValue ?? [:]
    }

    /// `GET /v2/users/characters?switch=T1`: the account's own characters.
    package func listOwnCharacters() async throws(UploadError) -> [JSONObject] {
        let body = try await endpoint.sendJSON(
            try endpoint.request(.get, "/v2/users/characters", query: [("switch", "T1")]))
        guard let array = body?.arrayValue else {
            throw UploadError.invalidResponse("GET /v2/users/characters: expected a JSON array")
        }
        return array.compactMap(\.objectValue)
    }

    // MARK: - Character create [UNVERIFIED]

    /// The character create endpoint.
    ///
    /// **[UNVERIFIED]** (providers.md §2.5): no known code creates a Spicychat
    /// character; `POST /v2/characters` with the read-shape field names is inferred from the web bundle's generic
    /// `createResource`. Change only this constant and ``createCharacter(_:)`` once a real capture exists.
    package static let unverifiedCreatePath = "/v2/characters"

    /// Creates a character through the **unverified** endpoint, with read-back over the own characters after an
    /// ambiguous failure: only a character of the same content (``UploadContentMatch``) whose id is not in
    /// `excluded` is adopted.
    /// - Parameters:
    ///   - fields: The character.
    ///   - excluded: Ids the read-back must not adopt (claimed by other inputs).
    /// - Returns: The created (or found) character.
    /// - Throws: ``UploadError``.
    package func createCharacter(_ fields: JSONObject, readBackExcluding excluded: Set<String> = [])
        async throws(UploadError) -> JSONObject
    {
        let name = fields["name"]?.stringValue ?? ""
        let request = try endpoint.request(.post, Self.unverifiedCreatePath, json: .object(fields))
        return try await endpoint.createWithReadBack(
            "character \"\(name)\"",
            attempt: { () async throws(UploadError) -> JSONObject in
                guard let object = try await endpoint.sendJSON(request)?.objectValue, object["id"] != nil else {
                    throw UploadError.invalidResponse(
                        "POST \(Self.unverifiedCreatePath): expected a character with an id", status: 200)
                }
                return object
            },
            readBack: { () async throws(UploadError) -> JSONObject? in
                try await listOwnCharacters().first { found in
                    !excluded.contains(found["id"]?.stringValue ?? "")
                        && UploadContentMatch.matches(fields, remote: found)
                }
            })
    }

    /// Finds one of the account's characters by exact name.
    package func findOwnCharacter(name: String) async throws(UploadError) -> JSONObject? {
        try await listOwnCharacters().first { $0["name"]?.stringValue == name }
    }
}

// MARK: - Upload

extension UploadPlatform {
    /// Spicychat: characters and personas; avatars go through `save-image`; access tokens can be refreshed.
    package static let spicychat: UploadPlatform = UploadPlatform(
        platform: Platform.spicychat, environmentVariable: "CARDKIT_SPICYCHAT_TOKEN",
        defaultBaseURL: URL(string: "https://prod.nd-api.com")!, refreshesTokens: true,
        finish: { payload, _, _, kind in
            // The avatar is uploaded through save-image; its key is added when sending.
            let tags = payload["tags"]?.arrayValue?.count ?? 0
            if kind == .characters, tags < 2 { return "Spicychat needs at least 2 tags (the card has \(tags))" }
            return nil
        },
        connect: { connection throws(UploadError) in
            if let refresh = connection.refresh {
                let tokens = try OAuthRefreshTokenProvider(
                    authURL: connection.authURL ?? OAuthRefreshTokenProvider.spicychatAuthURL,
                    clientID: refresh.clientID, refreshToken: refresh.refreshToken, accessToken: connection.token,
                    transport: connection.transport, policy: connection.policy, logger: connection.logger,
                    allowInsecureHTTP: connection.allowInsecureHTTP,
                    onRotation: { rotated in try refresh.save(rotated: rotated) })
                return try SpicychatClient(
                    baseURL: connection.baseURL, tokenProvider: tokens, transport: connection.transport,
                    policy: connection.policy, logger: connection.logger,
                    allowInsecureHTTP: connection.allowInsecureHTTP)
            }
            return try SpicychatClient(
                baseURL: connection.baseURL, token: try connection.requireToken(.spicychat),
                transport: connection.transport, policy: connection.policy, logger: connection.logger,
                allowInsecureHTTP: connection.allowInsecureHTTP)
        })
}

extension SpicychatClient: PlatformUploader {
    /// Spicychat.
    package var provider: UploadPlatform { .spicychat }

    /// `GET /v2/users`.
    package func preflight() async throws(UploadError) { _ = try await currentUser() }

    /// The user id of `GET /v2/users`.
    package func accountIdentity() async throws(UploadError) -> String? {
        let user = try await currentUser()
        return user["id"]?.stringValue ?? user["id"]?.numberValue?.literal
    }

    /// Personas by name, case-insensitively (as the wrapper matches); own characters by exact name.
    package func find(name: String, kind: UploadKind) async throws(UploadError) -> [UploadRemoteObject] {
        switch kind {
        case .personas:
            return try await listPersonas().filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }
                .map { UploadRemoteObject(id: $0.id, fields: $0.fields) }
        case .characters:
            return try await listOwnCharacters().filter { $0["name"]?.stringValue == name }.compactMap { object in
                object["id"]?.stringValue.map { UploadRemoteObject(id: $0, fields: object) }
            }
        }
    }

    /// Uploads the avatar, then creates the persona or character with a read-back after an ambiguous failure.
    package func create(
        _ item: UploadPreparedItem, kind: UploadKind, excluding: Set<String>,
        willSend: @Sendable () async throws(UploadError) -> Void
    ) async throws(UploadError) -> UploadRemoteObject {
        let key = try await avatarKey(item)
        switch kind {
        case .personas:
            try await willSend()
            let persona = try await createPersona(
                name: item.name, highlights: item.payload["highlights"]?.stringValue ?? "", avatarKey: key,
                isDefault: item.payload["is_default"]?.boolValue ?? false, readBackExcluding: excluding)
            return UploadRemoteObject(id: persona.id, fields: persona.fields)
        case .characters:
            var fields = item.payload
            if let key { fields["avatar_url"] = .string(key) }
            try await willSend()
            let created = try await createCharacter(fields, readBackExcluding: excluding)
            return UploadRemoteObject(id: created["id"]?.stringValue ?? "", fields: created)
        }
    }

    /// Updates a character (with a new avatar); personas are left as they are (their update is unverified).
    package func update(_ item: UploadPreparedItem, kind: UploadKind, remoteId: String) async throws(UploadError)
        -> UploadUpdateResult
    {
        switch kind {
        case .personas:
            return .leftUnchanged(reason: "exists on Spicychat; persona update is unverified, left unchanged")
        case .characters:
            var fields = item.payload
            if let key = try await avatarKey(item) { fields["avatar_url"] = .string(key) }
            _ = try await updateCharacter(id: remoteId, fields: fields)
            return .updated(remoteId: remoteId, version: nil)
        }
    }

    private func avatarKey(_ item: UploadPreparedItem) async throws(UploadError) -> String? {
        guard let avatar = item.avatar else { return nil }
        return try await uploadAvatar(avatar.bytes, mimeType: avatar.mimeType)
    }
}

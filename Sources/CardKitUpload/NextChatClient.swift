package import CardKitJSON
import CardPlatforms
package import Foundation
package import Logging

/// A page of `GET /api/characters`.
package struct NextChatCharacterPage: Sendable {
    /// The characters of this page.
    package var characters: [JSONObject]
    /// How many match in all.
    package var total: Int
    /// Whether more pages follow.
    package var hasMore: Bool
}

/// A thin client of the NextChat "SillyTavern integration" API (providers.md §4.2, §4.3): list, get, create, update
/// (optimistic `version`), delete and import characters.
///
/// NextChat has no personas.
package struct NextChatClient: Sendable {
    /// The request machinery.
    package let endpoint: UploadEndpoint

    /// Creates a client with a fixed JWT; a 401 fails the request.
    /// - Parameters:
    ///   - baseURL: The API base.
    ///   - token: The JWT, sent as `Authorization: Bearer` (the document does not state the header; providers.md
    ///     [PROP]).
    ///   - transport: The transport.
    ///   - policy: The retry policy.
    ///   - logger: The logger.
    ///   - allowInsecureHTTP: Accept plain HTTP to non-loopback hosts.
    /// - Throws: ``UploadError/insecureURL`` or ``UploadError/configuration``.
    package init(
        baseURL: URL = UploadPlatform.nextchat.defaultBaseURL, token: String, transport: any UploadTransport,
        policy: UploadRetryPolicy = .init(), logger: Logger = .silent, allowInsecureHTTP: Bool = false
    ) throws(UploadError) {
        try self.init(
            baseURL: baseURL, tokenProvider: StaticTokenProvider(token), transport: transport, policy: policy,
            logger: logger, allowInsecureHTTP: allowInsecureHTTP)
    }

    /// Creates a client whose JWT comes from a token provider; a 401 triggers one refresh and one new attempt when
    /// the provider can refresh.
    /// - Parameters:
    ///   - baseURL: The API base.
    ///   - tokenProvider: Supplies the JWT, sent as `Authorization: Bearer`.
    ///   - transport: The transport.
    ///   - policy: The retry policy.
    ///   - logger: The logger.
    ///   - allowInsecureHTTP: Accept plain HTTP to non-loopback hosts.
    /// - Throws: ``UploadError/insecureURL`` or ``UploadError/configuration``.
    package init(
        baseURL: URL = UploadPlatform.nextchat.defaultBaseURL, tokenProvider: any UploadTokenProvider,
        transport: any UploadTransport, policy: UploadRetryPolicy = .init(), logger: Logger = .silent,
        allowInsecureHTTP: Bool = false
    ) throws(UploadError) {
        endpoint = try UploadEndpoint(
            provider: .nextchat, baseURL: baseURL, headers: [(name: "Accept", value: "application/json")],
            tokenProvider: tokenProvider, transport: transport, policy: policy, logger: logger,
            allowInsecureHTTP: allowInsecureHTTP)
    }

    /// `GET /api/characters?limit&offset&search`.
    package func listCharacters(search: String? = nil, limit: Int = 50, offset: Int = 0) async throws(UploadError)
        -> NextChatCharacterPage
    {
        var query = [("limit", String(limit)), ("offset", String(offset))]
        if let search, !search.isEmpty { query.append(("search", search)) }
        let body = try await endpoint.sendJSON(try endpoint.request(.get, "/api/characters", query: query))
        guard let object = body?.objectValue, let array = object["characters"]?.arrayValue else {
            throw UploadError.invalidResponse("GET /api/characters: expected {characters, total, hasMore}")
        }
        return NextChatCharacterPage(
            characters: array.compactMap(\.objectValue), total: object["total"]?.numberValue?.intValue ?? array.count,
            hasMore: object["hasMore"]?.boolValue ?? false)
    }

    /// Finds a character by exact name (through `search`, all pages, bounded to 10,000 results).
    package func findCharacter(name: String) async throws(UploadError) -> JSONObject? {
        try await findCharacters(name: name).first
    }

    /// Every character of exactly this name (through `search`, all pages, bounded to 10,000 results).
    /// - Parameter name: The name.
    /// - Returns: The characters, in the order the API lists them.
    /// - Throws: ``UploadError`` of the list request.
    package func findCharacters(name: String) async throws(UploadError) -> [JSONObject] {
        var offset = 0
        var found: [JSONObject] = []
        while offset < 10_000 {
            let page = try await listCharacters(search: name, limit: 100, offset: offset)
            found += page.characters.filter { $0["name"]?.stringValue == name }
            guard page.hasMore, !page.characters.isEmpty else { break }
            offset += page.characters.count
        }
        return found
    }

    /// `GET /api/characters/{id}`.
    package func getCharacter(id: String) async throws(UploadError) -> JSONObject {
        let body = try await endpoint.sendJSON(
            try endpoint.request(.get, "/api/characters/\(UploadEndpoint.escape(id))"))
        guard let object = body?.objectValue else {
            throw UploadError.invalidResponse("GET /api/characters/\(id): expected an object")
        }
        return object
    }

    /// `POST /api/characters` with a `CreateCharacterRequest`.
    ///
    /// After an ambiguous failure the client searches by name before sending again and adopts only a character
    /// whose content equals the request (``UploadContentMatch``) and whose id is not in `excluded`, so no duplicate
    /// is made and no other input's character is taken.
    /// - Parameters:
    ///   - request: The character to create.
    ///   - excluded: Ids the read-back must not adopt (claimed by other inputs).
    /// - Returns: The created character, with its `id`.
    /// - Throws: ``UploadError`` (see ``UploadEndpoint/createWithReadBack(_:attempt:readBack:)``).
    package func createCharacter(_ request: JSONObject, readBackExcluding excluded: Set<String> = [])
        async throws(UploadError) -> JSONObject
    {
        let name = request["name"]?.stringValue ?? ""
        let post = try endpoint.request(.post, "/api/characters", json: .object(request))
        return try await endpoint.createWithReadBack(
            "character \"\(name)\"",
            attempt: { () async throws(UploadError) -> JSONObject in
                guard let object = try await endpoint.sendJSON(post)?.objectValue, object["id"] != nil else {
                    throw UploadError.invalidResponse(
                        "POST /api/characters: expected a character with an id", status: 201)
                }
                return object
            },
            readBack: { () async throws(UploadError) -> JSONObject? in
                try await findCharacters(name: name).first { found in
                    !excluded.contains(found["id"]?.stringValue ?? "")
                        && UploadContentMatch.matches(request, remote: found)
                }
            })
    }

    /// `PUT /api/characters/{id}` with `Partial<CreateCharacterRequest> & {version}`.
    ///
    /// On 409 (stale version) the character is read again and the change re-applied once with the current version.
    /// - Parameters:
    ///   - id: The character id.
    ///   - fields: The fields to change.
    ///   - version: The version the change is based on; read with GET when nil.
    /// - Returns: The updated character.
    /// - Throws: ``UploadError``: the request's error, or the conflict when the retry with the current version is
    ///   refused again.
    package func updateCharacter(id: String, fields: JSONObject, version: Int?) async throws(UploadError) -> JSONObject
    {
        var base = version
        if base == nil { base = try await getCharacter(id: id)["version"]?.numberValue?.intValue ?? 1 }
        do {
            return try await put(id: id, fields: fields, version: base ?? 1)
        } catch let error where error == .conflict {
            endpoint.logger.log(
                .info, "PUT /api/characters/\(id): version conflict; reading the current version and re-applying once")
            let current = try await getCharacter(id: id)["version"]?.numberValue?.intValue ?? 1
            return try await put(id: id, fields: fields, version: current)
        }
    }

    private func put(id: String, fields: JSONObject, version: Int) async throws(UploadError) -> JSONObject {
        var body = fields
        body["version"] = .number(JSONNumber(version))
        let request = try endpoint.request(.put, "/api/characters/\(UploadEndpoint.escape(id))", json: .object(body))
        if let object = try await endpoint.sendJSON(request)?.objectValue { return object }
        return try await getCharacter(id: id)
    }

    /// `DELETE /api/characters/{id}`.
    package func deleteCharacter(id: String) async throws(UploadError) {
        _ = try await endpoint.send(try endpoint.request(.delete, "/api/characters/\(UploadEndpoint.escape(id))"))
    }

    /// `POST /api/characters/import` with a raw V2/V3 card JSON (our fake's convention; the document gives no
    /// schema).
    ///
    /// Read back by the card's name after an ambiguous failure.
    package func importCard(_ card: JSONValue) async throws(UploadError) -> JSONObject {
        let name = card["data"]?["name"]?.stringValue ?? card["name"]?.stringValue ?? ""
        let post = try endpoint.request(.post, "/api/characters/import", json: card)
        return try await endpoint.createWithReadBack(
            "import \"\(name)\"",
            attempt: { () async throws(UploadError) -> JSONObject in
                guard let object = try await endpoint.sendJSON(post)?.objectValue, object["id"] != nil else {
                    throw UploadError.invalidResponse(
                        "POST /api/characters/import: expected a character with an id", status: 201)
                }
                return object
            },
            readBack: { () async throws(UploadError) -> JSONObject? in try await findCharacter(name: name) })
    }
}

// MARK: - Upload

extension UploadPlatform {
    /// NextChat: characters only; the avatar travels inside the request as a `data:` or `http(s)` URL.
    package static let nextchat: UploadPlatform = UploadPlatform(
        platform: Platform.nextchat, environmentVariable: "CARDKIT_NEXTCHAT_TOKEN",
        defaultBaseURL: URL(string: "https://localhost:3000")!,
        finish: { payload, avatar, reference, _ in
            if let avatar {
                payload["avatar"] = .string(
                    "data:\(avatar.mimeType);base64,\(Data(avatar.bytes).base64EncodedString())")
            } else if let reference, reference.hasPrefix("http") {
                payload["avatar"] = .string(reference)
            }
            return nil
        },
        connect: { connection throws(UploadError) in
            try NextChatClient(
                baseURL: connection.baseURL, token: try connection.requireToken(.nextchat),
                transport: connection.transport, policy: connection.policy, logger: connection.logger,
                allowInsecureHTTP: connection.allowInsecureHTTP)
        })
}

extension NextChatClient: PlatformUploader {
    /// NextChat.
    package var provider: UploadPlatform { .nextchat }

    /// `GET /api/characters?limit=1`.
    package func preflight() async throws(UploadError) { _ = try await listCharacters(limit: 1) }

    /// Nil: the API has no account read.
    package func accountIdentity() async throws(UploadError) -> String? { nil }

    /// Every character of that name, with its version.
    package func find(name: String, kind: UploadKind) async throws(UploadError) -> [UploadRemoteObject] {
        try await findCharacters(name: name).compactMap { object in
            object["id"]?.stringValue.map {
                UploadRemoteObject(id: $0, version: object["version"]?.numberValue?.intValue, fields: object)
            }
        }
    }

    /// `POST /api/characters` with a read-back after an ambiguous failure.
    package func create(
        _ item: UploadPreparedItem, kind: UploadKind, excluding: Set<String>,
        willSend: @Sendable () async throws(UploadError) -> Void
    ) async throws(UploadError) -> UploadRemoteObject {
        try await willSend()
        let created = try await createCharacter(item.payload, readBackExcluding: excluding)
        return UploadRemoteObject(
            id: created["id"]?.stringValue ?? "", version: created["version"]?.numberValue?.intValue, fields: created)
    }

    /// `PATCH /api/characters/{id}`.
    package func update(_ item: UploadPreparedItem, kind: UploadKind, remoteId: String) async throws(UploadError)
        -> UploadUpdateResult
    {
        let updated = try await updateCharacter(id: remoteId, fields: item.payload, version: nil)
        return .updated(remoteId: remoteId, version: updated["version"]?.numberValue?.intValue)
    }
}

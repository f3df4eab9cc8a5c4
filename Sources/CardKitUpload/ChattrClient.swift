package import CardKitJSON
import CardPlatforms
package import Foundation
package import Logging

/// A thin client of Chattr's documented REST API (providers.md §3): list, get and update characters.
///
/// Chattr has no create and no persona endpoint, so an upload updates an existing character (`PUT` is an upsert of
/// fields on a known id); a 404 means the character does not exist and cannot be made from here.
package struct ChattrClient: Sendable {
    /// The request machinery.
    package let endpoint: UploadEndpoint

    /// The message of a 404 on update.
    package static let noSuchCharacter = "no such character on Chattr (Chattr cannot create characters)"

    /// Creates a client with a fixed API key; a 401 fails the request.
    /// - Parameters:
    ///   - baseURL: The API base (default `http://localhost:8000`).
    ///   - apiKey: The API key, sent as `Authorization: Bearer`.
    ///   - transport: The transport.
    ///   - policy: The retry policy.
    ///   - logger: The logger.
    ///   - allowInsecureHTTP: Accept plain HTTP to non-loopback hosts.
    /// - Throws: ``UploadError/insecureURL`` or ``UploadError/configuration``.
    package init(
        baseURL: URL = UploadPlatform.chattr.defaultBaseURL, apiKey: String, transport: any UploadTransport,
        policy: UploadRetryPolicy = .init(), logger: Logger = .silent, allowInsecureHTTP: Bool = false
    ) throws(UploadError) {
        try self.init(
            baseURL: baseURL, tokenProvider: StaticTokenProvider(apiKey), transport: transport, policy: policy,
            logger: logger, allowInsecureHTTP: allowInsecureHTTP)
    }

    /// Creates a client whose key comes from a token provider; a 401 triggers one refresh and one new attempt when
    /// the provider can refresh.
    /// - Parameters:
    ///   - baseURL: The API base (default `http://localhost:8000`).
    ///   - tokenProvider: Supplies the API key, sent as `Authorization: Bearer`.
    ///   - transport: The transport.
    ///   - policy: The retry policy.
    ///   - logger: The logger.
    ///   - allowInsecureHTTP: Accept plain HTTP to non-loopback hosts.
    /// - Throws: ``UploadError/insecureURL`` or ``UploadError/configuration``.
    package init(
        baseURL: URL = UploadPlatform.chattr.defaultBaseURL, tokenProvider: any UploadTokenProvider,
        transport: any UploadTransport, policy: UploadRetryPolicy = .init(), logger: Logger = .silent,
        allowInsecureHTTP: Bool = false
    ) throws(UploadError) {
        endpoint = try UploadEndpoint(
            provider: .chattr, baseURL: baseURL, headers: [(name: "Accept", value: "application/json")],
            tokenProvider: tokenProvider, transport: transport, policy: policy, logger: logger,
            allowInsecureHTTP: allowInsecureHTTP)
    }

    /// `GET /api/v1/characters`: `{"characters": [CharacterSummary]}`.
    package func listCharacters() async throws(UploadError) -> [JSONObject] {
        let body = try await endpoint.sendJSON(try endpoint.request(.get, "/api/v1/characters"))
        guard let array = body?["characters"]?.arrayValue else {
            throw UploadError.invalidResponse("GET /api/v1/characters: expected {\"characters\": [...]}")
        }
        return array.compactMap(\.objectValue)
    }

    /// `GET /api/v1/characters/{id}`: the `CharacterDetail`.
    package func getCharacter(id: String) async throws(UploadError) -> JSONObject {
        let body = try await endpoint.sendJSON(
            try endpoint.request(.get, "/api/v1/characters/\(UploadEndpoint.escape(id))"))
        guard let object = body?.objectValue else {
            throw UploadError.invalidResponse("GET /api/v1/characters/\(id): expected an object")
        }
        return object
    }

    /// `PUT /api/v1/characters/{id}` with `{name?, description?, personality?, configuration?, ...}`.
    ///
    /// Any 2xx is success; when the answer has no body the character is read back with GET.
    /// - Throws: ``UploadError/notFound`` with ``noSuchCharacter`` when the id does not exist.
    package func updateCharacter(id: String, fields: JSONObject) async throws(UploadError) -> JSONObject {
        var body = fields
        _ = body.removeValue(forKey: "id")
        let request = try endpoint.request(.put, "/api/v1/characters/\(UploadEndpoint.escape(id))", json: .object(body))
        do {
            if let object = try await endpoint.sendJSON(request)?.objectValue { return object }
        } catch let error where error == .notFound {
            throw UploadError.notFound(
                "\(Self.noSuchCharacter): id \"\(id)\"", status: error.status, platformCode: error.platformCode
            )
            .with(request: error.request ?? "")
        }
        return try await getCharacter(id: id)
    }
}

// MARK: - Upload

extension UploadPlatform {
    /// Chattr: characters only, update only (its documented API has no create); an `http(s)` avatar is sent as
    /// `avatar_url`.
    package static let chattr: UploadPlatform = UploadPlatform(
        platform: Platform.chattr, environmentVariable: "CARDKIT_CHATTR_API_KEY",
        defaultBaseURL: URL(string: "http://localhost:8000")!, mode: .updateOnly,
        finish: { payload, _, reference, _ in
            if let reference, reference.hasPrefix("http") { payload["avatar_url"] = .string(reference) }
            return nil
        },
        connect: { connection throws(UploadError) in
            try ChattrClient(
                baseURL: connection.baseURL, apiKey: try connection.requireToken(.chattr),
                transport: connection.transport, policy: connection.policy, logger: connection.logger,
                allowInsecureHTTP: connection.allowInsecureHTTP)
        })
}

extension ChattrClient: PlatformUploader {
    /// Chattr.
    package var provider: UploadPlatform { .chattr }

    /// `GET /api/v1/characters`.
    package func preflight() async throws(UploadError) { _ = try await listCharacters() }

    /// Nil: the API has no account read.
    package func accountIdentity() async throws(UploadError) -> String? { nil }

    /// Nothing: inputs name their character id (``UploadMode/updateOnly``).
    package func find(name: String, kind: UploadKind) async throws(UploadError) -> [UploadRemoteObject] { [] }

    /// Always ``UploadError/unsupported``: Chattr cannot create characters.
    package func create(
        _ item: UploadPreparedItem, kind: UploadKind, excluding: Set<String>,
        willSend: @Sendable () async throws(UploadError) -> Void
    ) async throws(UploadError) -> UploadRemoteObject {
        throw UploadError.unsupported("Chattr cannot create characters")
    }

    /// `PUT /api/v1/characters/{id}`.
    package func update(_ item: UploadPreparedItem, kind: UploadKind, remoteId: String) async throws(UploadError)
        -> UploadUpdateResult
    {
        let updated = try await updateCharacter(id: remoteId, fields: item.payload)
        return .updated(remoteId: updated["id"]?.stringValue ?? remoteId, version: nil)
    }
}

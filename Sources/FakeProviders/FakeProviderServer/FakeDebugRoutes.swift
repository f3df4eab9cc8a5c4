import CardKitJSON
import HTTPTypes
import Hummingbird
import OrderedCollections

/// The fake's own control routes under `/__debug`.
///
/// They need no auth, and the fault stage, latency and statistics
/// skip them.
enum FakeDebugRoutes {
    static func addRoutes(to router: Router<FakeRequestContext>, store: FakeProviderStore) {
        router.group("__debug")
            // The state of every fake plus the statistics: requests, injected faults by kind, duplicate creates.
            .route(.get, "state") { _ in .json(200, await store.snapshot()) }
            // Forgets all data, tokens, scripted faults and statistics; the configuration stays.
            .route(.post, "reset") { _ in
                await store.reset()
                return .json(200, ["reset": true])
            }
            // {"faults": [{method?, path?, status, headers?, body?, drop?: "before"|"after", delayMs?}]}: queued
            // answers for the next matching API requests. Answers {"queued": n}.
            .route(.post, "script") { request in
                guard let items = request.json?["faults"]?.arrayValue else {
                    return .json(400, ["message": "expected {\"faults\": [...]}"])
                }
                let queued = await store.queue(items.compactMap(FakeScriptedFault.init(json:)))
                return .json(200, ["queued": .number(JSONNumber(queued))])
            }
            // {failRate?, rateLimit? (null lifts it), latencyMs?, retryAfterSeconds?, spicychatTokenExpiresIn?}:
            // changes the fault configuration. Answers the state.
            .route(.post, "config") { request in
                await store.configure(request.json?.objectValue ?? [:])
                return .json(200, await store.snapshot())
            }
            // [character] or character, each with an `id`: seeds Chattr, which has no create endpoint.
            .route(.post, "chattr/characters") { request in
                let items = request.json?.arrayValue ?? (request.json.map { [$0] } ?? [])
                guard let seeded = await store.chattrSeed(items) else {
                    return .json(400, ["message": "each character needs an id"])
                }
                return .json(200, ["seeded": .array(seeded)])
            }
            // Every Spicychat access token accepted so far now answers 401 SC-001-6004. Answers {"expired": n}.
            .route(.post, "spicychat/expire") { _ in
                .json(200, ["expired": .number(JSONNumber(await store.expireSpicychatAccessTokens()))])
            }
            // The current Spicychat refresh token is revoked: the next grant gets invalid_grant.
            .route(.post, "spicychat/revoke") { _ in
                await store.revokeSpicychatRefreshToken()
                return .json(200, ["revoked": true])
            }
    }
}

extension FakeProviderStore {
    /// Applies a `POST /__debug/config` body.
    func configure(_ body: JSONObject) {
        if let rate = body["failRate"]?.numberValue?.doubleValue { configuration.failRate = min(max(rate, 0), 1) }
        if let limit = body["rateLimit"] { configuration.rateLimit = limit.numberValue?.intValue }
        if let latency = body["latencyMs"]?.numberValue?.intValue { configuration.latency = .milliseconds(latency) }
        if let retry = body["retryAfterSeconds"]?.numberValue?.intValue { configuration.retryAfterSeconds = retry }
        if let expiresIn = body["spicychatTokenExpiresIn"]?.numberValue?.intValue {
            configuration.spicychatTokenExpiresIn = expiresIn
        }
    }

    func expireSpicychatAccessTokens() -> Int { spicychat.auth.expireAll() }

    func revokeSpicychatRefreshToken() { spicychat.auth.refreshToken = nil }
}

extension FakeScriptedFault {
    /// A fault from one item of a `POST /__debug/script` body; nil when the item is not an object.
    init?(json item: JSONValue) {
        guard let object = item.objectValue else { return nil }
        var headers: [String: String] = [:]
        for (key, value) in object["headers"]?.objectValue ?? [:] { headers[key] = value.stringValue ?? "" }
        self.init(
            method: object["method"]?.stringValue, pathPrefix: object["path"]?.stringValue,
            status: object["status"]?.numberValue?.intValue ?? 500, headers: headers,
            body: object["body"].map { $0.stringValue ?? JSONWriter.string($0) },
            drop: object["drop"]?.stringValue,
            delayMilliseconds: object["delayMs"]?.numberValue?.intValue ?? 0)
    }
}

public import CardKitJSON
public import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Loopback fakes of the Spicychat, Chattr and NextChat APIs (providers.md §2.8, §3.3, §4.3, §7.4), served by
/// Hummingbird on one port. Their paths do not collide, so one server speaks all three:
///
/// - Spicychat: `/v2/users`, `/personas`, `/save-image`, `/s3/<key>` (the presigned URL), `/v2/characters[/id]`,
///   `/v2/users/characters`, `/conversations/<id>/user_persona`.
/// - Chattr: `/api/v1/characters[/id]`, `/api/v1/health`.
/// - NextChat: `/api/characters[/id]`, `/api/characters/import`.
/// - Spicychat's auth host (Kinde): `POST /oauth2/token` with the refresh-token grant; each grant rotates the refresh
///   token and issues an access token that expires after `spicychatTokenExpiresIn` seconds. Random faults and the
///   API rate limit do not apply to it.
/// - Debug (no auth): `GET /__debug/state`, `POST /__debug/reset`, `POST /__debug/script`, `POST /__debug/config`,
///   `POST /__debug/chattr/characters` (Chattr cannot create characters, so tests seed them here),
///   `POST /__debug/spicychat/expire` (every Spicychat access token accepted so far now gets 401 `SC-001-6004`),
///   `POST /__debug/spicychat/revoke` (the current refresh token is revoked).
public enum FakeProviderServer {
    /// Starts the fakes and returns once they accept connections.
    /// - Parameter configuration: Tokens, faults and address.
    /// - Returns: A handle with the bound port and a `stop()`.
    /// - Throws: When the address cannot be bound.
    public static func start(_ configuration: FakeProviderConfiguration = .init()) async throws -> RunningFakeProviders
    {
        let store = FakeProviderStore(configuration: configuration)
        let responder = CallbackResponder<FakeRequestContext> { request, context in
            try await FakeProviderServer.respond(request, context: context, store: store)
        }
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "fake-providers"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: Logger(label: "fake-providers", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: [],
                logger: Logger(label: "fake-providers", factory: { _ in SwiftLogNoOpLogHandler() })))
        let task = Task { try await group.run() }
        var port = 0
        for await bound in portStream {
            port = bound
            break
        }
        guard port > 0 else {
            task.cancel()
            _ = try await task.value
            throw FakeProviderError(message: "could not bind \(configuration.host):\(configuration.port)")
        }
        let base = "http://\(configuration.host):\(port)"
        await store.setBaseURL(base)
        return RunningFakeProviders(port: port, host: configuration.host, store: store, group: group, task: task)
    }

    static func respond(_ request: Request, context: FakeRequestContext, store: FakeProviderStore) async throws
        -> Response
    {
        var incoming = request
        let body = try await incoming.collectBody(upTo: 32 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        let fake = FakeRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers,
            body: Array(body.readableBytesView))
        if fake.segments.first == "__debug" {
            return makeResponse(await store.debug(fake))
        }
        let latency = await store.configuration.latency
        if latency > .zero { try await Task.sleep(for: latency) }
        let (admission, delay) = await store.admit(fake)
        if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
        switch admission {
        case .reply(let reply):
            return makeResponse(reply)
        case .dropBefore:
            try await drop(context)
        case .dropAfter:
            _ = await store.handle(fake)
            try await drop(context)
        case .proceed:
            break
        }
        return makeResponse(await store.handle(fake))
    }

    /// Closes the connection without an answer, as a crashed proxy or a network loss would.
    static func drop(_ context: FakeRequestContext) async throws -> Never {
        try? await context.channel.close(mode: .all)
        throw FakeProviderError(message: "connection dropped on purpose")
    }

    static func makeResponse(_ reply: FakeReply) -> Response {
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}

/// A running fake server.
public struct RunningFakeProviders: Sendable {
    /// The bound port.
    public let port: Int
    /// The bound host.
    public let host: String
    let store: FakeProviderStore
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// `http://host:port`.
    public var baseURL: URL { URL(string: "http://\(host):\(port)")! }

    /// The state as served by `GET /__debug/state`.
    public func state() async -> JSONValue { await store.snapshot() }

    /// Queues scripted answers for the next matching requests.
    public func script(_ faults: [FakeScriptedFault]) async {
        var items: [JSONValue] = []
        for fault in faults {
            var object: JSONObject = [
                "status": .number(JSONNumber(fault.status)), "delayMs": .number(JSONNumber(fault.delayMilliseconds)),
            ]
            if let method = fault.method { object["method"] = .string(method) }
            if let prefix = fault.pathPrefix { object["path"] = .string(prefix) }
            if let body = fault.body { object["body"] = .string(body) }
            if let drop = fault.drop { object["drop"] = .string(drop) }
            var headers = JSONObject()
            for (key, value) in fault.headers { headers[key] = .string(value) }
            object["headers"] = .object(headers)
            items.append(.object(object))
        }
        let body = JSONWriter.bytes(["faults": .array(items)])
        _ = await store.debug(
            FakeRequest(method: "POST", path: "/__debug/script", query: nil, headers: [:], body: body))
    }

    /// Changes the fault configuration at run time.
    public func configure(
        failRate: Double? = nil, rateLimit: Int?? = nil, latency: Duration? = nil, retryAfterSeconds: Int? = nil,
        spicychatTokenExpiresIn: Int? = nil
    ) async {
        await store.update { configuration in
            if let failRate { configuration.failRate = failRate }
            if let rateLimit { configuration.rateLimit = rateLimit }
            if let latency { configuration.latency = latency }
            if let retryAfterSeconds { configuration.retryAfterSeconds = retryAfterSeconds }
            if let spicychatTokenExpiresIn { configuration.spicychatTokenExpiresIn = spicychatTokenExpiresIn }
        }
    }

    /// Expires every Spicychat access token accepted so far: requests that carry one get 401 `SC-001-6004`, and a
    /// client must refresh.
    ///
    /// Returns how many tokens expired.
    @discardableResult
    public func expireSpicychatAccessTokens() async -> Int {
        let reply = await store.debug(
            FakeRequest(method: "POST", path: "/__debug/spicychat/expire", query: nil, headers: [:], body: []))
        let value = try? JSONParser.parse(reply.body).value
        return value?["expired"]?.numberValue?.intValue ?? 0
    }

    /// Revokes the current Spicychat refresh token: the next grant is refused with `invalid_grant`.
    public func revokeSpicychatRefreshToken() async {
        _ = await store.debug(
            FakeRequest(method: "POST", path: "/__debug/spicychat/revoke", query: nil, headers: [:], body: []))
    }

    /// Seeds Chattr characters (Chattr has no create endpoint).
    public func seedChattr(_ characters: [JSONValue]) async {
        let body = JSONWriter.bytes(.array(characters))
        _ = await store.debug(
            FakeRequest(method: "POST", path: "/__debug/chattr/characters", query: nil, headers: [:], body: body))
    }

    /// Stops the server gracefully.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

extension FakeProviderStore {
    func update(_ change: @Sendable (inout FakeProviderConfiguration) -> Void) {
        change(&configuration)
    }
}

/// An error of the fake server itself.
public struct FakeProviderError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// The message.
    public var description: String { "fake-providers: \(message)" }
}

/// The request context: Hummingbird's basics plus the channel, so a fault can drop the connection.
struct FakeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    var maxUploadSize: Int { 32 << 20 }
}

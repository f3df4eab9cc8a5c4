package import CardKitJSON
package import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Loopback fakes of the Spicychat, Chattr and NextChat APIs (providers.md §2.8, §3.3, §4.3, §7.4), served by
/// Hummingbird's router on one port. Their paths do not collide, so one server speaks all three; each has its own
/// file, which lists its routes, what they check and what they answer:
///
/// - Spicychat (`FakeSpicychat.swift`): `/v2/users`, `/personas`, `/save-image`, `/s3/<key>` (the presigned URL),
///   `/v2/characters[/id]`, `/v2/users/characters`, `/conversations/<id>/user_persona`.
/// - Spicychat's auth host, Kinde (`FakeSpicychatAuth.swift`): `POST /oauth2/token` with the refresh-token grant.
/// - Chattr (`FakeChattr.swift`): `/api/v1/characters[/id]`, `/api/v1/health`.
/// - NextChat (`FakeNextChat.swift`): `/api/characters[/id]`, `/api/characters/import`.
/// - Debug (`FakeDebugRoutes.swift`, no auth): `GET /__debug/state`, `POST /__debug/reset`, `/script`, `/config`,
///   `/chattr/characters`, `/spicychat/expire`, `/spicychat/revoke`.
///
/// Every API request first passes the fault stage (`FakeFaults.swift`): latency, scripted faults, the rate limit and
/// random faults. A request no route matches gets the platform's own auth check and 404
/// (`FakeProviderRouting.swift`). The state lives in one actor (`FakeProviderStore.swift`).
package enum FakeProviderServer {
    /// Starts the fakes and returns once they accept connections.
    /// - Parameter configuration: Tokens, faults and address.
    /// - Returns: A handle with the bound port and a `stop()`.
    /// - Throws: When the address cannot be bound.
    package static func start(_ configuration: FakeProviderConfiguration = .init()) async throws -> RunningFakeProviders
    {
        let store = FakeProviderStore(configuration: configuration)
        let router = Router(context: FakeRequestContext.self)
        router.add(middleware: FakeFaultMiddleware(store: store))
        router.add(middleware: FakeUnmatchedRouteMiddleware(store: store))
        FakeDebugRoutes.addRoutes(to: router, store: store)
        FakeSpicychatAuth.addRoutes(to: router, store: store)
        FakeChattr.addRoutes(to: router, store: store)
        FakeNextChat.addRoutes(to: router, store: store)
        FakeSpicychat.addRoutes(to: router, store: store)
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
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
}

/// A running fake server.
package struct RunningFakeProviders: Sendable {
    /// The bound port.
    package let port: Int
    /// The bound host.
    package let host: String
    let store: FakeProviderStore
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// `http://host:port`.
    package var baseURL: URL { URL(string: "http://\(host):\(port)")! }

    /// The state as served by `GET /__debug/state`.
    package func state() async -> JSONValue { await store.snapshot() }

    /// Queues scripted answers for the next matching requests.
    package func script(_ faults: [FakeScriptedFault]) async {
        _ = await store.queue(faults)
    }

    /// Changes the fault configuration at run time.
    package func configure(
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
    package func expireSpicychatAccessTokens() async -> Int {
        await store.expireSpicychatAccessTokens()
    }

    /// Revokes the current Spicychat refresh token: the next grant is refused with `invalid_grant`.
    package func revokeSpicychatRefreshToken() async {
        await store.revokeSpicychatRefreshToken()
    }

    /// Seeds Chattr characters (Chattr has no create endpoint); each needs an `id`.
    package func seedChattr(_ characters: [JSONValue]) async {
        _ = await store.chattrSeed(characters)
    }

    /// Stops the server gracefully.
    package func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// An error of the fake server itself.
package struct FakeProviderError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    package var message: String
    /// The message.
    package var description: String { "fake-providers: \(message)" }
}

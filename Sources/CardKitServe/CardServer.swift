import CardKit
package import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `cardkit serve`: the web app over a folder of cards and the HTTP API, on one Hummingbird server.
///
/// Start it with ``start(_:handleSignals:)``; it listens at once and indexes the folder in the background (the
/// gallery says how far it has come), then walks the folder again every ``ServeConfiguration/rescanInterval`` and
/// reads only the files whose size, modification time or inode changed.
package enum CardServer {
    /// Starts the server.
    ///
    /// - Parameters:
    ///   - configuration: Folder, address and permissions (checked first).
    ///   - handleSignals: Whether SIGINT and SIGTERM stop it gracefully (the CLI); tests call ``RunningCardServer/stop()``.
    /// - Returns: The running server, with the port it bound.
    /// - Throws: ``ServeError`` for a bad configuration or an address that cannot be bound.
    package static func start(_ configuration: ServeConfiguration, handleSignals: Bool = false) async throws
        -> RunningCardServer
    {
        try configuration.check()
        let collection = configuration.folder.map { CardCollection(folder: $0) }
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: SecurityMiddleware(configuration: configuration))
        PageRoutes(configuration: configuration, collection: collection).add(to: router)
        APIRoutes(configuration: configuration, collection: collection).add(to: router)
        let logger = Logger(label: "cardkit-serve", factory: { _ in SwiftLogNoOpLogHandler() })
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            server: .http1(
                configuration: .init(additionalChannelHandlers: [
                    ExpectContinueHandler(maxBodyBytes: configuration.maxBodyBytes)
                ])),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "cardkit"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        var services: [any Service] = [app]
        if let collection {
            services.append(IndexService(collection: collection, interval: configuration.rescanInterval))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: handleSignals ? [.sigint, .sigterm] : [], logger: logger))
        let task = Task { try await group.run() }
        var port = 0
        for await bound in portStream {
            port = bound
            break
        }
        guard port > 0 else {
            await group.triggerGracefulShutdown()
            let reason: String
            do {
                try await task.value
                reason = "the server stopped before it listened"
            } catch {
                reason = "\(error)"
            }
            throw ServeError("cannot listen on \(configuration.host):\(configuration.port): \(reason)")
        }
        return RunningCardServer(
            host: configuration.host, port: port, collection: collection, group: group, task: task)
    }
}

/// A server that is listening.
package struct RunningCardServer: Sendable {
    /// The address it bound.
    package let host: String
    /// The port it bound (the one picked for port 0).
    package let port: Int
    /// The folder's index, when it serves one.
    package let collection: CardCollection?
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// `http://HOST:PORT` (an IPv6 address in brackets).
    package var baseURL: URL {
        URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)")!
    }

    /// Waits until the first index of the folder is complete (at once without a folder).
    package func waitForIndex() async {
        guard let collection else { return }
        while await collection.status.generation == 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Runs until the server stops (a signal, or ``stop()`` from elsewhere).
    ///
    /// - Throws: What stopped it, if it failed.
    package func wait() async throws { try await task.value }

    /// Stops the server gracefully: in-flight requests finish, then it closes.
    package func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// Indexes the folder once, then again every interval, until the server stops.
struct IndexService: Service {
    let collection: CardCollection
    let interval: Duration?

    func run() async throws {
        await collection.rescan()
        guard let interval else {
            try? await gracefulShutdown()
            return
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            await collection.rescan()
        }
    }
}

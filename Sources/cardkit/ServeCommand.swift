#if canImport(CardKitServe)
    import ArgumentParser
    import CardKitServe
    import Foundation

    extension CardKitCommand {
        /// The `serve` command, on builds that include the NIO-based targets.
        static let serveSubcommands: [any ParsableCommand.Type] = [ServeCommand.self]
    }

    /// `cardkit serve [DIR]`: the web app over a folder of cards, and the HTTP API.
    struct ServeCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Browse, check, convert and edit a folder of cards in the browser; serve the HTTP API.",
            discussion: """
                Listens on 127.0.0.1 and prints 'listening on http://HOST:PORT' as its first line. The gallery \
                indexes DIR at start and notices changes on disk. The API is under /api/v1 (its OpenAPI document \
                at /api/v1/openapi.json). Nothing is written unless --allow-edit is given; a save keeps a numbered \
                .bak backup. Any --host other than loopback needs --token. Ctrl-C stops it. See docs/serve.md.
                """ + Examples.text(for: "serve")
        )

        @Argument(help: "The folder of cards to browse (optional: without it only the stateless API is served).")
        var folder: String?

        @Option(help: "The port to listen on; 0 picks a free one.")
        var port: Int = 8080

        @Option(help: "The address to listen on. Anything but loopback needs --token.")
        var host: String = "127.0.0.1"

        @Option(help: "A secret every request must carry (Authorization: Bearer TOKEN, or open a page with ?token=).")
        var token: String?

        @Flag(help: "Let the edit form save changes (in place, atomically, with a numbered .bak backup).")
        var allowEdit = false

        @Option(help: "The largest request body accepted, in bytes.")
        var maxBody: Int = 32 << 20

        @Option(help: "Seconds between walks of DIR for changed files; 0 never walks it again.")
        var rescan: Double = 2

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            var configuration = ServeConfiguration()
            configuration.folder = folder.map { URL(fileURLWithPath: $0) }
            configuration.host = host
            configuration.port = port
            configuration.token = token ?? ProcessInfo.processInfo.environment["CARDKIT_SERVE_TOKEN"]
            configuration.allowEdit = allowEdit
            configuration.maxBodyBytes = maxBody
            configuration.rescanInterval = rescan > 0 ? .milliseconds(Int(rescan * 1000)) : nil
            let server: RunningCardServer
            do {
                server = try await CardServer.start(configuration, handleSignals: true)
            } catch let error as ServeError {
                Console.error("error: \(error.message)")
                throw ExitCode(ExitStatus.usage)
            }
            Console.output("listening on \(server.baseURL.absoluteString)")
            if let collection = server.collection {
                Task {
                    let started = ContinuousClock.now
                    await server.waitForIndex()
                    let status = await collection.status
                    let elapsed = ContinuousClock.now - started
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    Console.note(
                        "indexed \(status.total) files of \(collection.root.path) in \(String(format: "%.2f", seconds)) s"
                    )
                }
            }
            try await server.wait()
        }
    }
#else
    extension CardKitCommand {
        /// No `serve` on builds without the NIO-based targets.
        static let serveSubcommands: [any ParsableCommand.Type] = []
    }
#endif

import OrderedCollections

#if canImport(CardKitUpload)
    import ArgumentParser
    import CardKit
    import CardKitJSON
    import CardKitUpload
    import CardModel
    import Foundation

    #if canImport(Glibc)
        import Glibc
    #endif

    extension CardKitCommand {
        /// The upload command, present when the package is built with its upload targets.
        static let uploadSubcommands: [any ParsableCommand.Type] = [UploadCommand.self]
    }

    /// `cardkit upload characters|personas PATH... --provider ...`: bulk upload with retries and a resumable state file.
    struct UploadCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upload",
            abstract: "Upload characters or personas to Spicychat, Chattr or NextChat, resumably.",
            discussion: """
                Each input is converted and checked before anything is sent. Every outcome is appended to the state \
                file (JSON lines, synced per record), so a re-run after Ctrl-C, kill -9 or a network loss skips what \
                is done and creates no duplicates. Credentials come from CARDKIT_SPICYCHAT_TOKEN, \
                CARDKIT_CHATTR_API_KEY or CARDKIT_NEXTCHAT_TOKEN, else ~/.config/cardkit/credentials.json (mode 0600).
                Spicychat access tokens expire: with a refresh token (CARDKIT_SPICYCHAT_REFRESH_TOKEN and \
                CARDKIT_SPICYCHAT_CLIENT_ID, or "spicychat_refresh_token" and "spicychat_client_id" in the credentials \
                file) a new one is fetched from --auth-url when none is given, before it expires, and once after a 401; \
                a rotated refresh token is written back to the credentials file (an environment variable cannot be \
                updated, so keep it in the file).
                The default state file is $XDG_STATE_HOME/cardkit/uploads/<provider>-<hash>.jsonl (~/.local/state \
                without XDG_STATE_HOME), one per provider, base URL and account; it is locked (flock) while a run uses \
                it, so a second run on it refuses (or waits with --wait). Inputs are keyed by canonical path, and \
                before any create the platform is searched for an object of the same name: one with the same content \
                is adopted, another one blocks the create unless --allow-duplicate-names.
                Exit codes: 0 all uploaded; 1 some failed or were invalid; 2 usage error; 3 provider unreachable or \
                credentials refused; 4 the state file is in use by another run.
                """
        )

        @Argument(help: "What to upload: characters or personas.")
        var kind: String

        @Argument(help: "Card or persona files, or directories (walked recursively).")
        var paths: [String] = []

        @Option(help: "spicychat, chattr or nextchat.")
        var provider: String

        @Option(help: "The API base URL (each platform has a default).")
        var baseURL: String?

        @Option(help: "Uploads in flight at once.")
        var concurrency: Int = 4

        @Option(help: "At most this many items started per second.")
        var rate: Double?

        @Option(
            help:
                "The state file (default $XDG_STATE_HOME/cardkit/uploads/<provider>-<hash of base URL and account>.jsonl)."
        )
        var state: String?

        @Flag(help: "When another run holds the state file, wait for it instead of exiting with code 4.")
        var wait = false

        @Flag(help: "Create a character or persona even when the platform already has a different one of that name.")
        var allowDuplicateNames = false

        @Flag(help: "Convert and check only; send nothing.")
        var dryRun = false

        @Flag(help: "Update objects that already exist (by state file or by name) instead of skipping them.")
        var updateExisting = false

        @Option(help: "A JSON file mapping input paths to Chattr character ids.")
        var idMap: String?

        @Flag(help: "Allow plain http:// to hosts other than loopback (credentials travel unencrypted).")
        var allowInsecureHttp = false

        @Option(help: "The credentials file (default ~/.config/cardkit/credentials.json).")
        var credentials: String?

        @Option(help: "Spicychat's auth host for the refresh-token grant (default https://auth.spicychat.ai).")
        var authURL: String?

        @Option(help: "Tries per request, the first included.")
        var maxAttempts: Int = 4

        @Option(help: "Seconds allowed for one request, retries included.")
        var deadline: Double = 120

        @Option(help: "Seconds allowed for one HTTP exchange.")
        var timeout: Double = 30

        @Flag(name: .shortAndLong, help: "More output: -v items, -vv HTTP attempts, -vvv everything.")
        var verbose: Int

        static let providerExitCode: Int32 = 3
        /// Another run holds the state file's lock.
        static let stateLockedExitCode: Int32 = 4

        /// The accepted ranges of the number options (a wider value would overflow a duration).
        static let deadlineRange: ClosedRange<Double> = 0.001...86_400
        static let timeoutRange: ClosedRange<Double> = 0.001...3_600
        static let rateRange: ClosedRange<Double> = 0.001...10_000

        func validate() throws {
            guard UploadKind(rawValue: kind) != nil else {
                throw ValidationError("Upload 'characters' or 'personas', not '\(kind)'.")
            }
            guard let platform = UploadProvider(rawValue: provider) else {
                throw ValidationError("--provider must be spicychat, chattr or nextchat.")
            }
            if paths.isEmpty { throw ValidationError("Give at least one file or directory.") }
            if kind == "personas", platform != .spicychat {
                throw ValidationError(
                    "\(platform) does not support personas (target does not support personas); only Spicychat does.")
            }
            guard (1...256).contains(concurrency) else {
                throw ValidationError("--concurrency must be between 1 and 256.")
            }
            if let rate, !(rate.isFinite && Self.rateRange.contains(rate)) {
                throw ValidationError("--rate must be a number from 0.001 to 10000 (items per second), not \(rate).")
            }
            guard deadline.isFinite, Self.deadlineRange.contains(deadline) else {
                throw ValidationError("--deadline must be a number of seconds from 0.001 to 86400, not \(deadline).")
            }
            guard timeout.isFinite, Self.timeoutRange.contains(timeout) else {
                throw ValidationError("--timeout must be a number of seconds from 0.001 to 3600, not \(timeout).")
            }
            guard (1...20).contains(maxAttempts) else {
                throw ValidationError("--max-attempts must be between 1 and 20.")
            }
            if let baseURL, URL(string: baseURL)?.host == nil {
                throw ValidationError("--base-url \(baseURL) is not an absolute URL.")
            }
            if let authURL {
                guard platform == .spicychat else {
                    throw ValidationError("--auth-url applies only to --provider spicychat.")
                }
                if URL(string: authURL)?.host == nil {
                    throw ValidationError("--auth-url \(authURL) is not an absolute URL.")
                }
            }
        }

        func run() async throws {
            guard let uploadKind = UploadKind(rawValue: kind), let platform = UploadProvider(rawValue: provider) else {
                return
            }
            let isTerminal = isatty(2) == 1
            let level: UploadLogLevel = [.warning, .info, .debug, .trace][min(verbose, 3)]

            // Inputs: explicitly named files always; walked files only when they are of the kind being uploaded.
            let (inputs, missing) = CardInputCollector.collect(paths)
            for path in missing { Console.error("\(path): error: no such file or directory") }
            let walked = Set(inputs.filter { $0.root != nil }.map(\.path))
            let allPaths = inputs.map(\.path).filter { $0 != "-" }

            var options = UploadOptions(provider: platform, kind: uploadKind)
            options.concurrency = concurrency
            options.ratePerSecond = rate
            options.dryRun = dryRun
            options.updateExisting = updateExisting
            options.allowDuplicateNames = allowDuplicateNames
            if let idMap { options.idMap = try Self.readIDMap(idMap) }

            // One logger for the client, the token provider and the engine: a token learned at run time (a refreshed
            // access token, a rotated refresh token) is scrubbed from all of them.
            let logger = Self.logger(level: level, secrets: [])
            var client: UploadClient?
            if !dryRun {
                switch connect(platform, logger: logger) {
                case .success(let made):
                    client = made
                case .failure(let error):
                    Console.error("cardkit: error: \(logger.scrub(error.message))")
                    let code = error.isFatalForRun ? Self.providerExitCode : ExitStatus.usage
                    throw ExitCode(code)
                }
            }
            let stateURL: URL
            if let state {
                stateURL = URL(fileURLWithPath: state)
            } else {
                switch await defaultStateURL(platform, client: client) {
                case .success(let url): stateURL = url
                case .failure(let error):
                    let reason = UploadEngine.preflightFailure(error, provider: platform)
                    Console.error("cardkit: error: \(logger.scrub(reason.description))")
                    throw ExitCode(Self.providerExitCode)
                }
            }
            let statePath = stateURL.path
            let stateFile: UploadStateFile
            do {
                try FileManager.default.createDirectory(
                    at: stateURL.deletingLastPathComponent(), withIntermediateDirectories: true)
                stateFile = try await UploadStateFile.open(
                    url: stateURL, waitForLock: wait,
                    onWait: {
                        Console.error("cardkit: note: \(statePath) is in use by another run; waiting for it (--wait)")
                    })
            } catch let error as UploadError where error == .locked {
                Console.error("cardkit: error: \(error.message)")
                throw ExitCode(Self.stateLockedExitCode)
            } catch {
                Console.error("cardkit: error: \(error)")
                throw ExitCode(ExitStatus.usage)
            }
            if stateFile.ignoredLines > 0 {
                logger.log(
                    .warning,
                    "\(statePath): ignored \(stateFile.ignoredLines) unreadable line(s) (a torn write after a crash)")
            }

            let progressBar = UploadProgressPrinter(isTerminal: isTerminal, total: allPaths.count)
            let loadOptions = CardLoadOptions()
            let engine = UploadEngine(
                client: client, options: options, state: stateFile, logger: logger,
                progress: { progressBar.update($0) },
                loader: { path in
                    try Self.load(path, kind: uploadKind, walked: walked.contains(path), options: loadOptions)
                })
            let summary = await engine.run(paths: allPaths)
            progressBar.finish()
            Self.printSummary(summary, logger: logger, statePath: statePath)
            var code = summary.exitCode
            if code == 0, !missing.isEmpty { code = ExitStatus.invalidInput }
            if code != 0 { throw ExitCode(code) }
        }

        /// The default state file: per provider, base URL and account (Spicychat's user id, else a digest of the
        /// credential, never the credential itself).
        private func defaultStateURL(_ platform: UploadProvider, client: UploadClient?) async -> Result<
            URL, UploadError
        > {
            let base = baseURL.flatMap(URL.init(string:)) ?? platform.defaultBaseURL
            var account: String?
            if let client {
                do {
                    account = try await client.accountIdentity().map { "user:\($0)" }
                } catch {
                    return .failure(error)
                }
            }
            if account == nil {
                let file = credentials.map { URL(fileURLWithPath: $0) }
                let secret =
                    (try? UploadCredentials.resolveIfPresent(for: platform, file: file))
                    ?? (try? UploadCredentials.refresh(for: platform, file: file))?.map(\.clientID)
                account = secret.map(UploadStateFile.accountDigest(ofCredential:)) ?? "anonymous"
            }
            return .success(
                UploadStateFile.defaultURL(provider: platform.rawValue, baseURL: base, account: account ?? "anonymous"))
        }

        /// Resolves the credentials and builds the client.
        ///
        /// Spicychat with a refresh token needs no access token: the
        /// first request fetches one.
        private func connect(_ platform: UploadProvider, logger: UploadLogger) -> Result<UploadClient, UploadError> {
            do {
                let file = credentials.map { URL(fileURLWithPath: $0) }
                let refresh = platform == .spicychat ? try UploadCredentials.refresh(for: platform, file: file) : nil
                let token: String?
                if refresh == nil {
                    token = try UploadCredentials.resolve(for: platform, file: file)
                } else {
                    token = try UploadCredentials.resolveIfPresent(for: platform, file: file)
                }
                logger.redactInAllCopies([token, refresh?.refreshToken].compactMap { $0 })
                return .success(try makeClient(platform, token: token, refresh: refresh, logger: logger))
            } catch {
                return .failure(error)
            }
        }

        private func makeClient(
            _ platform: UploadProvider, token: String?, refresh: UploadRefreshCredentials?, logger: UploadLogger
        ) throws(UploadError) -> UploadClient {
            var policy = UploadRetryPolicy()
            policy.maxAttempts = maxAttempts
            policy.overallDeadline = .milliseconds(Int64((deadline * 1000).rounded()))
            policy.requestTimeout = .milliseconds(Int64((timeout * 1000).rounded()))
            let base = baseURL.flatMap(URL.init(string:)) ?? platform.defaultBaseURL
            let transport = AsyncHTTPClientTransport()
            if platform == .spicychat, let refresh {
                let tokens = try OAuthRefreshTokenProvider(
                    authURL: authURL.flatMap(URL.init(string:)) ?? OAuthRefreshTokenProvider.spicychatAuthURL,
                    clientID: refresh.clientID, refreshToken: refresh.refreshToken, accessToken: token,
                    transport: transport,
                    policy: policy, logger: logger, allowInsecureHTTP: allowInsecureHttp,
                    onRotation: { rotated in try refresh.save(rotated: rotated) })
                return .spicychat(
                    try SpicychatClient(
                        baseURL: base, tokenProvider: tokens, transport: transport, policy: policy, logger: logger,
                        allowInsecureHTTP: allowInsecureHttp))
            }
            guard let token else { throw UploadError.credentials("no \(platform) credential") }
            switch platform {
            case .spicychat:
                return .spicychat(
                    try SpicychatClient(
                        baseURL: base, token: token, transport: transport, policy: policy, logger: logger,
                        allowInsecureHTTP: allowInsecureHttp))
            case .chattr:
                return .chattr(
                    try ChattrClient(
                        baseURL: base, apiKey: token, transport: transport, policy: policy, logger: logger,
                        allowInsecureHTTP: allowInsecureHttp))
            case .nextchat:
                return .nextchat(
                    try NextChatClient(
                        baseURL: base, token: token, transport: transport, policy: policy, logger: logger,
                        allowInsecureHTTP: allowInsecureHttp))
            }
        }

        static func logger(level: UploadLogLevel, secrets: [String]) -> UploadLogger {
            UploadLogger(level: level, secrets: secrets) { level, line in
                Console.error("cardkit: \(level == .error ? "error" : level == .warning ? "warning" : "note"): \(line)")
            }
        }

        /// Loads one input: a persona file, or a card in any container.
        static func load(_ path: String, kind: UploadKind, walked: Bool, options: CardLoadOptions) throws -> UploadInput
        {
            let data = try CardInput(path: path).read()
            if PersonaReader.isPersona(bytes: data) {
                if kind == .characters, walked { return .notApplicable("a persona, not a character card") }
                return .persona(try PersonaReader.read([UInt8](data)).persona)
            }
            if kind == .personas, walked { return .notApplicable("a character card, not a persona") }
            let loaded = try CardFileLoader.load(data: data, path: path, options: options)
            if loaded.hasErrors {
                let errors = loaded.diagnostics.filter { $0.severity == .error }.map(\.description)
                throw UploadInputError(path: path, reason: errors.joined(separator: "; "))
            }
            return .card(loaded.card, imageBytes: loaded.container == .png ? [UInt8](loaded.fileBytes) : nil)
        }

        static func readIDMap(_ path: String) throws -> [String: String] {
            guard let data = FileManager.default.contents(atPath: path),
                let object = try? JSONParser.parse([UInt8](data)).value.objectValue
            else {
                throw ValidationError("--id-map \(path): not a readable JSON object of path → id")
            }
            var map: [String: String] = [:]
            for (key, value) in object {
                guard let id = value.stringValue else {
                    throw ValidationError("--id-map \(path): /\(key) is not a string")
                }
                map[key] = id
                map[URL(fileURLWithPath: key).standardizedFileURL.path] = id
            }
            return map
        }

        static func printSummary(_ summary: UploadSummary, logger: UploadLogger, statePath: String) {
            let failures = summary.outcomes.filter { $0.status == .failed || $0.status == .invalid }
            for outcome in failures {
                Console.error("\(outcome.path): error: \(logger.scrub(outcome.message ?? outcome.status.rawValue))")
            }
            if let reason = summary.stopReason {
                Console.error("cardkit: error: stopped: \(logger.scrub(reason.description))")
            }
            if !summary.notAttempted.isEmpty {
                Console.error(
                    "cardkit: \(summary.notAttempted.count) input(s) not attempted; re-run to resume (state: \(statePath))"
                )
            }
            var lines = ["status       count"]
            for status in UploadOutcome.Status.allCases {
                let count = summary.count(status)
                if count > 0 {
                    lines.append(status.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0) + String(count))
                }
            }
            if !summary.notAttempted.isEmpty {
                lines.append(
                    "not-attempted".padding(toLength: 13, withPad: " ", startingAt: 0)
                        + String(summary.notAttempted.count))
            }
            lines.append(
                "total".padding(toLength: 13, withPad: " ", startingAt: 0)
                    + String(summary.outcomes.count + summary.notAttempted.count))
            for line in lines { Console.output(line) }
        }
    }

    /// Progress on standard error: a bar redrawn in place on a terminal, one plain line per item otherwise.
    final class UploadProgressPrinter: @unchecked Sendable {
        private let isTerminal: Bool
        private let total: Int
        private let lock = NSLock()
        private var counts: [UploadOutcome.Status: Int] = [:]
        private var lastDraw = Date.distantPast

        init(isTerminal: Bool, total: Int) {
            self.isTerminal = isTerminal
            self.total = total
        }

        func update(_ event: UploadProgress) {
            lock.lock()
            defer { lock.unlock() }
            counts[event.outcome.status, default: 0] += 1
            guard isTerminal else {
                var line = "\(event.outcome.status.rawValue) \(event.outcome.path)"
                if let id = event.outcome.remoteId { line += " (\(id))" }
                if let message = event.outcome.message, event.outcome.status != .failed,
                    event.outcome.status != .invalid
                {
                    line += ": \(message)"
                }
                Console.error(line)
                return
            }
            let now = Date()
            guard event.completed == event.total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = now
            let width = 30
            let filled = total == 0 ? width : width * event.completed / total
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let failed = (counts[.failed] ?? 0) + (counts[.invalid] ?? 0)
            FileHandle.standardError.write(
                Data("\r[\(bar)] \(event.completed)/\(event.total)  failed \(failed)\u{1B}[K".utf8))
        }

        func finish() {
            lock.lock()
            defer { lock.unlock() }
            if isTerminal, total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
#else
    import ArgumentParser

    extension CardKitCommand {
        /// Empty: this build leaves the upload targets out (CARDKIT_SKIP_UPLOAD).
        static let uploadSubcommands: [any ParsableCommand.Type] = []
    }
#endif

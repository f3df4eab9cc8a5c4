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
            abstract:
                "Upload characters or personas to \(UploadCommand.list(UploadProvider.allCases.map(\.description))), resumably.",
            discussion: """
                Each input is converted and checked before anything is sent. Every outcome is appended to the state \
                file (JSON lines, synced per record), so a re-run after Ctrl-C, kill -9 or a network loss skips what \
                is done and creates no duplicates. Credentials come from \
                \(UploadCommand.list(UploadProvider.allCases.map(\.environmentVariable))), else \
                ~/.config/cardkit/credentials.json (mode 0600).
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

        @Option(help: ArgumentHelp("The platform: \(UploadProvider.allCases.map(\.rawValue).joined(separator: ", "))."))
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
            guard let uploadKind = UploadKind(rawValue: kind) else {
                throw ValidationError("Upload 'characters' or 'personas', not '\(kind)'.")
            }
            guard let platform = UploadProvider(rawValue: provider) else {
                throw ValidationError("--provider must be \(Self.list(UploadProvider.allCases.map(\.rawValue))).")
            }
            if paths.isEmpty { throw ValidationError("Give at least one file or directory.") }
            if !platform.upload.kinds.contains(uploadKind) {
                let able = UploadProvider.allCases.filter { $0.upload.kinds.contains(uploadKind) }.map(\.description)
                let verb = able.count == 1 ? "does" : "do"
                throw ValidationError(
                    "\(platform) does not support \(kind) (target does not support \(kind)); only \(able.joined(separator: " and ")) \(verb)."
                )
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
                guard platform.upload.refreshesTokens else {
                    let refreshing = UploadProvider.allCases.filter(\.upload.refreshesTokens).map(\.rawValue)
                    throw ValidationError("--auth-url applies only to --provider \(Self.list(refreshing)).")
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
            let settings = self.settings(platform)
            var client: (any PlatformUploader)?
            if !dryRun {
                do throws(UploadError) {
                    let transport = AsyncHTTPClientTransport(logger: logger.swiftLogger)
                    client = try UploadSetup.connect(settings, transport: transport, logger: logger)
                } catch {
                    Console.error("cardkit: error: \(logger.scrub(Self.withHint(error.message, error.remedy)))")
                    throw ExitCode(error.isFatalForRun ? Self.providerExitCode : ExitStatus.usage)
                }
            }
            let stateURL: URL
            if let state {
                stateURL = URL(fileURLWithPath: state)
            } else {
                do throws(UploadError) {
                    stateURL = try await UploadSetup.defaultStateURL(settings, uploader: client)
                } catch {
                    Console.error("cardkit: error: \(logger.scrub(error.description))")
                    throw ExitCode(Self.providerExitCode)
                }
            }
            let statePath = stateURL.path
            let stateFile: UploadStateFile
            do throws(UploadError) {
                stateFile = try await UploadSetup.openState(
                    stateURL, wait: wait,
                    onWait: {
                        Console.error("cardkit: note: \(statePath) is in use by another run; waiting for it (--wait)")
                    })
            } catch {
                if error == .locked {
                    Console.error("cardkit: error: \(Self.withHint(error.message, error.remedy))")
                    throw ExitCode(Self.stateLockedExitCode)
                }
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
                    try UploadInput.load(path, kind: uploadKind, walked: walked.contains(path), options: loadOptions)
                })
            let summary = await engine.run(paths: allPaths)
            progressBar.finish()
            Self.printSummary(summary, logger: logger, statePath: statePath)
            var code = Self.exitCode(summary.verdict)
            if code == 0, !missing.isEmpty { code = ExitStatus.invalidInput }
            if code != 0 { throw ExitCode(code) }
        }

        /// `a`, `a or b`, `a, b or c`.
        static func list(_ names: [String]) -> String {
            names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        }

        /// The library settings of this command's options.
        private func settings(_ platform: UploadProvider) -> UploadSettings {
            var settings = UploadSettings(provider: platform)
            settings.baseURL = baseURL.flatMap(URL.init(string:))
            settings.credentialsFile = credentials.map { URL(fileURLWithPath: $0) }
            settings.authURL = authURL.flatMap(URL.init(string:))
            settings.allowInsecureHTTP = allowInsecureHttp
            settings.policy.maxAttempts = maxAttempts
            settings.policy.overallDeadline = .milliseconds(Int64((deadline * 1000).rounded()))
            settings.policy.requestTimeout = .milliseconds(Int64((timeout * 1000).rounded()))
            return settings
        }

        /// 0 when everything was uploaded (or planned, or already done); 1 when some input failed or was invalid;
        /// 3 when the provider was unreachable or refused the credentials.
        static func exitCode(_ verdict: UploadVerdict) -> Int32 {
            switch verdict {
            case .succeeded: 0
            case .someFailed: ExitStatus.invalidInput
            case .providerUnavailable: providerExitCode
            }
        }

        /// The flag that would have avoided a failure or a skip, in the words of this command.
        static func hint(_ remedy: UploadRemedy) -> String {
            switch remedy {
            case .allowInsecureHTTP: " or pass --allow-insecure-http"
            case .waitForLock: ", or pass --wait"
            case .updateExisting: "; pass --update-existing to update it"
            case .allowDuplicateNames: " (pass --allow-duplicate-names to create it anyway)"
            case .allowDuplicateNamesOrUpdateExisting:
                " (pass --allow-duplicate-names to create it anyway, or --update-existing to update it)"
            }
        }

        /// A library message with the command's hint for its remedy, if any.
        static func withHint(_ message: String, _ remedy: UploadRemedy?) -> String {
            message + (remedy.map(hint) ?? "")
        }

        static func logger(level: UploadLogLevel, secrets: [String]) -> UploadLogger {
            UploadLogger(level: level, secrets: secrets) { level, line in
                Console.error("cardkit: \(level == .error ? "error" : level == .warning ? "warning" : "note"): \(line)")
            }
        }

        static func readIDMap(_ path: String) throws -> [String: String] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("--id-map \(path): not a readable JSON object of path → id")
            }
            do throws(UploadInputError) {
                return try UploadOptions.idMap(json: [UInt8](data))
            } catch {
                throw ValidationError("--id-map \(path): \(error.reason)")
            }
        }

        static func printSummary(_ summary: UploadSummary, logger: UploadLogger, statePath: String) {
            let failures = summary.outcomes.filter { $0.status == .failed || $0.status == .invalid }
            for outcome in failures {
                let message = withHint(outcome.message ?? outcome.status.rawValue, outcome.remedy)
                Console.error("\(outcome.path): error: \(logger.scrub(message))")
            }
            if let reason = summary.stopReason {
                Console.error("cardkit: error: stopped: \(logger.scrub(withHint(reason.description, reason.remedy)))")
            }
            if !summary.notAttempted.isEmpty {
                Console.error(
                    "cardkit: \(summary.notAttempted.count) input(s) not attempted; re-run to resume (state: \(statePath))"
                )
            }
            for line in summary.table { Console.output(line) }
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
                    line += ": \(UploadCommand.withHint(message, event.outcome.remedy))"
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

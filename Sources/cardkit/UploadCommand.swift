#if canImport(CardKitUpload)
    import ArgumentParser
    import CardKit
    import CardKitUpload
    import Foundation
    import Logging

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
                "Upload characters or personas to \(UploadCommand.list(UploadPlatform.all.map(\.description))), resumably.",
            discussion: """
                Each input is converted and checked before anything is sent. Every outcome is appended to the state \
                file (JSON lines, synced per record), so a re-run after Ctrl-C, kill -9 or a network loss skips what \
                is done and creates no duplicates. Credentials come from \
                \(UploadCommand.list(UploadPlatform.all.map(\.environmentVariable))), else \
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

        @Argument(help: "What to upload: characters or personas.") var kind: String
        @Argument(help: "Card or persona files, or directories (walked recursively).", completion: .file())
        var paths: [String] = []
        @Option(
            help: ArgumentHelp("The platform: \(UploadPlatform.all.map(\.name).joined(separator: ", ")), in any case."),
            completion: .list(UploadPlatform.all.map(\.name)))
        var provider: String
        @Option(help: "The API base URL (each platform has a default).") var baseURL: String?
        @Option(help: "Uploads in flight at once.") var concurrency: Int = 4
        @Option(help: "At most this many items started per second.") var rate: Double?
        @Option(
            help:
                "The state file (default $XDG_STATE_HOME/cardkit/uploads/<provider>-<hash of base URL and account>.jsonl)."
        )
        var state: String?
        @Flag(help: "When another run holds the state file, wait for it instead of exiting with code 4.")
        var wait = false
        @Flag(help: "Create a character or persona even when the platform already has a different one of that name.")
        var allowDuplicateNames = false
        @Flag(help: "Convert and check only; send nothing.") var dryRun = false
        @Flag(help: "Update objects that already exist (by state file or by name) instead of skipping them.")
        var updateExisting = false
        @Option(help: "A JSON file mapping input paths to Chattr character ids.") var idMap: String?
        @Flag(help: "Allow plain http:// to hosts other than loopback (credentials travel unencrypted).")
        var allowInsecureHttp = false
        @Option(help: "The credentials file (default ~/.config/cardkit/credentials.json).") var credentials: String?
        @Option(help: "Spicychat's auth host for the refresh-token grant (default https://auth.spicychat.ai).")
        var authURL: String?
        @Option(help: "Tries per request, the first included.") var maxAttempts: Int = 4
        @Option(help: "Seconds allowed for one request, retries included.") var deadline: Double = 120
        @Option(help: "Seconds allowed for one HTTP exchange.") var timeout: Double = 30
        @Flag(name: .shortAndLong, help: "More output: -v items, -vv HTTP attempts, -vvv everything.") var verbose: Int
        @OptionGroup(title: "Platform output") var platformFlags: PlatformFlags
        @Flag(name: .shortAndLong, help: "Print errors only (no progress, warnings or notes).") var quiet = false
        @Option(help: "The summary: text (a table), json (one array of records) or jsonl (a record per input).")
        var format: RecordFormat = .text

        static let providerExitCode: Int32 = 3
        /// Another run holds the state file's lock.
        static let stateLockedExitCode: Int32 = 4

        func validate() throws { _ = try makeRun() }

        /// The library run of these options, every option checked; a failed check is a usage error naming the flag.
        private func makeRun() throws -> UploadRun {
            guard let uploadKind = UploadKind(rawValue: kind) else {
                throw ValidationError("Upload 'characters' or 'personas', not '\(kind)'.")
            }
            guard let platform = UploadPlatform(name: provider) else {
                throw ValidationError("--provider must be \(Self.list(UploadPlatform.all.map(\.name))).")
            }
            if paths.isEmpty { throw ValidationError("Give at least one file or directory.") }
            var run = UploadRun(
                settings: UploadSettings(provider: platform),
                options: UploadOptions(provider: platform, kind: uploadKind))
            run.options.concurrency = concurrency
            run.options.ratePerSecond = rate
            run.options.dryRun = dryRun
            run.options.updateExisting = updateExisting
            run.options.allowDuplicateNames = allowDuplicateNames
            run.settings.baseURL = baseURL.map { URL(string: $0) ?? URL(fileURLWithPath: "/") }
            run.settings.authURL = authURL.map { URL(string: $0) ?? URL(fileURLWithPath: "/") }
            run.settings.credentialsFile = credentials.map { URL(fileURLWithPath: $0) }
            run.settings.allowInsecureHTTP = allowInsecureHttp
            run.settings.stateFile = state.map { URL(fileURLWithPath: $0) }
            run.settings.waitForLock = wait
            do throws(UploadSettingsError) {
                try run.options.check()
                try run.settings.policy.setLimits(maxAttempts: maxAttempts, deadline: deadline, timeout: timeout)
                try run.check()
            } catch {
                throw ValidationError(message(error))
            }
            return run
        }

        func run() async throws {
            var run = try makeRun()
            do {
                run.options.conversion = try platformFlags.options()
            } catch {
                Console.error(error.description)
                throw ExitCode(ExitStatus.invalidInput)
            }
            if let idMap {
                do throws(UploadInputError) {
                    run.options.idMap = try UploadOptions.idMap(contentsOf: URL(fileURLWithPath: idMap))
                } catch {
                    throw ValidationError("--id-map \(idMap): \(error.reason)")
                }
            }
            if quiet { Console.level = .quiet }
            let level: Logger.Level = quiet ? .error : [.warning, .info, .debug, .trace][min(verbose, 3)]
            let logger = Logger.upload(level: level) { level, line in
                Console.error("cardkit: \(level >= .error ? "error" : level == .warning ? "warning" : "note"): \(line)")
            }
            let progress = UploadProgressPrinter(isTerminal: isatty(2) == 1)
            let summary: UploadSummary
            do throws(UploadRunFailure) {
                summary = try await run.run(paths: paths, logger: logger) { event in
                    switch event {
                    case .missingInput(let path): Console.error("\(path): error: no such file or directory")
                    case .waitingForLock(let url):
                        Console.error("cardkit: note: \(url.path) is in use by another run; waiting for it (--wait)")
                    case .warning(let line): Console.note("cardkit: warning: \(logger.scrub(line))")
                    case .progress(let event): if !quiet { progress.update(event) }
                    }
                }
            } catch {
                let cause = error.error
                let (line, code): (String, Int32) =
                    switch error.stage {
                    case .connect:
                        (
                            Self.withHint(cause.message, cause.remedy),
                            cause.isFatalForRun ? Self.providerExitCode : ExitStatus.usage
                        )
                    case .account: (cause.description, Self.providerExitCode)
                    case .stateFile where cause == .locked:
                        (Self.withHint(cause.message, cause.remedy), Self.stateLockedExitCode)
                    case .stateFile: (cause.description, ExitStatus.usage)
                    }
                Console.error("cardkit: error: \(logger.scrub(line))")
                throw ExitCode(code)
            }
            progress.finish(total: summary.outcomes.count + summary.notAttempted.count)
            Self.printSummary(summary, logger: logger, format: format, kind: run.options.kind)
            let code = Self.exitCode(summary.verdict)
            if code != 0 { throw ExitCode(code) }
        }
    }
#else
    import ArgumentParser

    extension CardKitCommand {
        /// Empty: this build leaves the upload targets out (CARDKIT_SKIP_UPLOAD).
        static let uploadSubcommands: [any ParsableCommand.Type] = []
    }
#endif

package import CardKit
public import Foundation
public import Logging

/// What a run reports while it goes, before and besides its ``UploadSummary``.
public enum UploadEvent: Sendable {
    /// A named path does not exist; it is left out of the run (the summary lists it in ``UploadSummary/missing``).
    case missingInput(String)
    /// Another run holds the lock of this state file; this run waits for it.
    case waitingForLock(URL)
    /// Something worth knowing that does not stop the run (already scrubbed of every credential).
    case warning(String)
    /// One input finished.
    case progress(UploadProgress)
}

/// Why a run stopped before its first input: the step that failed and its error.
public struct UploadRunFailure: Error, Sendable, CustomStringConvertible {
    /// The steps of a run before its inputs.
    public enum Stage: Sendable, Hashable {
        /// Resolving the credential and connecting the platform's client.
        case connect
        /// Reading the account that names the default state file.
        case account
        /// Creating, opening or locking the state file.
        case stateFile
    }

    /// The step that failed.
    public var stage: Stage
    /// Its error (``UploadError/locked`` when another run holds the state file).
    public var error: UploadError

    /// The error's description.
    public var description: String { error.description }
}

/// A bulk upload as one call: connect, choose and lock the state file, load, convert, check and send every input.
///
/// ```swift
/// var settings = UploadSettings(provider: .nextchat)
/// settings.baseURL = URL(string: "http://127.0.0.1:8080")
/// let summary = try await UploadRun(settings: settings, options: UploadOptions(provider: .nextchat, kind: .characters))
///     .run(paths: ["cards/"])
/// ```
public struct UploadRun: Sendable {
    /// Where and how the run connects.
    public var settings: UploadSettings
    /// What the run uploads and how.
    public var options: UploadOptions
    /// How cards are read.
    package var loadOptions: CardLoadOptions = CardLoadOptions()
    /// The transport; nil for the shared async-http-client transport, logging through the run's logger.
    package var transport: (any UploadTransport)?

    /// Creates a run.
    /// - Parameters:
    ///   - settings: Where and how the run connects.
    ///   - options: What the run uploads and how.
    public init(settings: UploadSettings, options: UploadOptions) {
        self.settings = settings
        self.options = options
    }

    /// Checks the settings and options together, before anything is read or sent.
    /// - Throws: ``UploadSettingsError`` for the first choice out of its range.
    public func check() throws(UploadSettingsError) {
        try options.check()
        try settings.check()
    }

    /// Runs the upload.
    ///
    /// Named files are uploaded whatever their kind; files found by walking a folder only when they are of the kind
    /// being uploaded. Each outcome is appended to the state file, so running again resumes.
    /// - Parameters:
    ///   - paths: Files and folders (walked recursively); `-` is not read.
    ///   - logger: The logger of the client, the token provider, async-http-client and the engine (nil for none);
    ///     its handler is wrapped in one that scrubs every credential, also one learned while running.
    ///   - events: Receives missing inputs, lock waits, warnings and progress.
    /// - Returns: The summary, with the state file used and the missing inputs.
    /// - Throws: ``UploadRunFailure`` when the run cannot start: no credential or an unusable URL (`connect`), the
    ///   platform unreachable or refusing the credential while naming the state file (`account`), the state file
    ///   locked by another run or unusable (`stateFile`).
    public func run(
        paths: [String], logger: Logger? = nil, events: @escaping @Sendable (UploadEvent) -> Void = { _ in }
    ) async throws(UploadRunFailure) -> UploadSummary {
        let logger = (logger ?? .silent).redacting()
        let (inputs, missing) = CardInputCollector.collect(paths)
        for path in missing { events(.missingInput(path)) }
        let walked = Set(inputs.filter { $0.root != nil }.map(\.path))
        let allPaths = inputs.map(\.path).filter { $0 != "-" }

        var client: (any PlatformUploader)?
        if !options.dryRun {
            do throws(UploadError) {
                let transport = self.transport ?? AsyncHTTPClientTransport(logger: logger)
                client = try UploadSetup.connect(settings, transport: transport, logger: logger)
            } catch {
                throw UploadRunFailure(stage: .connect, error: error)
            }
        }
        let stateURL: URL
        if let chosen = settings.stateFile {
            stateURL = chosen
        } else {
            do throws(UploadError) {
                stateURL = try await UploadSetup.defaultStateURL(settings, uploader: client)
            } catch {
                throw UploadRunFailure(stage: .account, error: error)
            }
        }
        let stateFile: UploadStateFile
        do throws(UploadError) {
            stateFile = try await UploadSetup.openState(
                stateURL, wait: settings.waitForLock, onWait: { events(.waitingForLock(stateURL)) })
        } catch {
            throw UploadRunFailure(stage: .stateFile, error: error)
        }
        if stateFile.ignoredLines > 0 {
            events(
                .warning(
                    "\(stateURL.path): ignored \(stateFile.ignoredLines) unreadable line(s) (a torn write after a crash)"
                ))
        }
        let kind = options.kind
        let loadOptions = self.loadOptions
        let engine = UploadEngine(
            client: client, options: options, state: stateFile, logger: logger,
            progress: { events(.progress($0)) },
            loader: { path in
                try UploadInput.load(path, kind: kind, walked: walked.contains(path), options: loadOptions)
            })
        var summary = await engine.run(paths: allPaths)
        summary.stateFile = stateURL
        summary.missing = missing
        return summary
    }
}

/// A setting or option out of its accepted range; the message names the setting in words, never a flag.
public enum UploadSettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The platform does not accept this kind; the other platforms with an upload client that do.
    case unsupportedKind(UploadKind, provider: UploadPlatform, supportedBy: [UploadPlatform])
    /// ``UploadOptions/concurrency`` outside ``UploadOptions/concurrencyRange``.
    case concurrency(Int)
    /// ``UploadOptions/ratePerSecond`` outside ``UploadOptions/rateRange`` (or not finite).
    case rate(Double)
    /// The deadline, in seconds, outside ``UploadRetryPolicy/deadlineRange`` (or not finite).
    case deadline(Double)
    /// The request timeout, in seconds, outside ``UploadRetryPolicy/timeoutRange`` (or not finite).
    case timeout(Double)
    /// ``UploadRetryPolicy/maxAttempts`` outside ``UploadRetryPolicy/maxAttemptsRange``.
    case maxAttempts(Int)
    /// The base URL has no host.
    case baseURLNotAbsolute(String)
    /// An auth URL was given for a platform that does not refresh tokens; the platforms that do.
    case authURLNotApplicable(refreshing: [UploadPlatform])
    /// The auth URL has no host.
    case authURLNotAbsolute(String)

    /// The message.
    public var description: String {
        switch self {
        case .unsupportedKind(let kind, let provider, let able):
            let verb = able.count == 1 ? "does" : "do"
            return
                "\(provider) does not support \(kind.rawValue) (target does not support \(kind.rawValue)); only \(able.map(\.description).joined(separator: " and ")) \(verb)."
        case .concurrency: return "the concurrency must be between 1 and 256"
        case .rate(let rate): return "the rate must be a number from 0.001 to 10000 (items per second), not \(rate)"
        case .deadline(let value): return "the deadline must be a number of seconds from 0.001 to 86400, not \(value)"
        case .timeout(let value): return "the timeout must be a number of seconds from 0.001 to 3600, not \(value)"
        case .maxAttempts: return "the tries per request must be between 1 and 20"
        case .baseURLNotAbsolute(let url): return "the base URL \(url) is not an absolute URL"
        case .authURLNotApplicable(let refreshing):
            return "an auth URL applies only to \(refreshing.map(\.description).joined(separator: " and "))"
        case .authURLNotAbsolute(let url): return "the auth URL \(url) is not an absolute URL"
        }
    }
}

extension UploadOptions {
    /// The accepted uploads in flight at once.
    public static let concurrencyRange: ClosedRange<Int> = 1...256
    /// The accepted items started per second.
    public static let rateRange: ClosedRange<Double> = 0.001...10_000

    /// Checks the kind against the platform and the numbers against their ranges.
    /// - Throws: ``UploadSettingsError``.
    public func check() throws(UploadSettingsError) {
        if !provider.kinds.contains(kind) {
            let able = UploadPlatform.all.filter { $0.kinds.contains(kind) }
            throw .unsupportedKind(kind, provider: provider, supportedBy: able)
        }
        guard Self.concurrencyRange.contains(concurrency) else { throw .concurrency(concurrency) }
        if let rate = ratePerSecond, !(rate.isFinite && Self.rateRange.contains(rate)) { throw .rate(rate) }
    }
}

extension UploadRetryPolicy {
    /// The accepted deadlines of one request, retries included, in seconds (a wider value would overflow).
    public static let deadlineRange: ClosedRange<Double> = 0.001...86_400
    /// The accepted timeouts of one HTTP exchange, in seconds.
    public static let timeoutRange: ClosedRange<Double> = 0.001...3_600
    /// The accepted tries per request.
    public static let maxAttemptsRange: ClosedRange<Int> = 1...20

    /// Sets the limits of one request after checking them.
    /// - Parameters:
    ///   - maxAttempts: Tries per request, the first included.
    ///   - deadline: Seconds allowed for one request, retries included.
    ///   - timeout: Seconds allowed for one HTTP exchange.
    /// - Throws: ``UploadSettingsError/deadline(_:)``, ``UploadSettingsError/timeout(_:)`` or
    ///   ``UploadSettingsError/maxAttempts(_:)``; nothing is changed then.
    public mutating func setLimits(maxAttempts: Int, deadline: Double, timeout: Double) throws(UploadSettingsError) {
        guard deadline.isFinite, Self.deadlineRange.contains(deadline) else { throw .deadline(deadline) }
        guard timeout.isFinite, Self.timeoutRange.contains(timeout) else { throw .timeout(timeout) }
        guard Self.maxAttemptsRange.contains(maxAttempts) else { throw .maxAttempts(maxAttempts) }
        self.maxAttempts = maxAttempts
        overallDeadline = .milliseconds(Int64((deadline * 1000).rounded()))
        requestTimeout = .milliseconds(Int64((timeout * 1000).rounded()))
    }
}

extension UploadSettings {
    /// Checks the URLs: absolute, and an auth URL only for a platform that refreshes tokens.
    /// - Throws: ``UploadSettingsError``.
    public func check() throws(UploadSettingsError) {
        if let baseURL, baseURL.host == nil { throw .baseURLNotAbsolute(baseURL.absoluteString) }
        if let authURL {
            guard provider.refreshesTokens else {
                throw .authURLNotApplicable(refreshing: UploadPlatform.all.filter(\.refreshesTokens))
            }
            if authURL.host == nil { throw .authURLNotAbsolute(authURL.absoluteString) }
        }
    }
}

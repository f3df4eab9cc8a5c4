public import Foundation
package import Logging

/// Where and how a run connects, as a caller chose it; every choice has the platform's default.
public struct UploadSettings: Sendable {
    /// The platform.
    public var provider: UploadPlatform
    /// The API base URL; nil for the platform's default.
    public var baseURL: URL?
    /// The credentials file; nil for ``UploadCredentials/defaultFileURL(environment:)``.
    public var credentialsFile: URL?
    /// The OAuth host of the refresh-token grant; nil for the platform's default.
    public var authURL: URL?
    /// Accept plain HTTP to hosts that are not loopback.
    public var allowInsecureHTTP: Bool = false
    /// The retry policy.
    public var policy: UploadRetryPolicy = UploadRetryPolicy()
    /// The environment the credentials are read from.
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// The state file; nil for ``UploadSetup/defaultStateURL(_:uploader:)``.
    public var stateFile: URL?
    /// Wait for another run that holds the state file's lock, instead of failing with ``UploadError/locked``.
    public var waitForLock: Bool = false

    /// Creates settings with the platform's defaults.
    /// - Parameter provider: The platform.
    public init(provider: UploadPlatform) { self.provider = provider }

    /// The base URL in use: the chosen one, else the platform's default.
    package var effectiveBaseURL: URL { baseURL ?? provider.defaultBaseURL }
}

/// The steps before a bulk upload, as library calls: connect, choose the state file, open it.
package enum UploadSetup {
    /// Resolves the credential and connects the platform's uploader.
    ///
    /// A platform that refreshes access tokens (Spicychat) needs no access token when a refresh token is
    /// configured: the first request fetches one. Every credential is scrubbed from `logger` and its copies.
    /// - Parameters:
    ///   - settings: The run's settings.
    ///   - transport: The transport.
    ///   - logger: The logger shared by the client, the token provider and the engine.
    /// - Returns: The uploader.
    /// - Throws: ``UploadError/credentials`` when no credential is found; ``UploadError/insecureURL`` or
    ///   ``UploadError/configuration`` for an unusable URL.
    package static func connect(
        _ settings: UploadSettings, transport: any UploadTransport, logger: Logger
    ) throws(UploadError) -> any PlatformUploader {
        let upload = settings.provider
        let file = settings.credentialsFile
        let refresh =
            upload.refreshesTokens
            ? try UploadCredentials.refresh(for: settings.provider, environment: settings.environment, file: file)
            : nil
        let token: String?
        if refresh == nil {
            token = try UploadCredentials.resolve(
                for: settings.provider, environment: settings.environment, file: file)
        } else {
            token = try UploadCredentials.resolveIfPresent(
                for: settings.provider, environment: settings.environment, file: file)
        }
        logger.redactInAllCopies([token, refresh?.refreshToken].compactMap { $0 })
        return try upload.uploader(
            UploadConnection(
                baseURL: settings.effectiveBaseURL, token: token, refresh: refresh, authURL: settings.authURL,
                transport: transport, policy: settings.policy, logger: logger,
                allowInsecureHTTP: settings.allowInsecureHTTP))
    }

    /// The default state file: one per platform, base URL and account.
    ///
    /// The account is the platform's user id when its API has an account read, else a digest of the credential
    /// (never the credential itself), else `anonymous`.
    /// - Parameters:
    ///   - settings: The run's settings.
    ///   - uploader: The connected uploader; nil for a dry run.
    /// - Returns: The state file's URL under ``UploadStateFile/defaultURL(provider:baseURL:account:environment:)``.
    /// - Throws: The run-stopping ``UploadError`` of the account read (see ``UploadEngine/preflightFailure``).
    package static func defaultStateURL(
        _ settings: UploadSettings, uploader: (any PlatformUploader)?
    ) async throws(UploadError) -> URL {
        var account: String?
        if let uploader {
            do {
                account = try await uploader.accountIdentity().map { "user:\($0)" }
            } catch {
                throw UploadEngine.preflightFailure(error, provider: settings.provider)
            }
        }
        if account == nil {
            let file = settings.credentialsFile
            let environment = settings.environment
            let secret =
                (try? UploadCredentials.resolveIfPresent(
                    for: settings.provider, environment: environment, file: file))
                ?? (try? UploadCredentials.refresh(for: settings.provider, environment: environment, file: file))?
                .map(\.clientID)
            account = secret.map(UploadStateFile.accountDigest(ofCredential:))
        }
        return UploadStateFile.defaultURL(
            provider: settings.provider.name, baseURL: settings.effectiveBaseURL, account: account ?? "anonymous",
            environment: settings.environment)
    }

    /// Creates the state file's folder and opens the state file, locked for this run.
    /// - Parameters:
    ///   - url: The state file.
    ///   - wait: Wait for another run that holds the lock, instead of failing.
    ///   - onWait: Called once before waiting.
    /// - Returns: The open state file.
    /// - Throws: ``UploadError/locked`` (with ``UploadRemedy/waitForLock``) when another run holds it and `wait` is
    ///   false; ``UploadError/configuration`` when it cannot be created or read.
    package static func openState(
        _ url: URL, wait: Bool, onWait: @escaping @Sendable () -> Void = {}
    ) async throws(UploadError) -> UploadStateFile {
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw UploadError.configuration("\(url.deletingLastPathComponent().path): cannot create the folder")
        }
        return try await UploadStateFile.open(url: url, waitForLock: wait, onWait: onWait)
    }
}

import CardKitFiles
import CardKitJSON
public import Foundation
import OrderedCollections

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the credential for a platform: the environment variable first (`CARDKIT_SPICYCHAT_TOKEN`,
/// `CARDKIT_CHATTR_API_KEY`, `CARDKIT_NEXTCHAT_TOKEN`), else the credentials file
/// (`~/.config/cardkit/credentials.json`, an object `{"spicychat": "...", "chattr": "...", "nextchat": "..."}`).
///
/// A credentials file readable by group or others is refused, and the file is written with mode 0600.
///
/// A refresh-token grant (Spicychat's Kinde host) is configured with `CARDKIT_SPICYCHAT_REFRESH_TOKEN` and
/// `CARDKIT_SPICYCHAT_CLIENT_ID`, or the file's `"spicychat_refresh_token"` and `"spicychat_client_id"` entries
/// (see ``refresh(for:environment:file:)``).
public enum UploadCredentials {
    /// The largest credentials file read.
    static let maxFileBytes = 64 << 10

    /// The default credentials file: `$XDG_CONFIG_HOME/cardkit/credentials.json` or
    /// `~/.config/cardkit/credentials.json`.
    public static func defaultFileURL(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("cardkit/credentials.json")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".config/cardkit/credentials.json")
    }

    /// Resolves the credential for `provider`.
    /// - Parameters:
    ///   - provider: The platform.
    ///   - environment: The environment to read.
    ///   - file: The credentials file (default ``defaultFileURL(environment:)``).
    /// - Returns: The token.
    /// - Throws: ``UploadError/credentials`` when none is found or the file is unsafe or malformed.
    public static func resolve(
        for provider: UploadPlatform, environment: [String: String] = ProcessInfo.processInfo.environment,
        file: URL? = nil
    ) throws(UploadError) -> String {
        if let value = environment[provider.environmentVariable]?.trimmingCharacters(in: .whitespacesAndNewlines),
            !value.isEmpty
        {
            return value
        }
        let url = file ?? defaultFileURL(environment: environment)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw UploadError.credentials(
                "no \(provider) credential: set \(provider.environmentVariable) or add \"\(provider.name)\" to \(url.path)"
            )
        }
        let tokens = try read(url)
        guard let token = tokens[provider.name], !token.isEmpty else {
            throw UploadError.credentials(
                "\(url.path): no \"\(provider.name)\" entry; set \(provider.environmentVariable) or add one")
        }
        return token
    }

    /// Resolves the credential for `provider` when one is configured.
    /// - Parameters:
    ///   - provider: The platform.
    ///   - environment: The environment to read.
    ///   - file: The credentials file (default ``defaultFileURL(environment:)``).
    /// - Returns: The token, or nil when neither the environment nor the file holds one.
    /// - Throws: ``UploadError/credentials`` when the file is unsafe or malformed.
    public static func resolveIfPresent(
        for provider: UploadPlatform, environment: [String: String] = ProcessInfo.processInfo.environment,
        file: URL? = nil
    ) throws(UploadError) -> String? {
        if let value = nonEmpty(environment[provider.environmentVariable]) { return value }
        let url = file ?? defaultFileURL(environment: environment)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return nonEmpty(try read(url)[provider.name])
    }

    // MARK: - Refresh-token grant

    /// The environment variable holding the refresh token of `provider` (`CARDKIT_SPICYCHAT_REFRESH_TOKEN`).
    /// - Parameter provider: The platform.
    /// - Returns: The variable's name.
    package static func refreshTokenVariable(for provider: UploadPlatform) -> String {
        "CARDKIT_\(provider.name.uppercased())_REFRESH_TOKEN"
    }

    /// The environment variable holding the OAuth client id of `provider` (`CARDKIT_SPICYCHAT_CLIENT_ID`).
    /// - Parameter provider: The platform.
    /// - Returns: The variable's name.
    package static func clientIDVariable(for provider: UploadPlatform) -> String {
        "CARDKIT_\(provider.name.uppercased())_CLIENT_ID"
    }

    /// The credentials-file key of the refresh token of `provider` (`spicychat_refresh_token`).
    /// - Parameter provider: The platform.
    /// - Returns: The key.
    package static func refreshTokenKey(for provider: UploadPlatform) -> String { "\(provider.name)_refresh_token" }

    /// The credentials-file key of the OAuth client id of `provider` (`spicychat_client_id`).
    /// - Parameter provider: The platform.
    /// - Returns: The key.
    package static func clientIDKey(for provider: UploadPlatform) -> String { "\(provider.name)_client_id" }

    /// Resolves the refresh-token configuration of `provider`: each value from its environment variable first, else
    /// from the credentials file.
    /// - Parameters:
    ///   - provider: The platform (only Spicychat has a refresh-token grant).
    ///   - environment: The environment to read.
    ///   - file: The credentials file (default ``defaultFileURL(environment:)``).
    /// - Returns: The configuration, or nil when no refresh token is configured.
    /// - Throws: ``UploadError/credentials`` when a refresh token has no client id, or the file is unsafe or
    ///   malformed.
    package static func refresh(
        for provider: UploadPlatform, environment: [String: String] = ProcessInfo.processInfo.environment,
        file: URL? = nil
    ) throws(UploadError) -> UploadRefreshCredentials? {
        let url = file ?? defaultFileURL(environment: environment)
        let tokenVariable = refreshTokenVariable(for: provider)
        let clientVariable = clientIDVariable(for: provider)
        let environmentToken = nonEmpty(environment[tokenVariable])
        let environmentClient = nonEmpty(environment[clientVariable])
        var stored: [String: String] = [:]
        if environmentToken == nil || environmentClient == nil, FileManager.default.fileExists(atPath: url.path) {
            stored = try read(url)
        }
        guard let token = environmentToken ?? nonEmpty(stored[refreshTokenKey(for: provider)]) else { return nil }
        guard let clientID = environmentClient ?? nonEmpty(stored[clientIDKey(for: provider)]) else {
            throw UploadError.credentials(
                "a \(provider) refresh token is configured but no OAuth client id: set \(clientVariable) or add \"\(clientIDKey(for: provider))\" to \(url.path)"
            )
        }
        return UploadRefreshCredentials(
            provider: provider, refreshToken: token, clientID: clientID, file: environmentToken == nil ? url : nil)
    }

    /// Changes some entries of a credentials file and keeps the others, atomically and with mode 0600.
    ///
    /// An existing file is read with the usual permission checks first; a missing one is created.
    /// - Parameters:
    ///   - changes: Key → new value.
    ///   - url: The credentials file.
    /// - Throws: ``UploadError/credentials`` when the file is unsafe, malformed or cannot be written.
    package static func update(_ changes: [String: String], in url: URL) throws(UploadError) {
        var entries: [String: String] = [:]
        if FileManager.default.fileExists(atPath: url.path) { entries = try read(url) }
        for (key, value) in changes { entries[key] = value }
        try write(entries, to: url)
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    // MARK: - File

    /// Reads a credentials file after checking its permissions.
    /// - Throws: ``UploadError/credentials`` when it is readable by group or others, too large, or not an object of
    ///   strings.
    package static func read(_ url: URL) throws(UploadError) -> [String: String] {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw UploadError.credentials("\(url.path): cannot read credentials file (errno \(errno))")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw UploadError.credentials(
                "\(url.path): refusing a credentials file readable by group or others (mode \(String(mode, radix: 8))); run: chmod 600 \(url.path)"
            )
        }
        guard info.st_size <= maxFileBytes, let data = FileManager.default.contents(atPath: url.path) else {
            throw UploadError.credentials("\(url.path): cannot read credentials file or it is larger than 64 KiB")
        }
        guard let object = try? JSONParser.parse(Array(data)).value.objectValue else {
            throw UploadError.credentials("\(url.path): not a JSON object")
        }
        var result: [String: String] = [:]
        for (key, value) in object {
            guard let text = value.stringValue else {
                throw UploadError.credentials("\(url.path): /\(key) is not a string")
            }
            result[key] = text
        }
        return result
    }

    /// Writes a credentials file with mode 0600 (directory 0700), atomically.
    /// - Parameters:
    ///   - tokens: Platform name → token.
    ///   - url: The destination.
    /// - Throws: ``UploadError/credentials`` when it cannot be written.
    package static func write(_ tokens: [String: String], to url: URL) throws(UploadError) {
        let directory = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw UploadError.credentials("\(directory.path): cannot create directory")
        }
        var object = JSONObject()
        for key in tokens.keys.sorted() { object.members[key] = .string(tokens[key] ?? "") }
        let bytes = JSONWriter.bytes(.object(object), style: .pretty) + [0x0A]
        // Through the one writer: a temporary file (0600 from the start) renamed over the file; never through a
        // FIFO or device, and always 0600 whatever mode the replaced file had.
        var options = AtomicFile.Options()
        options.writeThroughStreams = false
        options.permissions = 0o600
        do {
            try AtomicFile.write(bytes, to: url, options: options)
        } catch {
            throw UploadError.credentials("\(url.path): cannot write credentials file: \(error.reason)")
        }
    }
}

/// A refresh-token configuration: what an ``OAuthRefreshTokenProvider`` needs, and where a rotated token goes.
package struct UploadRefreshCredentials: Sendable, Equatable {
    /// The platform.
    package var provider: UploadPlatform
    /// The refresh token.
    package var refreshToken: String
    /// The OAuth client id.
    package var clientID: String
    /// The credentials file the refresh token was read from, where a rotated one is saved; nil when it came from
    /// the environment (which cannot be written back).
    package var file: URL?

    /// Creates a configuration.
    /// - Parameters:
    ///   - provider: The platform.
    ///   - refreshToken: The refresh token.
    ///   - clientID: The OAuth client id.
    ///   - file: The credentials file to save a rotated refresh token into, if any.
    package init(provider: UploadPlatform, refreshToken: String, clientID: String, file: URL?) {
        self.provider = provider
        self.refreshToken = refreshToken
        self.clientID = clientID
        self.file = file
    }

    /// Saves a rotated refresh token into ``file`` (mode 0600, atomically, other entries kept).
    /// - Parameter rotated: The new refresh token.
    /// - Throws: ``UploadError/credentials`` when there is no file or it cannot be written.
    package func save(rotated: String) throws(UploadError) {
        guard let file else {
            throw UploadError.credentials(
                "the refresh token came from \(UploadCredentials.refreshTokenVariable(for: provider)), which cannot be updated; store it in the credentials file instead"
            )
        }
        try UploadCredentials.update([UploadCredentials.refreshTokenKey(for: provider): rotated], in: file)
    }
}

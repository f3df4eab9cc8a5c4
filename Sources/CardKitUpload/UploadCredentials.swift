import CardKitJSON
import Foundation

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
        for provider: UploadProvider, environment: [String: String] = ProcessInfo.processInfo.environment,
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
                "no \(provider) credential: set \(provider.environmentVariable) or add \"\(provider.rawValue)\" to \(url.path)")
        }
        let tokens = try read(url)
        guard let token = tokens[provider.rawValue], !token.isEmpty else {
            throw UploadError.credentials(
                "\(url.path): no \"\(provider.rawValue)\" entry; set \(provider.environmentVariable) or add one")
        }
        return token
    }

    /// Reads a credentials file after checking its permissions.
    /// - Throws: ``UploadError/credentials`` when it is readable by group or others, too large, or not an object of
    ///   strings.
    public static func read(_ url: URL) throws(UploadError) -> [String: String] {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw UploadError.credentials("\(url.path): cannot read credentials file (errno \(errno))")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            throw UploadError.credentials(
                "\(url.path): refusing a credentials file readable by group or others (mode \(String(mode, radix: 8))); run: chmod 600 \(url.path)")
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
    public static func write(_ tokens: [String: String], to url: URL) throws(UploadError) {
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
        let temporary = directory.appendingPathComponent(".credentials-\(UUID().uuidString).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw UploadError.credentials("\(temporary.path): cannot create (errno \(errno))") }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        fchmod(fd, 0o600)
        fsync(fd)
        close(fd)
        guard written == bytes.count, rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw UploadError.credentials("\(url.path): cannot write credentials file")
        }
    }
}

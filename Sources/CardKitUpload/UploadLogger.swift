import Foundation
public import Logging

/// How much the upload layer reports.
public enum UploadLogLevel: Int, Sendable, Comparable, CaseIterable {
    /// Failures only.
    case error = 0
    /// Also retries and skipped items.
    case warning = 1
    /// Also one line per item.
    case info = 2
    /// Also every HTTP attempt (method, path, status, delay and reason).
    case debug = 3
    /// Also response sizes and read-back decisions.
    case trace = 4

    /// Orders by verbosity.
    public static func < (lhs: UploadLogLevel, rhs: UploadLogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The upload layer's logging: a swift-log `Logger` (``swiftLogger``) over a ``RedactingLogHandler``, plus the list
/// of secrets that handler scrubs.
///
/// Messages are built from request labels (method and path, no query, no headers), statuses and decisions, and
/// every message is additionally scrubbed of the registered secrets before it reaches the sink.
///
/// Secrets learned while running (an access token fetched or refreshed by an ``UploadTokenProvider``, a rotated
/// refresh token) are added with ``redactInAllCopies(_:)``: a logger and every copy made of it share that list, so
/// the engine's logger scrubs a token that only the endpoint's copy saw.
public struct UploadLogger: Sendable {
    /// The highest level written.
    public var level: UploadLogLevel
    private let sink: @Sendable (UploadLogLevel, String) -> Void
    private var secrets: [String]
    private let shared = UploadSharedSecrets()

    /// A swift-log logger that writes through this logger's sink, scrubbed of every secret registered with
    /// ``redactInAllCopies(_:)`` (and of this copy's ``redact(_:)`` secrets at the time it is made); give it to
    /// async-http-client or any other swift-log user.
    package var swiftLogger: Logger {
        let copy = self
        let sink = self.sink
        return Logger(label: "cardkit.upload") { _ in
            RedactingLogHandler(
                logLevel: copy.level.swiftLogLevel, scrub: { copy.scrub($0) },
                output: { level, line in sink(UploadLogLevel(level), line) })
        }
    }

    /// Creates a logger.
    /// - Parameters:
    ///   - level: The highest level written.
    ///   - secrets: Strings that must never be written (tokens); each is replaced by `<redacted>`.
    ///   - sink: Receives each message that passes the level.
    public init(
        level: UploadLogLevel = .warning, secrets: [String] = [],
        sink: @escaping @Sendable (UploadLogLevel, String) -> Void
    ) {
        self.level = level
        self.sink = sink
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    /// A logger that discards everything (a new one each time, so copies of different clients share no secrets).
    public static var silent: UploadLogger { UploadLogger(level: .error) { _, _ in } }

    /// Adds secrets to scrub in this copy of the logger.
    /// - Parameter more: Strings that must never be written; those shorter than 4 characters are ignored.
    package mutating func redact(_ more: [String]) { secrets += more.filter { $0.count >= 4 } }

    /// Adds secrets to scrub in this logger and in every copy of it, made before or after.
    ///
    /// Used for credentials that appear at run time: a fetched or refreshed access token, a rotated refresh token.
    /// - Parameter more: Strings that must never be written; those shorter than 4 characters are ignored.
    package func redactInAllCopies(_ more: [String]) { shared.add(more.filter { $0.count >= 4 }) }

    /// Whether `level` would be written.
    package func enabled(_ level: UploadLogLevel) -> Bool { level <= self.level }

    /// Writes a message at `level` when enabled.
    package func log(_ level: UploadLogLevel, _ message: @autoclosure () -> String) {
        guard enabled(level) else { return }
        swiftLogger.log(level: level.swiftLogLevel, "\(message())")
    }

    /// Replaces every registered secret in `text` by `<redacted>`, and every prefix of 8 characters or more of a
    /// secret of 8 characters or more (text cut short elsewhere must not leak the start of a token).
    /// - Parameter text: The text to scrub.
    /// - Returns: The text without any secret.
    public func scrub(_ text: String) -> String {
        var text = text
        for secret in (secrets + shared.all).sorted(by: { $0.count > $1.count }) {
            if text.contains(secret) { text = text.replacingOccurrences(of: secret, with: "<redacted>") }
            if secret.count >= Self.minimumPrefix { text = Self.scrubPrefixes(of: secret, in: text) }
        }
        return text
    }

    /// The shortest prefix of a secret that is scrubbed on its own.
    package static let minimumPrefix = 8

    /// Replaces each run of `text` that equals a prefix of `secret` of at least ``minimumPrefix`` characters.
    static func scrubPrefixes(of secret: String, in text: String) -> String {
        let head = String(secret.prefix(minimumPrefix))
        guard text.contains(head) else { return text }
        let secretChars = Array(secret)
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: head) {
            result += rest[..<range.lowerBound]
            var end = range.upperBound
            var matched = minimumPrefix
            while end < rest.endIndex, matched < secretChars.count, rest[end] == secretChars[matched] {
                end = rest.index(after: end)
                matched += 1
            }
            result += "<redacted>"
            rest = rest[end...]
        }
        return result + rest
    }
}

/// The run-time secrets shared by a logger and its copies.
private final class UploadSharedSecrets: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [String] = []

    func add(_ more: [String]) {
        lock.lock()
        defer { lock.unlock() }
        for secret in more where !secrets.contains(secret) { secrets.append(secret) }
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort { $0.count > $1.count }
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return secrets
    }
}

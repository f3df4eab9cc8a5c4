import Foundation

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

/// A log sink that never lets a credential through.
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
    public mutating func redact(_ more: [String]) { secrets += more.filter { $0.count >= 4 } }

    /// Adds secrets to scrub in this logger and in every copy of it, made before or after.
    ///
    /// Used for credentials that appear at run time: a fetched or refreshed access token, a rotated refresh token.
    /// - Parameter more: Strings that must never be written; those shorter than 4 characters are ignored.
    public func redactInAllCopies(_ more: [String]) { shared.add(more.filter { $0.count >= 4 }) }

    /// Whether `level` would be written.
    public func enabled(_ level: UploadLogLevel) -> Bool { level <= self.level }

    /// Writes a message at `level` when enabled.
    public func log(_ level: UploadLogLevel, _ message: @autoclosure () -> String) {
        guard enabled(level) else { return }
        sink(level, scrub(message()))
    }

    /// Replaces every registered secret in `text` by `<redacted>`.
    public func scrub(_ text: String) -> String {
        var text = text
        for secret in secrets + shared.all where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return text
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

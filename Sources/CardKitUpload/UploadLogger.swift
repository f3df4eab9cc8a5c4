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
public struct UploadLogger: Sendable {
    /// The highest level written.
    public var level: UploadLogLevel
    private let sink: @Sendable (UploadLogLevel, String) -> Void
    private var secrets: [String]

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

    /// A logger that discards everything.
    public static let silent = UploadLogger(level: .error) { _, _ in }

    /// Adds secrets to scrub.
    public mutating func redact(_ more: [String]) { secrets += more.filter { $0.count >= 4 } }

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
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return text
    }
}

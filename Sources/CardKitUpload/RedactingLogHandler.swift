import Foundation
package import Logging

/// The secrets a redacting logger scrubs: the credentials of a run, including those learned while it runs (a fetched
/// or refreshed access token, a rotated refresh token).
///
/// A ``RedactingLogHandler`` reads the store on every line, and every copy of a `Logger` shares its handler's store,
/// so the engine's logger scrubs a token that only the endpoint's copy saw.
package final class UploadSecrets: @unchecked Sendable {
    /// The shortest prefix of a secret that is scrubbed on its own.
    package static let minimumPrefix = 8
    private let lock = NSLock()
    private var secrets: [String] = []

    /// Creates a store.
    /// - Parameter secrets: The first secrets; those shorter than 4 characters are ignored.
    package init(_ secrets: [String] = []) { add(secrets) }

    /// Adds secrets.
    /// - Parameter more: Strings that must never be written; those shorter than 4 characters are ignored.
    package func add(_ more: [String]) {
        lock.lock()
        defer { lock.unlock() }
        for secret in more where secret.count >= 4 && !secrets.contains(secret) { secrets.append(secret) }
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort { $0.count > $1.count }
    }

    /// Replaces every secret in `text` by `<redacted>`, and every prefix of 8 characters or more of a secret of 8
    /// characters or more (text cut short elsewhere must not leak the start of a token).
    /// - Parameter text: The text to scrub.
    /// - Returns: The text without any secret.
    package func scrub(_ text: String) -> String {
        let all = lock.withLock { secrets }
        var text = text
        for secret in all {
            if text.contains(secret) { text = text.replacingOccurrences(of: secret, with: "<redacted>") }
            if secret.count >= Self.minimumPrefix { text = Self.scrubPrefixes(of: secret, in: text) }
        }
        return text
    }

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

/// A swift-log `LogHandler` that never lets a credential through: it scrubs every message and every metadata value
/// with the secrets of its ``UploadSecrets`` before the wrapped output sees them.
///
/// The upload layer (the engine, the clients, the token providers, async-http-client) logs through a `Logger` over
/// this handler; ``UploadRun`` wraps a caller's logger in one.
package struct RedactingLogHandler: LogHandler {
    /// The highest level written.
    package var logLevel: Logger.Level
    /// The handler's metadata (scrubbed when written, like the message).
    package var metadata: Logger.Metadata = [:]
    /// The metadata provider.
    package var metadataProvider: Logger.MetadataProvider?
    /// The secrets scrubbed, shared by every copy.
    package let secrets: UploadSecrets
    private let output: @Sendable (Logger.Level, String) -> Void

    /// Creates a handler.
    /// - Parameters:
    ///   - logLevel: The highest level written.
    ///   - secrets: The secrets to scrub.
    ///   - output: Receives each scrubbed line: the message, then ` key=value` for each metadata entry.
    package init(
        logLevel: Logger.Level, secrets: UploadSecrets, output: @escaping @Sendable (Logger.Level, String) -> Void
    ) {
        self.logLevel = logLevel
        self.secrets = secrets
        self.output = output
    }

    /// Creates a handler that scrubs, then writes through another handler.
    /// - Parameters:
    ///   - inner: The handler written to, whose level this handler starts with.
    ///   - secrets: The secrets to scrub.
    package init(wrapping inner: any LogHandler, secrets: UploadSecrets) {
        self.init(logLevel: inner.logLevel, secrets: secrets) { level, line in
            inner.log(
                level: level, message: "\(line)", metadata: nil, source: "cardkit.upload", file: #fileID,
                function: #function, line: #line)
        }
    }

    /// The value of one metadata key.
    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the event, scrubbed.
    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line = event.message.description
        for key in merged.keys.sorted() {
            if let value = merged[key] { line += " \(key)=\(value)" }
        }
        output(event.level, secrets.scrub(line))
    }
}

extension Logger {
    /// A logger over a ``RedactingLogHandler`` that writes each scrubbed line to `sink`.
    /// - Parameters:
    ///   - level: The highest level written.
    ///   - secrets: Strings that must never be written (tokens); each is replaced by `<redacted>`.
    ///   - sink: Receives each line that passes the level.
    /// - Returns: The logger.
    package static func upload(
        level: Logger.Level = .warning, secrets: [String] = [],
        sink: @escaping @Sendable (Logger.Level, String) -> Void
    ) -> Logger {
        let store = UploadSecrets(secrets)
        return Logger(label: "cardkit.upload") { _ in RedactingLogHandler(logLevel: level, secrets: store, output: sink)
        }
    }

    /// A logger that discards everything (a new one each time, so different clients share no secrets).
    package static var silent: Logger { upload(level: .critical) { _, _ in } }

    /// The secrets this logger's handler scrubs; nil when it is no ``RedactingLogHandler``.
    package var uploadSecrets: UploadSecrets? { (handler as? RedactingLogHandler)?.secrets }

    /// This logger when it already redacts, else one that scrubs, then writes through this logger's handler.
    /// - Returns: A logger over a ``RedactingLogHandler``.
    package func redacting() -> Logger {
        if uploadSecrets != nil { return self }
        let inner = handler
        return Logger(label: label) { _ in RedactingLogHandler(wrapping: inner, secrets: UploadSecrets()) }
    }

    /// Adds secrets to scrub in this logger and in every copy of it, made before or after.
    /// - Parameter more: Strings that must never be written; those shorter than 4 characters are ignored.
    package func redactInAllCopies(_ more: [String]) { uploadSecrets?.add(more) }

    /// Adds secrets to scrub (in every copy: see ``redactInAllCopies(_:)``).
    /// - Parameter more: Strings that must never be written.
    package func redact(_ more: [String]) { redactInAllCopies(more) }

    /// `text` without any secret this logger knows.
    /// - Parameter text: The text to scrub.
    /// - Returns: The scrubbed text.
    package func scrub(_ text: String) -> String { uploadSecrets?.scrub(text) ?? text }

    /// Writes a message at `level` when enabled.
    /// - Parameters:
    ///   - level: The level.
    ///   - message: The message.
    package func log(_ level: Logger.Level, _ message: @autoclosure () -> String) {
        log(level: level, "\(message())")
    }
}

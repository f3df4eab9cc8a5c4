package import Logging

/// A swift-log `LogHandler` that never lets a credential through: it scrubs every message and every metadata value
/// with the secrets of an ``UploadLogger`` before the wrapped output sees them.
///
/// ``UploadLogger/swiftLogger`` is a `Logger` over this handler; hand it to async-http-client (or any swift-log user)
/// so that their log lines are scrubbed too.
package struct RedactingLogHandler: LogHandler {
    /// The highest level written.
    package var logLevel: Logger.Level
    /// The handler's metadata (scrubbed when written, like the message).
    package var metadata: Logger.Metadata = [:]
    /// The metadata provider.
    package var metadataProvider: Logger.MetadataProvider?
    private let scrub: @Sendable (String) -> String
    private let output: @Sendable (Logger.Level, String) -> Void

    /// Creates a handler.
    /// - Parameters:
    ///   - logLevel: The highest level written.
    ///   - scrub: Removes every secret from a text (``UploadLogger/scrub(_:)``).
    ///   - output: Receives each scrubbed line: the message, then ` key=value` for each metadata entry.
    package init(
        logLevel: Logger.Level, scrub: @escaping @Sendable (String) -> String,
        output: @escaping @Sendable (Logger.Level, String) -> Void
    ) {
        self.logLevel = logLevel
        self.scrub = scrub
        self.output = output
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
        output(event.level, scrub(line))
    }
}

extension UploadLogLevel {
    /// The swift-log level of the same verbosity.
    package var swiftLogLevel: Logger.Level {
        switch self {
        case .error: .error
        case .warning: .warning
        case .info: .info
        case .debug: .debug
        case .trace: .trace
        }
    }

    /// The upload level of a swift-log level (`notice` is `info`; `critical` is `error`).
    /// - Parameter level: A swift-log level.
    package init(_ level: Logger.Level) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info, .notice: self = .info
        case .warning: self = .warning
        case .error, .critical: self = .error
        }
    }
}

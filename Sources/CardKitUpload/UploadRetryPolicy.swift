public import Foundation

/// When and how long the clients wait before trying a request again (providers.md §7.2).
///
/// 1. Retryable: statuses 408, 425, 429, 500, 502, 503, 504, and transport errors or timeouts.
/// 2. The delay before attempt n+1 is the server's `Retry-After` (seconds or HTTP-date), else a body hint
///    (`retry_after_seconds`, `retryAfter`, `error.details.retryAfter`), else full-jitter exponential backoff
///    `random(0, min(maxDelay, baseDelay × 2^n))`.
/// 3. A server that asks for more than `maxDelay` is not waited for: the request fails at once with
///    ``UploadError/rateLimited`` so that the batch can stop or reschedule.
/// 4. Attempts stop after `maxAttempts` or when `overallDeadline` would be passed.
/// 5. A refused connection (nothing listens) is tried at most `connectionRefusedAttempts` times in all, with a
///    short fixed backoff (`connectionRefusedDelay`, doubled each time), not under the full backoff and deadline.
///
/// `sleep`, `random` and `now` are injected so tests run instantly and deterministically.
public struct UploadRetryPolicy: Sendable {
    /// The statuses retried by default.
    package static let defaultRetryableStatuses: Set<Int> = [408, 425, 429, 500, 502, 503, 504]

    /// Total tries per request, the first included (default 4).
    public var maxAttempts: Int = 4
    /// The backoff base (default 1 s).
    public var baseDelay: Duration = .seconds(1)
    /// The cap of one wait (default 30 s).
    public var maxDelay: Duration = .seconds(30)
    /// The cap of the time spent on one request, retries included (default 120 s).
    public var overallDeadline: Duration = .seconds(120)
    /// The deadline of one HTTP exchange (default 30 s).
    public var requestTimeout: Duration = .seconds(30)
    /// Total tries of a request whose connection is refused, the first included (default 3; never more than
    /// `maxAttempts`).
    package var connectionRefusedAttempts: Int = 3
    /// The wait after the first refused connection, doubled after each further one (default 100 ms).
    package var connectionRefusedDelay: Duration = .milliseconds(100)
    /// The statuses that are retried.
    package var retryableStatuses: Set<Int> = UploadRetryPolicy.defaultRetryableStatuses
    /// Sleeps for the given time (default `Task.sleep`).
    package var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    /// Returns a uniformly random fraction in `0...1` (default the system generator).
    package var random: @Sendable () -> Double = { Double.random(in: 0...1) }
    /// The wall clock, for HTTP-date `Retry-After` values.
    package var now: @Sendable () -> Date = { Date() }

    /// The default policy.
    public init() {}

    /// A policy that never retries.
    package static var noRetries: UploadRetryPolicy {
        var policy = UploadRetryPolicy()
        policy.maxAttempts = 1
        return policy
    }

    /// The full-jitter backoff before retry number `retry` (0 for the wait after the first failure).
    /// - Parameter retry: How many retries were already made.
    /// - Returns: A delay in `0...min(maxDelay, baseDelay × 2^retry)`.
    package func backoff(retry: Int) -> Duration {
        let base = UploadRetryPolicy.seconds(baseDelay)
        let cap = UploadRetryPolicy.seconds(maxDelay)
        let ceiling = min(cap, base * pow(2, Double(min(retry, 62))))
        let fraction = min(max(random(), 0), 1)
        return .nanoseconds(Int64(ceiling * fraction * 1e9))
    }

    /// The decision after a failed attempt.
    package enum Decision: Sendable, Equatable {
        /// Wait this long, then try again; the reason is logged.
        case retry(after: Duration, reason: String)
        /// Give up and throw this error.
        case fail(UploadError)
    }

    /// Decides what to do after attempt number `attempt` (1-based) failed with `error`.
    /// - Parameters:
    ///   - error: The error of the attempt.
    ///   - attempt: The number of attempts already made.
    ///   - elapsed: The time spent on this request so far.
    /// - Returns: Whether and when to retry.
    package func decide(after error: UploadError, attempt: Int, elapsed: Duration) -> Decision {
        let retryable: Bool
        if let status = error.status, error == .server || error == .rateLimited {
            retryable = retryableStatuses.contains(status)
        } else {
            retryable = error.isRetryable
        }
        guard retryable else { return .fail(error) }
        guard attempt < maxAttempts else { return .fail(error) }
        if error.isConnectionRefused {
            guard attempt < connectionRefusedAttempts else {
                return .fail(
                    error.with(
                        message: "\(error.message) (connection refused \(attempt) time(s); nothing listens there?)")
                )
            }
            let delay = connectionRefusedDelay * (1 << min(attempt - 1, 10))
            return .retry(after: delay, reason: "connection refused; quick retry in \(UploadError.format(delay))")
        }
        let delay: Duration
        let reason: String
        if let hint = error.retryAfter {
            if hint > maxDelay {
                return .fail(
                    UploadError.rateLimited(
                        "server asked to wait \(UploadError.format(hint)), more than the \(UploadError.format(maxDelay)) cap",
                        retryAfter: hint, status: error.status, platformCode: error.platformCode
                    ).with(request: error.request ?? ""))
            }
            delay = max(hint, .zero)
            reason = "server asked for \(UploadError.format(delay))"
        } else {
            delay = backoff(retry: attempt - 1)
            reason = "backoff \(UploadError.format(delay)) after \(error.kind)"
        }
        if elapsed + delay > overallDeadline {
            return .fail(
                UploadError.timeout(
                    "gave up after \(attempt) attempts: the \(UploadError.format(overallDeadline)) deadline would pass (last: \(error.kind): \(error.message))"
                ).with(request: error.request ?? ""))
        }
        return .retry(after: delay, reason: reason)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Parses `Retry-After` values.
package enum RetryAfter {
    /// Parses a `Retry-After` header: delta-seconds or an HTTP-date (IMF-fixdate, RFC 850 or asctime).
    ///
    /// A date in the past means zero.
    /// - Parameters:
    ///   - value: The header value.
    ///   - now: The current time.
    /// - Returns: The delay, or nil when the value is neither form.
    package static func parse(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0, seconds < 1e9 {
            return .milliseconds(Int64(seconds * 1000))
        }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) {
                let delta = date.timeIntervalSince(now)
                return delta <= 0 ? .zero : .milliseconds(Int64(delta * 1000))
            }
        }
        return nil
    }

    /// Formats a date as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    package static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

import Foundation

/// The sanitizer the test process runs under, found at run time, and how much slack timing and memory bounds get.
///
/// `scripts/sanitizers` runs the whole suite with `--sanitize=address` or `--sanitize=thread`; the test bundle and
/// the `cardkit` built beside it then carry the sanitizer runtime. Its cost is not the code's:
/// ThreadSanitizer slows every memory access 5–15× and, with the suite's tests running in parallel on two cores,
/// loopback requests that take milliseconds otherwise took tens of seconds; AddressSanitizer's quarantine and
/// shadow memory took a 50 MB input's peak RSS from under 400 MB to 1.09 GB, ThreadSanitizer's shadow to 13 GB.
/// Bounds that exist to catch hangs scale by ``timeScale``; resident-memory bounds only hold without a sanitizer
/// (``boundsResidentMemory``) and are asserted by the ordinary `swift test` run, in CI.
public enum TestSanitizer: String, Sendable {
    case address
    case thread

    /// The sanitizer whose runtime is linked into this process, if any.
    public static let current: TestSanitizer? = {
        let process = dlopen(nil, RTLD_NOW)
        if dlsym(process, "__asan_init") != nil { return .address }
        if dlsym(process, "__tsan_init") != nil { return .thread }
        return nil
    }()

    /// The factor for time bounds and network deadlines: 1 without a sanitizer, 8 under ASan, 20 under TSan.
    public static var timeScale: Double {
        switch current {
        case nil: 1
        case .address: 8
        case .thread: 20
        }
    }

    /// Whether a peak-RSS bound means anything in this process: only without a sanitizer.
    public static var boundsResidentMemory: Bool { current == nil }

    /// Scales a duration by ``timeScale``.
    /// - Parameter duration: The bound without a sanitizer.
    /// - Returns: The bound to apply in this process.
    public static func scaled(_ duration: Duration) -> Duration {
        duration * timeScale
    }
}

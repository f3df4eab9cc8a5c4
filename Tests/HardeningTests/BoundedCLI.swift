import CardKitTestSupport
import Foundation
import Testing

/// The outcome of one bounded `cardkit` run.
struct BoundedRun: Sendable {
    /// The exit status, or 128 + signal when it was killed.
    var status: Int32
    /// Whether the process ended on a signal (a crash, or the kill of a timeout).
    var signaled: Bool
    /// Whether the run passed its time limit and was killed.
    var timedOut: Bool
    /// Seconds from start to exit.
    var seconds: Double
    var stdout: String
    var stderr: String
}

/// Runs the built `cardkit` binary under an address-space limit (`ulimit -v` in a `/bin/sh` wrapper) and a
/// wall-clock limit, with output captured in files (so a large output can never block the child).
enum BoundedCLI {
    /// The address-space limit applied to every run: 1 GiB.
    ///
    /// The Swift runtime and Foundation start in well under
    /// 200 MiB of address space here; a reader that tried to hold a 100 MB input several times over, or to inflate
    /// a bomb, would fail to allocate and crash instead of exiting 1, and the test would see it.
    static let memoryLimitKilobytes = 1 << 20

    /// The exit status AddressSanitizer is told to use for its reports in child processes.
    static let sanitizerExitCode: Int32 = 86

    /// The `cardkit` executable beside the test bundle.
    static var executable: URL {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("cardkit")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return bundleDirectory.appendingPathComponent("cardkit")
    }

    /// Runs `cardkit arguments…` with the memory limit and `timeout` seconds.
    static func run(
        _ arguments: [String], timeout: Double = 20, memoryLimitKilobytes: Int = memoryLimitKilobytes,
        in directory: URL? = nil
    ) throws -> BoundedRun {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cardkit-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        var environment = ProcessInfo.processInfo.environment
        // The `cardkit` beside the tests carries the same sanitizer as this process. AddressSanitizer and
        // ThreadSanitizer reserve terabytes of shadow address space, so `ulimit -v` cannot apply to a sanitized binary:
        // under ASan the limit becomes `hard_rss_limit_mb` instead, and time limits scale by TestSanitizer.timeScale.
        switch TestSanitizer.current {
        case nil:
            process.arguments =
                ["-c", "ulimit -v \(memoryLimitKilobytes) && exec \"$0\" \"$@\"", executable.path] + arguments
        case .address:
            let options = environment["ASAN_OPTIONS"].map { $0 + ":" } ?? ""
            // ASan ends a process that passes the RSS limit (or has any other error) with `exitcode`, 1 by default,
            // which would read as "invalid input": make it distinct and count it as a crash.
            environment["ASAN_OPTIONS"] =
                options + "hard_rss_limit_mb=\(memoryLimitKilobytes / 1024):exitcode=\(sanitizerExitCode)"
            process.arguments = ["-c", "exec \"$0\" \"$@\"", executable.path] + arguments
        case .thread:
            process.arguments = ["-c", "exec \"$0\" \"$@\"", executable.path] + arguments
        }
        process.environment = environment
        let timeout = timeout * TestSanitizer.timeScale
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(start) > timeout {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        let signaled =
            process.terminationReason == .uncaughtSignal
            || (TestSanitizer.current == .address && process.terminationStatus == sanitizerExitCode)
        return BoundedRun(
            status: signaled ? 128 + process.terminationStatus : process.terminationStatus, signaled: signaled,
            timedOut: timedOut, seconds: seconds,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }
}

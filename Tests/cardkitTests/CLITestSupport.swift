import Foundation
import Testing

/// Runs the built `cardkit` binary and captures what it printed.
struct CLIRun {
    var status: Int32
    var stdout: Data
    var stderr: String
    /// The largest resident set of any child process so far, in kilobytes.
    var peakChildRSSKilobytes: Int

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

enum CLI {
    /// The `cardkit` executable beside the test bundle (SwiftPM builds it because the tests depend on it).
    static var executable: URL {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("cardkit")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return bundleDirectory.appendingPathComponent("cardkit")
    }

    /// Runs `cardkit` with arguments, optional standard input, in `directory`.
    static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL? = nil) throws -> CLIRun {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Drain both pipes concurrently so a large output cannot block the child.
        // The reader hands its result over under a condition lock: polling `Thread.isExecuting` raced (ThreadSanitizer
        // reported the unsynchronised read, and a reader not yet started looked finished).
        nonisolated(unsafe) var errorData: Data? = nil
        let handOver = NSCondition()
        let errorReader = Thread {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            handOver.lock()
            errorData = data
            handOver.signal()
            handOver.unlock()
        }
        errorReader.start()
        let outputData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        handOver.lock()
        while errorData == nil { handOver.wait() }
        handOver.unlock()
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return CLIRun(
            status: process.terminationStatus, stdout: outputData,
            stderr: String(decoding: errorData ?? Data(), as: UTF8.self),
            peakChildRSSKilobytes: usage.ru_maxrss)
    }
}

extension CLI {
    /// Runs `cardkit` under script(1), so that its standard output and error are a terminal.
    ///
    /// - Parameter arguments: The arguments.
    /// - Returns: The exit status and everything printed (with the terminal's `\r\n` line ends).
    /// - Throws: When script(1) cannot be started.
    static func runOnATerminal(_ arguments: [String]) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let line = ([executable.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        process.arguments = ["-qec", line, "/dev/null"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

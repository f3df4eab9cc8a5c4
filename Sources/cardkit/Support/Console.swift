import ArgumentParser
import CardKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process exit statuses `cardkit` promises.
enum ExitStatus {
    /// Every input was fine.
    static let success: Int32 = 0
    /// Some input was invalid or unreadable.
    static let invalidInput: Int32 = 1
    /// The command line was wrong, or the run found no input.
    static let usage: Int32 = 2
}

/// Writes to standard output and standard error (never through the shared C `stderr`).
///
/// Every line on standard error starts with `cardkit: `, so a message reads `cardkit: PATH: error: MESSAGE`, or
/// `cardkit: error: MESSAGE` when no file is to blame. `-q` keeps only errors there; `-v` adds every diagnostic.
enum Console {
    /// How much goes to standard error.
    enum Level: Int, Comparable {
        /// Errors only (`-q`).
        case quiet
        /// Errors, warnings and one-line summaries (the default).
        case normal
        /// Everything, notes included (`-v`).
        case verbose

        static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The level of this run, set once from `-q`/`-v` while the command line is parsed.
    nonisolated(unsafe) static var level: Level = .normal

    /// Whether `-v` was given.
    static var isVerbose: Bool { level == .verbose }

    /// Writes a line to standard error that `-q` keeps, prefixed `cardkit: ` (once).
    ///
    /// - Parameter line: `PATH: error: MESSAGE`, `error: MESSAGE`, or a line the upload progress prints.
    static func error(_ line: String) {
        write(line.hasPrefix("cardkit: ") ? String(line.dropFirst("cardkit: ".count)) : line)
    }

    /// Writes an error about `path` (or about the run, when `path` is nil).
    ///
    /// - Parameters:
    ///   - message: What went wrong, without the path.
    ///   - path: The file to blame.
    static func error(_ message: String, path: String?) {
        write(path.map { "\($0): error: \(message)" } ?? "error: \(message)")
    }

    /// Writes a warning, a note or a summary line; `-q` hides it.
    ///
    /// - Parameter line: `PATH: warning: MESSAGE`, `PATH: note: MESSAGE` or a summary.
    static func note(_ line: String) {
        guard level > .quiet else { return }
        write(line)
    }

    /// Writes a line that only `-v` shows.
    ///
    /// - Parameter line: The line.
    static func detail(_ line: String) {
        guard level == .verbose else { return }
        write(line)
    }

    /// Writes a diagnostic of `path`: errors always, warnings unless `-q`, notes only with `-v`.
    ///
    /// - Parameters:
    ///   - diagnostic: The diagnostic.
    ///   - path: The file it is about.
    static func diagnostic(_ diagnostic: Diagnostic, path: String) {
        switch diagnostic.severity {
        case .error: write(diagnostic.line(for: path))
        case .warning: note(diagnostic.line(for: path))
        case .note: detail(diagnostic.line(for: path))
        }
    }

    private static func write(_ line: String) {
        let text = "cardkit: " + (line.hasSuffix("\n") ? line : line + "\n")
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes a line to standard output.
    ///
    /// - Parameter line: The line, without its newline.
    static func output(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes raw bytes to standard output.
    ///
    /// - Parameter bytes: The bytes.
    static func outputBytes(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// Whether standard output is a terminal, where binary output is refused.
    static var outputIsTerminal: Bool { isatty(1) == 1 }

    /// `1 warning`, `2 warnings`.
    ///
    /// - Parameters:
    ///   - count: How many.
    ///   - noun: The singular noun.
    /// - Returns: The count and the noun, plural unless the count is 1.
    static func count(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// An output error in the words of the command line: the in-place errors name the flags that would do instead.
    ///
    /// - Parameter error: The library's error.
    /// - Returns: `PATH: error: MESSAGE`.
    static func describe(_ error: OutputError) -> String {
        switch error.kind {
        case .changesKind(let input, let output):
            "\(error.path): error: --in-place would write \(output.uppercased()) into a .\(input) file; use --out-dir"
        case .notARegularFile: "\(error.path): error: --in-place replaces regular files only; use -o"
        case .exists: "\(error.path): error: the file exists; pass --force to replace it"
        case .replacesInput, .cannotCreateDirectory, .cannotWrite: error.description
        }
    }
}

/// `-q`/`--quiet` and `-v`/`--verbose`, on every command.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print errors only.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print every diagnostic, notes included.")
    var verbose = false

    func validate() throws {
        if quiet, verbose { throw ValidationError("Use either -q/--quiet or -v/--verbose, not both.") }
        Console.level = quiet ? .quiet : verbose ? .verbose : .normal
    }
}

import ArgumentParser
import CardKit
import Foundation

/// The options every command that reads cards shares.
struct InputOptions: ParsableArguments {
    @Argument(help: "Card files or directories (walked recursively); '-' reads standard input.", completion: .file())
    var paths: [String] = []

    @Option(
        help: "Read more paths from this file, one a line ('-' reads standard input), e.g. from find.",
        completion: .file())
    var filesFrom: String?

    @Flag(name: .customShort("0"), help: "With --files-from, the names are separated by NUL (find -print0).")
    var nullSeparated = false

    @Flag(help: "Treat every leniency (wrong types, missing fields, non-standard shapes) as an error.")
    var strict = false

    @Flag(
        name: [.customLong("accept-bad-crc"), .customLong("lenient")],
        help:
            "Read PNG files whose chunk CRCs do not match, with a warning, instead of failing (--lenient is the old name)."
    )
    var acceptBadCRC = false

    func validate() throws {
        if paths.isEmpty, filesFrom == nil { throw ValidationError("Give at least one file or directory.") }
        if paths.filter({ $0 == "-" }).count + (filesFrom == "-" ? 1 : 0) > 1 {
            throw ValidationError("'-' (standard input) can be given once.")
        }
        if nullSeparated, filesFrom == nil { throw ValidationError("-0 applies only to --files-from.") }
    }

    /// The loader options these flags ask for.
    var loadOptions: CardLoadOptions {
        var options = CardLoadOptions()
        options.read.strict = strict
        if acceptBadCRC { options.png.crcPolicy = .warn }
        return options
    }

    /// The inputs, with missing paths reported as failures; folder loops are reported on standard error.
    ///
    /// - Returns: The inputs found and the paths that do not exist.
    /// - Throws: `ExitCode(2)` when the paths name no input at all, after saying what was searched.
    func collect() throws -> (inputs: [CardInput], missing: [CardFileError]) {
        let all = try allPaths()
        if all.isEmpty, let filesFrom {
            Console.error("the --files-from list names no file", path: filesFrom)
            throw ExitCode(ExitStatus.usage)
        }
        let (inputs, missing, warnings) = CardInputCollector.collectReportingLoops(all)
        warnings.forEach { Console.note($0) }
        try Self.requireInput(inputs.count + missing.count, searched: all.isEmpty ? [filesFrom ?? "-"] : all)
        return (inputs, missing.map { CardFileError(path: $0, kind: .unreadable, reason: "no such file or directory") })
    }

    /// The paths given, then those of `--files-from`.
    ///
    /// - Returns: Every path, in order.
    /// - Throws: `ExitCode(2)` when the list cannot be read.
    func allPaths() throws -> [String] {
        guard let filesFrom else { return paths }
        let data: Data
        do {
            data = try CardInput(path: filesFrom).read()
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
        let separator: UInt8 = nullSeparated ? 0 : 0x0A
        let names = data.split(separator: separator).map { String(decoding: $0, as: UTF8.self) }
            .map { nullSeparated ? $0 : $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
            .filter { !$0.isEmpty }
        return paths + names
    }

    /// Ends the run with exit status 2 when it found nothing to read, naming what was searched.
    ///
    /// - Parameters:
    ///   - found: How many inputs (or missing paths) the run has.
    ///   - searched: The paths given.
    /// - Throws: `ExitCode(2)` when `found` is 0.
    static func requireInput(_ found: Int, searched: [String]) throws {
        guard found == 0 else { return }
        let kinds = CardInputCollector.cardExtensions.sorted().map { "." + $0 }.joined(separator: ", ")
        for path in searched {
            Console.error("no card files (\(kinds)) found in this directory or below", path: path)
        }
        throw ExitCode(ExitStatus.usage)
    }
}

extension Diagnostic {
    /// The line printed on standard error: `path: warning: /pointer: message`.
    func line(for path: String) -> String { "\(path): \(description)" }
}

/// `--jobs N`: how many inputs a batch command works on at once.
struct JobsOption: ParsableArguments {
    @Option(
        name: [.short, .long],
        help: "Inputs worked on at once (default: the number of cores); the output and exit status are the same.")
    var jobs: Int = OrderedParallel.defaultJobs

    func validate() throws {
        if !(1...256).contains(jobs) { throw ValidationError("--jobs takes 1 to 256, got \(jobs).") }
    }
}

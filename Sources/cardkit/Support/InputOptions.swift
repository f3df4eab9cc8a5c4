import ArgumentParser
import CardKit

/// The options every command that reads cards shares.
struct InputOptions: ParsableArguments {
    @Argument(help: "Card files or directories (walked recursively); '-' reads standard input.", completion: .file())
    var paths: [String]

    @Flag(help: "Treat every leniency (wrong types, missing fields, non-standard shapes) as an error.")
    var strict = false

    @Flag(
        name: [.customLong("accept-bad-crc"), .customLong("lenient")],
        help:
            "Read PNG files whose chunk CRCs do not match, with a warning, instead of failing (--lenient is the old name)."
    )
    var acceptBadCRC = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one file or directory.") }
        if paths.filter({ $0 == "-" }).count > 1 { throw ValidationError("'-' (standard input) can be given once.") }
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
        let (inputs, missing, warnings) = CardInputCollector.collectReportingLoops(paths)
        warnings.forEach { Console.note($0) }
        try Self.requireInput(inputs.count + missing.count, searched: paths)
        return (inputs, missing.map { CardFileError(path: $0, kind: .unreadable, reason: "no such file or directory") })
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

import ArgumentParser
import CardKit

/// The options every command that reads cards shares.
struct InputOptions: ParsableArguments {
    @Argument(help: "Card files or directories (walked recursively); '-' reads standard input.")
    var paths: [String]

    @Flag(help: "Treat every leniency (wrong types, missing fields, non-standard shapes) as an error.")
    var strict = false

    @Flag(help: "Read PNG files whose chunk CRCs do not match, with a warning, instead of failing.")
    var lenient = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("Give at least one file or directory.") }
        if paths.filter({ $0 == "-" }).count > 1 { throw ValidationError("'-' (standard input) can be given once.") }
    }

    /// The loader options these flags ask for.
    var loadOptions: CardLoadOptions {
        var options = CardLoadOptions()
        options.read.strict = strict
        if lenient { options.png.crcPolicy = .warn }
        return options
    }

    /// The inputs, with missing paths reported as failures; folder loops are reported on standard error.
    func collect() -> (inputs: [CardInput], missing: [CardFileError]) {
        let (inputs, missing, warnings) = CardInputCollector.collectReportingLoops(paths)
        warnings.forEach { Console.error($0) }
        return (inputs, missing.map { CardFileError(path: $0, kind: .unreadable, reason: "no such file or directory") })
    }
}

extension Diagnostic {
    /// The line printed on standard error: `path: warning: /pointer: message`.
    func line(for path: String) -> String { "\(path): \(description)" }
}

import ArgumentParser
import CardKit

/// `-o`, `--out-dir`, `--in-place` and `--no-backup`: where `convert`, `edit` and `strip` write.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: "Write the output to this file ('-' for standard output).")
    var output: String?

    @Option(name: .long, help: "Write each output into this directory, named after its input.")
    var outDir: String?

    @Flag(
        help:
            "Replace each input file (atomically, same mode and owner), keeping the original as NAME.bak (NAME.bak.1, NAME.bak.2... when taken)."
    )
    var inPlace = false

    @Flag(help: "With --in-place, keep no NAME.bak backup.")
    var noBackup = false

    func validate() throws {
        if [output != nil, outDir != nil, inPlace].filter({ $0 }).count > 1 {
            throw ValidationError("Use one of -o/--output, --out-dir and --in-place.")
        }
        if noBackup, !inPlace { throw ValidationError("--no-backup applies only to --in-place.") }
    }

    /// Checks what depends on the inputs: one input for `-o`, no standard input in place.
    ///
    /// - Parameter paths: The paths the command was given.
    /// - Throws: A `ValidationError` naming the flags.
    func check(paths: [String]) throws {
        if output != nil, paths.count > 1 {
            throw ValidationError("-o/--output takes one input; use --out-dir or --in-place for several.")
        }
        if inPlace, paths.contains("-") { throw ValidationError("--in-place cannot replace standard input.") }
    }

    /// Where the outputs go.
    var destination: OutputDestination {
        if inPlace { return .inPlace(backup: !noBackup) }
        if let outDir { return .directory(outDir) }
        if let output { return .file(output) }
        return .standardOutput
    }

    /// Whether the output goes to standard output (no flag, or `-o -`).
    var isStandardOutput: Bool { destination == .standardOutput || output == "-" }
}

import ArgumentParser
import CardKit

/// `-o`, `--out-dir`, `--in-place`, `--no-backup` and `--force`: where `convert`, `edit` and `strip` write.
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

    @Flag(help: "Replace an -o (or --report) file that exists.")
    var force = false

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

    /// The writer of this run, checked against `items` before anything is converted; a problem is printed and
    /// ends the run with status 1.
    ///
    /// - Parameters:
    ///   - inputs: Every file of the run, so that no output replaces one.
    ///   - items: The inputs that will get an output.
    /// - Returns: The writer.
    /// - Throws: `ExitCode(1)` when the destination cannot take the outputs.
    func writer(guarding inputs: RunInputs, for items: [CardInput]) throws -> OutputWriter {
        var writer = OutputWriter(destination: destination, inputs: inputs)
        writer.replacesExistingFiles = force
        do {
            try writer.prepare(for: items)
        } catch {
            Console.error(Console.describe(error))
            throw ExitCode(ExitStatus.invalidInput)
        }
        return writer
    }
}

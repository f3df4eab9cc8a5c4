import ArgumentParser
import CardKit
import Foundation

/// `cardkit convert`: cards between specs, containers and platforms.
struct ConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert cards between V1, V2 and V3, into PNG or CharX, or to another platform's format.",
        discussion: """
            One input without -o writes to standard output. With several inputs, use --out-dir: each output is \
            named after its input. One bad file never stops a batch: it is reported and the rest are converted. \
            With --format json or jsonl, a record per input goes to standard output (so give -o or --out-dir).
            """ + Examples.text(for: "convert")
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var out: OutputOptions

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: FormatOption

    @Option(name: .long, help: "The output format.")
    var to: ConversionTarget

    @Flag(help: "Pretty-print JSON output (2-space indent).")
    var pretty = false

    @Flag(help: "Also write the six V1 fields at the root of V2/V3 cards, as SillyTavern does.")
    var withV1Fields = false

    @Option(help: "The image to embed the card into, for --to png (default: the input's own PNG, else a drawn avatar).")
    var image: String?

    @Flag(help: "For --to png: leave out the asset files of a CharX or PNG input (each is reported as lost).")
    var dropAssets = false

    @Option(help: "Write the loss report of every input as JSON to this file ('-' for standard output).")
    var report: String?

    @Flag(help: "Exit with status 1 when anything was lost in the conversion.")
    var failOnLoss = false

    @OptionGroup(title: "Platform output")
    var platformFlags: PlatformFlags

    @OptionGroup var parallel: JobsOption

    func validate() throws {
        try out.check(paths: input.paths)
        if image != nil, to != .png { throw ValidationError("--image applies only to --to png.") }
        if dropAssets, to != .png { throw ValidationError("--drop-assets applies only to --to png.") }
        if image == "-", input.paths.contains("-") { throw ValidationError("Standard input can be read once.") }
        if report == "-", out.isStandardOutput {
            throw ValidationError("--report - and the output cannot both go to standard output; give -o or --out-dir.")
        }
        if format.isMachine, out.isStandardOutput || report == "-" {
            throw ValidationError(
                "--format \(format.format.rawValue) prints records on standard output; give -o or --out-dir.")
        }
        if to.isBinary, out.isStandardOutput, Console.outputIsTerminal {
            throw ValidationError(
                "Standard output is a terminal: \(to.name.uppercased()) is binary; give -o FILE or redirect it.")
        }
    }

    func run() async throws {
        let (inputs, missing) = try input.collect()
        let printer = RecordPrinter(format: format.format)
        var failures = 0
        missing.forEach { printer.emit(failure: $0, command: "convert") }
        if out.outDir == nil, !out.inPlace, inputs.count > 1 {
            Console.error("\(inputs.count) inputs need --out-dir (or convert one file at a time)", path: nil)
            throw ExitCode(ExitStatus.usage)
        }
        var runInputs = RunInputs(inputs)
        if let image { runInputs.add(image) }
        var options = ConversionOptions()
        options.load = input.loadOptions
        options.jsonStyle = pretty ? .pretty : .compact
        options.withV1Fields = withV1Fields
        options.dropAssets = dropAssets
        options.includeCompanionFiles = out.outDir != nil
        do {
            options.platform = try platformFlags.options()
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.invalidInput)
        }
        if let image {
            do {
                // The image is read once for the whole batch.
                options.image = try CardConverter.readImage(CardInput(path: image))
            } catch {
                Console.error(error.description)
                throw ExitCode(ExitStatus.invalidInput)
            }
        }
        var writer = try out.writer(guarding: runInputs, for: inputs)
        var reports: [JSONValue] = []
        var anyLoss = false
        var converted = 0
        let target = to
        let conversionOptions = options
        OrderedParallel.forEach(
            inputs, jobs: parallel.jobs,
            work: { item -> Result<ConversionResult, CardFileError> in
                Result { () throws(CardFileError) in
                    try CardConverter.convert(item, to: target, options: conversionOptions)
                }
            }
        ) { item, outcome in
            do {
                let result = try outcome.get()
                let written = try writer.write(result, for: item)
                if case .standardOutput(let bytes) = written { Console.outputBytes(bytes) }
                converted += 1
                let outputPath = if case .file(let path) = written { path } else { "-" }
                printer.emit(RunRecord(conversion: result, path: item.path, output: outputPath)) {
                    report(result.diagnostics, for: item.path)
                    hints(result.lossReport, for: item.path).forEach { Console.detail($0) }
                }
                anyLoss = anyLoss || result.isLossy
                reports.append(.object(["path": .string(item.path), "report": result.reportJSON]))
            } catch let error as CardFileError {
                printer.emit(failure: error, command: "convert")
                if let option = error.option { Console.note("\(item.path): note: \(PlatformFlags.hint(for: option))") }
            } catch let error as OutputError {
                printer.emit(RunRecord(outputError: error, path: item.path, command: "convert")) {
                    Console.error(Console.describe(error))
                }
            } catch {
                printer.emit(
                    failure: CardFileError(path: item.path, kind: .unreadable, reason: "\(error)"), command: "convert")
            }
        }
        if let report {
            let bytes = JSONWriter.bytes(.array(reports), style: .pretty) + [0x0A]
            do {
                if case .standardOutput(let bytes) = try writer.write(bytes, to: report) { Console.outputBytes(bytes) }
            } catch {
                Console.error(Console.describe(error))
                failures += 1
            }
        }
        if inputs.count + missing.count > 1 {
            Console.note(
                "converted \(converted) of \(inputs.count + missing.count) inputs to \(to.name); \(printer.failures + failures) failed"
            )
        }
        try printer.finish(extraFailures: failures + (failOnLoss && anyLoss ? 1 : 0))
    }

    /// One note per conversion option that would have kept a lost value, naming this command's flag.
    private func hints(_ report: LossReport?, for path: String) -> [String] {
        var seen: Set<PlatformConversionOption> = []
        return (report?.entries ?? []).compactMap(\.option).filter { seen.insert($0).inserted }.map { option in
            "\(path): note: \(PlatformFlags.hint(for: option))"
        }
    }

    /// Prints an input's diagnostics: all of them with --verbose, else a one-line summary when there are warnings.
    private func report(_ diagnostics: [Diagnostic], for path: String) {
        if Console.isVerbose {
            diagnostics.forEach { Console.diagnostic($0, path: path) }
            return
        }
        let warnings = diagnostics.filter { $0.severity >= .warning }
        let lost = diagnostics.filter { $0.code == .lostField }
        guard !warnings.isEmpty else { return }
        var parts = [Console.count(warnings.count, "warning")]
        if !lost.isEmpty { parts.append("\(Console.count(lost.count, "field")) lost") }
        Console.note(
            "\(path): \(parts.joined(separator: ", ")) (first: \(warnings[0].description)); --verbose lists all")
    }
}

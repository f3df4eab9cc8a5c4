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
            named after its input. One bad file never stops a batch: it is reported and the rest are converted.
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .long, help: "The output format.")
    var to: ConversionTarget

    @Option(name: [.short, .customLong("output")], help: "Write the output to this file ('-' for standard output).")
    var output: String?

    @Option(name: .long, help: "Write each output into this directory.")
    var outDir: String?

    @Flag(
        help:
            "Replace each input file with its conversion (atomically, same mode and owner), keeping the original as NAME.bak (NAME.bak.1, NAME.bak.2... when taken)."
    )
    var inPlace = false

    @Flag(help: "With --in-place, keep no NAME.bak backup.")
    var noBackup = false

    @Flag(help: "Pretty-print JSON output (2-space indent).")
    var pretty = false

    @Flag(help: "Also write the six V1 fields at the root of V2/V3 cards, as SillyTavern does.")
    var withV1Fields = false

    @Option(help: "The image to embed the card into, for --to png (default: the input's own PNG, else a drawn avatar).")
    var image: String?

    @Option(help: "Write the full loss report of every input as JSON to this file.")
    var report: String?

    @Flag(help: "Exit with status 1 when anything was lost in the conversion.")
    var failOnLoss = false

    @Flag(name: .shortAndLong, help: "Print every diagnostic, not just a one-line summary per input.")
    var verbose = false

    @OptionGroup(title: "Platform output")
    var platformFlags: PlatformFlags

    func validate() throws {
        if output != nil, outDir != nil { throw ValidationError("Use either -o/--output or --out-dir, not both.") }
        if output != nil, input.paths.count > 1 {
            throw ValidationError("-o/--output takes one input; use --out-dir for several.")
        }
        if image != nil, to != .png { throw ValidationError("--image applies only to --to png.") }
        if inPlace, output != nil || outDir != nil {
            throw ValidationError("Use either --in-place or -o/--output/--out-dir, not both.")
        }
        if noBackup, !inPlace { throw ValidationError("--no-backup applies only to --in-place.") }
        if inPlace, input.paths.contains("-") { throw ValidationError("--in-place cannot replace standard input.") }
    }

    func run() async throws {
        let (inputs, missing) = input.collect()
        var failures = missing.count
        missing.forEach { Console.error($0.description) }
        if outDir == nil, !inPlace, inputs.count > 1 {
            Console.error("error: \(inputs.count) inputs need --out-dir (or convert one file at a time)")
            throw ExitCode(ExitStatus.usage)
        }
        var runInputs = RunInputs(inputs)
        if let image { runInputs.add(image) }
        // The image is read once for the whole batch.
        var options = ConversionOptions()
        options.load = input.loadOptions
        options.jsonStyle = pretty ? .pretty : .compact
        options.withV1Fields = withV1Fields
        options.platform = platformFlags.options
        options.includeCompanionFiles = outDir != nil
        if let image {
            do {
                options.image = try CardInput(path: image).read()
            } catch {
                Console.error(error.description)
                throw ExitCode(ExitStatus.invalidInput)
            }
        }
        if inPlace {
            // Temporary files a killed in-place run left beside its inputs (never those of a running writer).
            Set(inputs.map { $0.url.deletingLastPathComponent().path }).forEach {
                AtomicFile.removeAbandonedTemporaries(in: URL(fileURLWithPath: $0))
            }
        }
        if let outDir {
            do {
                try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
            } catch {
                Console.error("\(outDir): error: cannot create the output directory")
                throw ExitCode(ExitStatus.invalidInput)
            }
            AtomicFile.removeAbandonedTemporaries(in: URL(fileURLWithPath: outDir))
        }
        var reports: [JSONValue] = []
        var anyLoss = false
        var usedNames: Set<String> = []
        var converted = 0
        for item in inputs {
            do {
                let result = try CardConverter.convert(item, to: to, options: options)
                try write(result, for: item, usedNames: &usedNames, inputs: runInputs)
                converted += 1
                report(result.diagnostics, for: item.path)
                if verbose { hints(result.lossReport, for: item.path).forEach { Console.error($0) } }
                anyLoss = anyLoss || result.isLossy
                if let itemReport = result.reportJSON {
                    var record: JSONObject = ["path": .string(item.path)]
                    record["report"] = itemReport
                    reports.append(.object(record))
                }
            } catch let error as CardFileError {
                failures += 1
                Console.error(error.description)
                if verbose { error.diagnostics.forEach { Console.error($0.line(for: item.path)) } }
            } catch let error as AtomicFile.WriteError {
                failures += 1
                Console.error(error.description)
            } catch {
                failures += 1
                Console.error("\(item.path): error: \(error)")
            }
        }
        if let report {
            let document = JSONValue.array(reports)
            do {
                try runInputs.refuse(report)
                try AtomicFile.write(
                    JSONWriter.bytes(document, style: .pretty) + [0x0A], to: URL(fileURLWithPath: report))
            } catch let error as CardFileError {
                Console.error(error.description)
                failures += 1
            } catch {
                Console.error("\(error)")
                failures += 1
            }
        }
        if inputs.count + missing.count > 1 {
            Console.error(
                "converted \(converted) of \(inputs.count + missing.count) inputs to \(to.name); \(failures) failed"
            )
        }
        if failures > 0 || (failOnLoss && anyLoss) { throw ExitCode(ExitStatus.invalidInput) }
    }

    // MARK: - Output

    private func write(
        _ result: ConversionResult, for item: CardInput, usedNames: inout Set<String>, inputs: RunInputs
    ) throws {
        if inPlace {
            try replaceInPlace(result, item)
        } else if let outDir {
            let directory = URL(fileURLWithPath: outDir)
            var stem = (item.relativePath as NSString).deletingPathExtension.replacingOccurrences(of: "/", with: "_")
            if item.isStandardInput { stem = "stdin" }
            let suffix = to.fileSuffix
            var name = stem + suffix
            // The input's own name: converting in place needs --in-place. Another input's name, or a name an
            // earlier output took, is numbered instead.
            let own = item.isStandardInput ? nil : AtomicFile.FileID(path: item.path)
            if let own, AtomicFile.FileID(path: directory.appendingPathComponent(name).path) == own {
                try inputs.refuse(directory.appendingPathComponent(name).path)
            }
            var counter = 2
            while usedNames.contains(name) || inputs.input(at: directory.appendingPathComponent(name).path) != nil {
                name = "\(stem)-\(counter)\(suffix)"
                counter += 1
            }
            usedNames.insert(name)
            let destination = directory.appendingPathComponent(name)
            try AtomicFile.write(result.output.bytes, to: destination)
            for companion in result.companions {
                let path = directory.appendingPathComponent(companion.name ?? name)
                try inputs.refuse(path.path)
                try AtomicFile.write(companion.bytes, to: path)
            }
        } else if let output, output != "-" {
            try inputs.refuse(output)
            try AtomicFile.write(result.output.bytes, to: URL(fileURLWithPath: output))
        } else {
            Console.outputBytes(result.output.bytes)
        }
    }

    /// Replaces the input with its conversion, keeping the original as `NAME.bak` (unless --no-backup).
    ///
    /// The backup is `NAME.bak.1`, `NAME.bak.2`… when that exists; the new bytes are written atomically over
    /// `NAME` with its mode and owner, so a crash leaves either the old or the new file. A link is kept: its target
    /// is replaced.
    private func replaceInPlace(_ result: ConversionResult, _ item: CardInput) throws {
        let destination = item.url
        let inputExtension = destination.pathExtension.lowercased()
        let outputExtension = result.target.fileExtension
        let sameKind = inputExtension == outputExtension || (outputExtension == "png" && inputExtension == "apng")
        guard sameKind else {
            throw CardFileError(
                path: item.path, kind: .unreadable,
                reason:
                    "--in-place would write \(outputExtension.uppercased()) into a .\(inputExtension) file; use --out-dir"
            )
        }
        var info = stat()
        guard stat(item.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw CardFileError(
                path: item.path, kind: .unreadable, reason: "--in-place replaces regular files only; use -o")
        }
        if !noBackup { try AtomicFile.backUp(destination) }
        try AtomicFile.write(result.output.bytes, to: destination)
    }

    /// One note per conversion option that would have kept a lost value, naming this command's flag.
    private func hints(_ report: LossReport?, for path: String) -> [String] {
        var seen: Set<PlatformConversionOption> = []
        return (report?.entries ?? []).compactMap(\.option).filter { seen.insert($0).inserted }.map { option in
            switch option {
            case .inlineSystemPrompt:
                "\(path): note: --inline-system-prompt appends the system prompt and post-history instructions to `persona`"
            }
        }
    }

    /// Prints an input's diagnostics: all of them with --verbose, else a one-line summary when there are warnings.
    private func report(_ diagnostics: [Diagnostic], for path: String) {
        if verbose {
            diagnostics.forEach { Console.error($0.line(for: path)) }
            return
        }
        let warnings = diagnostics.filter { $0.severity >= .warning }
        let lost = diagnostics.filter { $0.code == .lostField }
        guard !warnings.isEmpty else { return }
        var parts = ["\(warnings.count) warning\(warnings.count == 1 ? "" : "s")"]
        if !lost.isEmpty { parts.append("\(lost.count) field\(lost.count == 1 ? "" : "s") lost") }
        Console.error(
            "\(path): \(parts.joined(separator: ", ")) (first: \(warnings[0].description)); --verbose lists all")
    }
}

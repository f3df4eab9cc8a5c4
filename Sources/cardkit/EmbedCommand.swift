import ArgumentParser
import CardKit
import Foundation

/// `cardkit embed CARD IMAGE.png -o OUT.png` (or `CARD... IMAGE.png --out-dir DIR`): puts cards into a PNG without
/// touching the image data.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed a card into a PNG image (tEXt 'chara' V2 + 'ccv3' V3 before IEND; image bytes unchanged).",
        discussion: """
            CARD may be any card file CardKit reads (JSON, PNG, CharX, YAML). Every older 'chara'/'ccv3' chunk of \
            IMAGE (tEXt, zTXt or iTXt, any keyword case) is removed; every other chunk is kept byte for byte. The \
            output is written to a temporary file beside it and renamed into place (a device or FIFO is written \
            through); IMAGE is modified only with --in-place, and the output may not be CARD or IMAGE. \
            Several cards (files or folders) go into --out-dir, each embedded into IMAGE and named after the card \
            (CARD.json gives CARD.png), --jobs at once; the output, the files and the exit status are those of one \
            job.
            """ + Examples.text(for: "embed")
    )

    @Argument(
        help: ArgumentHelp(
            "The card to embed (several cards or folders with --out-dir), then the PNG image ('-' reads standard input).",
            valueName: "card> ... <image"),
        completion: .file())
    var paths: [String]

    /// The cards: every path but the last.
    var cards: [String] { Array(paths.dropLast()) }

    /// The image: the last path.
    var image: String { paths.last ?? "-" }

    /// The card of a one-card run.
    var card: String { paths.first ?? "-" }

    /// Whether this run embeds each of several cards (or folders) into the image, into `--out-dir`.
    var isBatch: Bool { outDir != nil || cards.count > 1 }

    @Option(
        name: [.short, .customLong("output")], help: "The PNG to write ('-' for standard output).",
        completion: .file(extensions: ["png"]))
    var output: String?

    @Flag(help: "Replace IMAGE itself (atomically).")
    var inPlace = false

    @Flag(help: "Write only the 'ccv3' chunk (no V2 'chara' backfill).")
    var v3Only = false

    @Flag(help: "Also write the six V1 fields at the root of the embedded cards, as SillyTavern does.")
    var withV1Fields = false

    @Flag(help: "Treat every card leniency as an error.")
    var strict = false

    @Flag(
        name: [.customLong("accept-bad-crc"), .customLong("lenient")],
        help:
            "Accept an IMAGE (or a PNG CARD) whose chunk CRCs do not match, with a warning (--lenient is the old name)."
    )
    var acceptBadCRC = false

    @Option(
        name: .long,
        help: "Write each card's PNG into this directory, named after the card (CARD.json gives CARD.png).")
    var outDir: String?

    @Flag(help: "Replace an -o file that exists.")
    var force = false

    @OptionGroup var parallel: JobsOption

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: FormatOption

    func validate() throws {
        if paths.count < 2 { throw ValidationError("Give the CARD and then the IMAGE to embed it into.") }
        if isBatch {
            if output != nil || inPlace {
                throw ValidationError("Several cards (or --out-dir) write into --out-dir; -o and --in-place take one.")
            }
            if paths.filter({ $0 == "-" }).count > 1 {
                throw ValidationError("Standard input can be read once: one CARD or IMAGE.")
            }
            return
        }
        if output == nil && !inPlace { throw ValidationError("Give -o/--output OUT.png, or --in-place.") }
        if output != nil && inPlace { throw ValidationError("Use either -o/--output or --in-place, not both.") }
        if image == "-", card == "-" { throw ValidationError("Standard input can be read once: CARD or IMAGE.") }
        if image == "-", inPlace { throw ValidationError("--in-place cannot replace standard input.") }
        if format.isMachine, output == "-" {
            throw ValidationError(
                "--format \(format.format.rawValue) prints a record on standard output; give -o FILE.")
        }
        if output == "-", Console.outputIsTerminal {
            throw ValidationError("Standard output is a terminal: PNG is binary; give -o FILE or redirect it.")
        }
        if let output, output != "-", !inPlace, Self.samePath(output, image) {
            throw ValidationError("-o/--output is IMAGE itself; use --in-place to modify the input.")
        }
    }

    func run() async throws {
        var loadOptions = CardLoadOptions()
        loadOptions.read.strict = strict
        if acceptBadCRC { loadOptions.png.crcPolicy = .warn }
        if isBatch { return try runBatch(loadOptions: loadOptions) }

        if inPlace, !OutputWriter.isRegularFile(image) {
            Console.error(Console.describe(OutputError(path: image, kind: .notARegularFile)))
            throw ExitCode(ExitStatus.invalidInput)
        }
        var options = EmbedOptions()
        options.load = loadOptions
        options.v3Only = v3Only
        options.withV1Fields = withV1Fields
        let printer = RecordPrinter(format: format.format)
        let embedded: EmbedResult
        do {
            let cardData = try CardInput(path: card).read(limit: loadOptions.maxFileSize)
            let imageData = try CardInput(path: image).read()
            embedded = try CardEmbedder.embed(
                cardData: cardData, cardPath: card, imageData: imageData, imagePath: image, options: options)
        } catch {
            printer.emit(failure: error, command: "embed")
            try printer.finish()
            return
        }

        let destination = inPlace ? image : (output ?? "-")
        // In place, IMAGE is the output; otherwise neither input may be.
        let inputs = inPlace ? RunInputs([]) : RunInputs([CardInput(path: card), CardInput(path: image)])
        var writer = OutputWriter(destination: .file(destination), inputs: inputs)
        writer.replacesExistingFiles = force || inPlace
        do {
            if destination == "-" {
                Console.outputBytes(embedded.png)
            } else {
                try writer.write(embedded.png, to: destination)
            }
        } catch {
            printer.emit(RunRecord(outputError: error, path: card, command: "embed")) {
                Console.error(Console.describe(error))
            }
            try printer.finish()
            return
        }

        let record = RunRecord(
            path: card, ok: true, kind: "card",
            diagnostics: (embedded.cardDiagnostics + embedded.imageDiagnostics).map(\.jsonValue), command: "embed",
            payload: [
                "output": .string(destination), "image": .string(image), "name": .string(embedded.cardName),
                "replaced": .array(embedded.removedChunks.map { .string($0.description) }),
            ])
        guard !format.isMachine else {
            printer.emit(record) {}
            return try printer.finish()
        }
        let diagnostics =
            embedded.cardDiagnostics.map { $0.line(for: card) } + embedded.imageDiagnostics.map { $0.line(for: image) }
        diagnostics.forEach(Console.detail)
        let removed = embedded.removedChunks.map { $0.description }
        if Console.isVerbose || !removed.isEmpty {
            Console.note(
                "\(destination == "-" ? "stdout" : destination): embedded '\(embedded.cardName)'"
                    + (removed.isEmpty ? "" : "; replaced \(removed.joined(separator: "; "))")
            )
        }
    }

    // MARK: - Several cards

    /// What embedding one card of a batch gave: the result and where it was written, or why not.
    private enum Outcome: Sendable {
        case written(EmbedResult, path: String)
        case failed(CardFileError)
        case notWritten(OutputError)
    }

    /// Embeds each card into the image, one PNG per card in `--out-dir`, `--jobs` cards at once.
    ///
    /// The image is read once. Every output is named in input order before any card is read, so the names, the
    /// records and the exit status are those of one job; each card's PNG is written by the job that made it.
    private func runBatch(loadOptions: CardLoadOptions) throws {
        let printer = RecordPrinter(format: format.format)
        let (inputs, missing, warnings) = CardInputCollector.collectReportingLoops(cards)
        warnings.forEach { Console.note($0) }
        try InputOptions.requireInput(inputs.count + missing.count, searched: cards)
        let imageInput = CardInput(path: image)
        var runInputs = RunInputs(inputs)
        runInputs.add(image)
        var writer = OutputWriter(destination: .directory(outDir ?? "."), inputs: runInputs)
        do {
            try writer.prepare(for: inputs)
        } catch {
            Console.error(Console.describe(error))
            throw ExitCode(ExitStatus.invalidInput)
        }
        let imageData: Data
        switch Result(catching: { () throws(CardFileError) in try imageInput.read() }) {
        case .success(let data): imageData = data
        case .failure(let error):
            printer.emit(failure: error, command: "embed")
            return try printer.finish()
        }
        for path in missing {
            printer.emit(
                failure: CardFileError(path: path, kind: .unreadable, reason: "no such file or directory"),
                command: "embed")
        }
        // Names first, in input order: a name is taken whether or not its card embeds.
        var reserved: [(input: CardInput, path: Result<String, OutputError>)] = []
        for input in inputs {
            reserved.append(
                (input, Result { () throws(OutputError) in try writer.reservePath(for: input, suffix: ".png") ?? "-" }))
        }
        var options = EmbedOptions()
        options.load = loadOptions
        options.v3Only = v3Only
        options.withV1Fields = withV1Fields
        let embedOptions = options
        let imagePath = image
        let outputs = writer
        var embedded = 0
        OrderedParallel.forEach(
            reserved, jobs: parallel.jobs,
            work: { item -> Outcome in
                let destination: String
                switch item.path {
                case .success(let path): destination = path
                case .failure(let error): return .notWritten(error)
                }
                let made = Result { () throws(CardFileError) -> EmbedResult in
                    let cardData = try item.input.read(limit: embedOptions.load.maxFileSize)
                    return try CardEmbedder.embed(
                        cardData: cardData, cardPath: item.input.path, imageData: imageData, imagePath: imagePath,
                        options: embedOptions)
                }
                let result: EmbedResult
                switch made {
                case .success(let embedded): result = embedded
                case .failure(let error): return .failed(error)
                }
                let written = Result { () throws(OutputError) in try outputs.writeReserved(result.png, to: destination)
                }
                if case .failure(let error) = written { return .notWritten(error) }
                return .written(result, path: destination)
            }
        ) { item, outcome in
            let card = item.input.path
            switch outcome {
            case .failed(let error):
                printer.emit(failure: error, command: "embed")
            case .notWritten(let error):
                printer.emit(RunRecord(outputError: error, path: card, command: "embed")) {
                    Console.error(Console.describe(error))
                }
            case .written(let result, let destination):
                embedded += 1
                report(result, card: card, destination: destination, printer: printer)
            }
        }
        if inputs.count + missing.count > 1 {
            Console.note(
                "embedded \(embedded) of \(inputs.count + missing.count) cards into \(image); \(printer.failures) failed"
            )
        }
        try printer.finish()
    }

    /// Prints what embedding `card` gave: its record, or its diagnostics and a note.
    private func report(_ embedded: EmbedResult, card: String, destination: String, printer: RecordPrinter) {
        let record = RunRecord(
            path: card, ok: true, kind: "card",
            diagnostics: (embedded.cardDiagnostics + embedded.imageDiagnostics).map(\.jsonValue), command: "embed",
            payload: [
                "output": .string(destination), "image": .string(image), "name": .string(embedded.cardName),
                "replaced": .array(embedded.removedChunks.map { .string($0.description) }),
            ])
        printer.emit(record) {
            let diagnostics =
                embedded.cardDiagnostics.map { $0.line(for: card) }
                + embedded.imageDiagnostics.map { $0.line(for: image) }
            diagnostics.forEach(Console.detail)
            let removed = embedded.removedChunks.map { $0.description }
            if Console.isVerbose || !removed.isEmpty {
                Console.note(
                    "\(destination): embedded '\(embedded.cardName)'"
                        + (removed.isEmpty ? "" : "; replaced \(removed.joined(separator: "; "))"))
            }
        }
    }

    private static func samePath(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
            == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
    }
}

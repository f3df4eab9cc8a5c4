import ArgumentParser
import CardKit
import Foundation

/// `cardkit embed CARD IMAGE.png -o OUT.png`: puts a card into a PNG without touching the image data.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed a card into a PNG image (tEXt 'chara' V2 + 'ccv3' V3 before IEND; image bytes unchanged).",
        discussion: """
            CARD may be any card file CardKit reads (JSON, PNG, CharX, YAML). Every older 'chara'/'ccv3' chunk of \
            IMAGE (tEXt, zTXt or iTXt, any keyword case) is removed; every other chunk is kept byte for byte. The \
            output is written to a temporary file beside it and renamed into place (a device or FIFO is written \
            through); IMAGE is modified only with --in-place, and the output may not be CARD or IMAGE.
            """ + Examples.text(for: "embed")
    )

    @Argument(help: "The card to embed ('-' reads standard input).", completion: .file())
    var card: String

    @Argument(
        help: "The PNG image to embed it into ('-' reads standard input).", completion: .file(extensions: ["png"]))
    var image: String

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

    @Flag(help: "Replace an -o file that exists.")
    var force = false

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: FormatOption

    func validate() throws {
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

    private static func samePath(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
            == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
    }
}

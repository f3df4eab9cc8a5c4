import ArgumentParser
import CardKit
import Foundation

/// `cardkit strip`: the image of a PNG card, without the card.
struct StripCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strip",
        abstract: "Remove the card from PNG cards: every chara, ccv3 and asset chunk; the image bytes stay.",
        discussion: """
            Card chunks are removed in every chunk kind (tEXt, zTXt, iTXt) and keyword case, and so are the \
            other text chunks (Title, Comment, parameters) unless --keep-text is given. Every other chunk is \
            copied byte for byte. One bad file never stops a batch.
            """
                + Examples.text(for: "strip")
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var records: FormatOption

    @OptionGroup var input: InputOptions

    @OptionGroup var out: OutputOptions

    @Flag(help: "Keep the text chunks that are not card chunks (Title, Comment, ...).")
    var keepText = false

    func validate() throws {
        try out.check(paths: input.paths)
        if out.output == "-", Console.outputIsTerminal {
            throw ValidationError("Standard output is a terminal: a PNG is binary; give -o FILE or redirect it.")
        }
        if records.isMachine, out.output == "-" {
            throw ValidationError("--format \(records.format.rawValue) prints records: write the image with -o FILE.")
        }
        if out.output == nil, out.outDir == nil, !out.inPlace {
            throw ValidationError("Give -o/--output IMAGE.png, --out-dir DIR or --in-place.")
        }
    }

    func run() async throws {
        let (inputs, missing) = try input.collect()
        let printer = RecordPrinter(format: records.format)
        missing.forEach { printer.emit(failure: $0, command: "strip") }
        let pngs = inputs.filter { $0.root == nil || ["png", "apng"].contains($0.url.pathExtension.lowercased()) }
        if out.output != nil, pngs.count > 1 {
            Console.error("error: \(pngs.count) inputs need --out-dir")
            throw ExitCode(ExitStatus.usage)
        }
        var writer = try out.writer(guarding: RunInputs(pngs), for: pngs)
        var options = input.loadOptions
        options.read.strict = false
        for item in pngs {
            do {
                let result = try CardStripper.strip(item, keepingOtherText: keepText, options: options)
                let written = try writer.write(result.png, for: item, fileExtension: "png", suffix: ".png")
                let keywords = result.removedChunks.map { "\($0.chunkType.rawValue) '\($0.keyword)'" }
                let removed = keywords.isEmpty ? "no card chunk found" : "removed \(keywords.joined(separator: ", "))"
                let outputPath = if case .file(let path) = written { path } else { "-" }
                let record = RunRecord(
                    path: item.path, ok: true, kind: "card", diagnostics: result.diagnostics.map(\.jsonValue),
                    command: "strip",
                    payload: [
                        "output": .string(outputPath),
                        "removed": .array(result.removedChunks.map { .string($0.keyword) }),
                    ])
                printer.emit(record) {
                    for diagnostic in result.diagnostics where diagnostic.severity >= .warning {
                        Console.error("\(item.path): \(diagnostic)")
                    }
                    if case .standardOutput = written {
                        Console.error("\(item.path): \(removed)")
                    } else {
                        Console.error("\(item.path): \(removed) -> \(outputPath)")
                    }
                }
                if case .standardOutput(let bytes) = written { Console.outputBytes(bytes) }
            } catch let error as CardAuthoringError {
                printer.emit(RunRecord(authoringFailure: error, command: "strip")) { Console.error(error.description) }
            } catch let error as OutputError {
                printer.emit(RunRecord(outputError: error, path: item.path, command: "strip")) {
                    Console.error(Console.describe(error))
                }
            } catch {
                let failure = CardFileError(path: item.path, kind: .unreadable, reason: "\(error)")
                printer.emit(failure: failure, command: "strip")
            }
        }
        try printer.finish()
    }
}

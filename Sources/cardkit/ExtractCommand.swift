import ArgumentParser
import CardKit
import Foundation

/// `cardkit extract`: the card JSON exactly as stored in the file.
struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Print the card JSON exactly as stored in the file (for a PNG, the chosen chunk's payload).",
        discussion:
            "With --out-dir, each input's JSON is written to DIR/<name>.json instead (CharX archives are unpacked); "
            + "--format json or jsonl then prints a record per input." + Examples.text(for: "extract")
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: FormatOption

    @Option(name: .long, help: "Write each extracted card (or unpacked CharX) into this directory.")
    var outDir: String?

    func validate() throws {
        if outDir == nil, input.paths.count > 1 || input.paths.contains(where: isDirectory) || input.filesFrom != nil {
            throw ValidationError("Extracting several files needs --out-dir.")
        }
        if format.isMachine, outDir == nil {
            throw ValidationError(
                "--format \(format.format.rawValue) prints records on standard output; give --out-dir.")
        }
    }

    private func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    @OptionGroup var parallel: JobsOption

    func run() async throws {
        let (inputs, missing) = try input.collect()
        let printer = RecordPrinter(format: format.format)
        missing.forEach { printer.emit(failure: $0, command: "extract") }
        var writer = OutputWriter(
            destination: outDir.map { .directory($0) } ?? .standardOutput, inputs: RunInputs(inputs))
        do {
            try writer.prepare(for: inputs)
        } catch {
            Console.error(Console.describe(error))
            throw ExitCode(ExitStatus.invalidInput)
        }
        let options = input.loadOptions
        let unpacking = outDir != nil
        OrderedParallel.forEach(
            inputs, jobs: parallel.jobs,
            work: { item -> Result<Extraction, CardFileError> in
                Result { () throws(CardFileError) in
                    try CardExtractor.extract(item, options: options, unpackingArchives: unpacking)
                }
            }
        ) { item, extracted in
            do {
                switch try extracted.get() {
                case .storedJSON(let json):
                    let written = try writer.write(json, for: item, fileExtension: "json", suffix: ".json")
                    switch written {
                    case .standardOutput(let bytes): Console.outputBytes(bytes)
                    case .file(let path): printer.emit(Self.record(item, output: path, diagnostics: [])) {}
                    }
                case .archive(let document):
                    guard let folder = try writer.folder(for: item) else { return }
                    let written: [URL]
                    do {
                        written = try document.unpack(to: folder)
                    } catch {
                        throw CardFileError(path: item.path, kind: .invalidContainer, reason: "\(error)")
                    }
                    printer.emit(Self.record(item, output: folder.path, diagnostics: document.allDiagnostics)) {
                        document.allDiagnostics.forEach { Console.diagnostic($0, path: item.path) }
                        Console.note("\(item.path): unpacked \(written.count) files into \(folder.path)")
                    }
                }
            } catch let error as CardFileError {
                printer.emit(failure: error, command: "extract")
            } catch let error as OutputError {
                printer.emit(RunRecord(outputError: error, path: item.path, command: "extract")) {
                    Console.error(Console.describe(error))
                }
            } catch {
                printer.emit(
                    failure: CardFileError(path: item.path, kind: .unreadable, reason: "\(error)"), command: "extract")
            }
        }
        try printer.finish()
    }

    /// The record of an input extracted to `output`.
    private static func record(_ item: CardInput, output: String, diagnostics: [Diagnostic]) -> RunRecord {
        RunRecord(
            path: item.path, ok: true, kind: "card", diagnostics: diagnostics.map(\.jsonValue), command: "extract",
            payload: ["output": .string(output)])
    }
}

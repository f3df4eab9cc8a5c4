import ArgumentParser
import CardKit
import Foundation

/// `cardkit extract`: the card JSON exactly as stored in the file.
struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Print the card JSON exactly as stored in the file (for a PNG, the chosen chunk's payload).",
        discussion:
            "With --out-dir, each input's JSON is written to DIR/<name>.json instead (CharX archives are unpacked)."
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Write each extracted card (or unpacked CharX) into this directory.")
    var outDir: String?

    func validate() throws {
        if outDir == nil, input.paths.count > 1 || input.paths.contains(where: isDirectory) {
            throw ValidationError("Extracting several files needs --out-dir.")
        }
    }

    private func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    func run() async throws {
        let (inputs, missing) = try input.collect()
        var failures = missing.count
        missing.forEach { Console.error($0.description) }
        var writer = OutputWriter(
            destination: outDir.map { .directory($0) } ?? .standardOutput, inputs: RunInputs(inputs))
        do {
            try writer.prepare(for: inputs)
        } catch {
            Console.error(Console.describe(error))
            throw ExitCode(ExitStatus.invalidInput)
        }
        for item in inputs {
            do {
                switch try CardExtractor.extract(item, options: input.loadOptions, unpackingArchives: outDir != nil) {
                case .storedJSON(let json):
                    let written = try writer.write(json, for: item, fileExtension: "json", suffix: ".json")
                    if case .standardOutput(let bytes) = written { Console.outputBytes(bytes) }
                case .archive(let document):
                    guard let folder = try writer.folder(for: item) else { continue }
                    let written: [URL]
                    do {
                        written = try document.unpack(to: folder)
                    } catch {
                        throw CardFileError(path: item.path, kind: .invalidContainer, reason: error.description)
                    }
                    for diagnostic in document.allDiagnostics {
                        Console.diagnostic(diagnostic, path: item.path)
                    }
                    Console.note("\(item.path): unpacked \(written.count) files into \(folder.path)")
                }
            } catch let error as CardFileError {
                failures += 1
                Console.error(error.description)
            } catch let error as OutputError {
                failures += 1
                Console.error(Console.describe(error))
            } catch {
                failures += 1
                Console.error("\(item.path): error: \(error)")
            }
        }
        if failures > 0 { throw ExitCode(ExitStatus.invalidInput) }
    }
}

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
        let (inputs, missing) = input.collect()
        var failures = missing.count
        missing.forEach { Console.error($0.description) }
        let runInputs = RunInputs(inputs)
        if let outDir {
            try? FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        }
        for item in inputs {
            do {
                if let outDir, try extractArchive(item, to: URL(fileURLWithPath: outDir)) { continue }
                let loaded = try CardFileLoader.load(item, options: input.loadOptions)
                if let outDir {
                    let name = (item.relativePath as NSString).deletingPathExtension.replacingOccurrences(
                        of: "/", with: "_")
                    let destination = URL(fileURLWithPath: outDir).appendingPathComponent(name + ".json")
                    try runInputs.refuse(destination.path)
                    try AtomicFile.write(loaded.storedJSON, to: destination)
                } else {
                    Console.outputBytes(loaded.storedJSON)
                }
            } catch let error as CardFileError {
                failures += 1
                Console.error(error.description)
            } catch let error as AtomicFile.WriteError {
                failures += 1
                Console.error(error.description)
            } catch {
                failures += 1
                Console.error("\(item.path): error: \(error)")
            }
        }
        if failures > 0 { throw ExitCode(ExitStatus.invalidInput) }
    }
}

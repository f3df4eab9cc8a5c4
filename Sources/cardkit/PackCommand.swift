import ArgumentParser
import CardKit
import Foundation

/// `cardkit pack DIR -o CARD`: a card folder back into a card file.
struct PackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Turn a folder written by `cardkit unpack` back into a card (.json, .png or .charx).",
        discussion: """
            The container is taken from the output's extension (or --to). Files are read in name order, so \
            renaming lorebook/002-x.md to lorebook/000-x.md moves the entry first, and a new .md file there adds \
            an entry. The output is written atomically and never over a file of the folder.
            """
                + Examples.text(for: "pack")
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Replace an -o file that exists.")
    var force = false

    @Argument(help: "The folder written by `cardkit unpack`.")
    var directory: String

    @Option(name: [.short, .customLong("output")], help: "The card file to write ('-' for standard output).")
    var output: String

    @Option(help: "The container: json, png or charx (default: from the output's extension).")
    var to: String?

    func validate() throws {
        if let to, CardFolderTarget(rawValue: to.lowercased()) == nil {
            throw ValidationError("--to takes json, png or charx.")
        }
        if to == nil, CardFolderTarget(path: output) == nil {
            throw ValidationError("Name the output .json, .png or .charx, or give --to.")
        }
        let target = to.flatMap { CardFolderTarget(rawValue: $0.lowercased()) } ?? CardFolderTarget(path: output)
        if output == "-", target != .json, Console.outputIsTerminal {
            throw ValidationError(
                "Standard output is a terminal: a \(target?.rawValue.uppercased() ?? "") card is binary; give -o FILE or redirect it."
            )
        }
    }

    func run() async throws {
        let target = to.flatMap { CardFolderTarget(rawValue: $0.lowercased()) } ?? CardFolderTarget(path: output)
        guard let target else { throw ExitCode(ExitStatus.usage) }
        do {
            let result = try CardFolder.pack(URL(fileURLWithPath: directory, isDirectory: true), as: target)
            for diagnostic in result.diagnostics { Console.error("\(directory): \(diagnostic)") }
            let inputs = RunInputs([CardInput(path: (directory as NSString).appendingPathComponent("card.json"))])
            var writer = OutputWriter(destination: .file(output), inputs: inputs)
            writer.replacesExistingFiles = force
            let item = CardInput(path: directory)
            let written = try writer.write(
                result.bytes, for: item, fileExtension: target.rawValue, suffix: "." + target.rawValue)
            if case .standardOutput(let bytes) = written { Console.outputBytes(bytes) }
        } catch let error as CardAuthoringError {
            Console.error(error.description)
            throw ExitCode(ExitStatus.invalidInput)
        } catch let error as OutputError {
            Console.error(Console.describe(error))
            throw ExitCode(ExitStatus.invalidInput)
        }
    }
}

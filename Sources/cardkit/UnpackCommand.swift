import ArgumentParser
import CardKit
import Foundation

/// `cardkit unpack CARD DIR`: a card as a folder of files to edit and keep in git.
struct UnpackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpack",
        abstract:
            "Turn a card (JSON, PNG or CharX) into a folder of files: long texts as .md, one file per greeting and lorebook entry.",
        discussion: """
            The layout is described in docs/card-folder.md. DIR must not exist or be empty. `cardkit pack DIR -o \
            CARD` turns the folder back into a card; an untouched folder gives back the same card.
            """
                + Examples.text(for: "unpack")
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The card ('-' reads standard input).")
    var card: String

    @Argument(help: "The folder to write.")
    var directory: String

    @Flag(help: "Treat every leniency as an error when reading.")
    var strict = false

    func run() async throws {
        var options = CardLoadOptions()
        options.read.strict = strict
        do throws(CardAuthoringError) {
            let input = CardInput(path: card)
            let data: Data
            do {
                data = try input.read(limit: options.maxFileSize)
            } catch {
                throw CardAuthoringError(error)
            }
            let written = try CardFolder.unpack(
                data: data, path: card, to: URL(fileURLWithPath: directory, isDirectory: true), options: options)
            Console.error("\(card): unpacked \(written.count) files into \(directory)")
        } catch {
            Console.error(error.description)
            throw ExitCode(ExitStatus.invalidInput)
        }
    }
}

import ArgumentParser
import Foundation

@main
struct CardKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cardkit",
        abstract: "Read, validate, convert and upload AI character cards and personas.",
        discussion: """
            Exit codes: 0 when every input was fine, 1 when some input was invalid or unreadable \
            (each is named on standard error), 2 on a usage error.
            """,
        version: "0.1.0",
        subcommands: [
            InspectCommand.self,
            ExtractCommand.self,
            ConvertCommand.self,
            EmbedCommand.self,
            ValidateCommand.self,
            SchemaCommand.self,
            PersonasCommand.self,
            EditCommand.self,
            StripCommand.self,
            DiffCommand.self,
            UnpackCommand.self,
            PackCommand.self,
        ] + uploadSubcommands
    )

    /// Runs the command, mapping ArgumentParser's usage-error code (64) to our 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                if !message.isEmpty { Console.error(message) }
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

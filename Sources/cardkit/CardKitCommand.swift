import ArgumentParser
import CardKit
import Foundation

@main
struct CardKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cardkit",
        abstract: "Read, validate, convert and upload AI character cards and personas.",
        discussion: """
            Exit codes: 0 when every input was fine, 1 when some input was invalid or unreadable \
            (each is named on standard error), 2 on a usage error or when the paths given hold no input. \
            Every command takes -q (errors only) and -v (every diagnostic); the commands that report on inputs \
            take --format text|json|jsonl (records of schemas/cli-record.json). The manual page is docs/cardkit.1 \
            (swift package generate-manual --configuration debug --date 2026-12-02 --authors CardKit, on the full \
            build).
            """,
        version: CardKitVersion.current,
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
        ] + uploadSubcommands + serveSubcommands
    )

    /// Runs the command, mapping ArgumentParser's usage-error code (64) to our 2 and its messages to our style.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let unknown = CommandSuggestion.unknownSubcommand(in: arguments, of: Self.self) {
            Console.error(unknown, path: nil)
            Foundation.exit(ExitStatus.usage)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
                if let first = lines.first, !first.isEmpty {
                    let text = first.hasPrefix("Error: ") ? String(first.dropFirst("Error: ".count)) : String(first)
                    Console.error(text, path: nil)
                    let rest = lines.dropFirst().joined(separator: "\n")
                    if !rest.isEmpty { FileHandle.standardError.write(Data((rest + "\n").utf8)) }
                }
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// "Did you mean" for a misspelt subcommand.
enum CommandSuggestion {
    /// The message for the first argument that should name a subcommand and names none, if there is one.
    ///
    /// - Parameters:
    ///   - arguments: The command line, without the program's name.
    ///   - root: The root command.
    /// - Returns: `unknown command 'inpsect'; did you mean 'inspect'?`, or nil when the command line names its
    ///   subcommands (or has no subcommand position).
    static func unknownSubcommand(in arguments: [String], of root: any ParsableCommand.Type) -> String? {
        var command = root
        var words: [String] = []
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !argument.hasPrefix("-") else { return nil }
            let names = subcommands.compactMap { $0.configuration.commandName } + ["help"]
            if let next = subcommands.first(where: { $0.configuration.commandName == argument }) {
                command = next
                words.append(argument)
                continue
            }
            if argument == "help" { return nil }
            let scope = (["cardkit"] + words).joined(separator: " ")
            let best = names.map { ($0, distance(argument.lowercased(), $0)) }.min { $0.1 < $1.1 }
            if let best, best.1 <= max(2, best.0.count / 3) {
                return "unknown command '\(argument)'; did you mean '\(scope) \(best.0)'?"
            }
            return "unknown command '\(argument)'; '\(scope) --help' lists the commands"
        }
        return nil
    }

    /// The Damerau-Levenshtein distance (with adjacent transpositions) between two words.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}

import ArgumentParser
import CardKit
import Foundation

/// `cardkit schema`: validate any JSON against any schema, and list or print the shipped schemas.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Check JSON files against a JSON Schema, or list and print CardKit's schemas.",
        subcommands: [CheckCommand.self, ListCommand.self, ShowCommand.self]
    )

    /// `cardkit schema check --schema FILE INSTANCE...`.
    struct CheckCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate JSON files against a schema file (Draft 2020-12 or Draft-07) or a shipped schema.",
            discussion: """
                The schema's `$ref`s may point at CardKit's shipped schemas (https://cardkit.dev/schemas/…); \
                nothing is fetched from the network. Exit codes: 0 when every instance is valid, 1 when any is \
                invalid or unreadable, 2 on a usage error (including a schema that does not compile). A PNG or \
                CharX card is read as `validate` reads it: its card JSON is checked.
                """ + Examples.text(for: "schema check")
        )

        @Option(
            help: "The schema: a file, or a shipped schema's name.",
            completion: .list(CardSchemaName.allCases.map(\.rawValue)))
        var schema: String

        @Argument(
            help: "JSON files or directories (walked recursively); '-' reads standard input.", completion: .file())
        var instances: [String]

        @Flag(help: "For a shipped card schema, use the strict profile instead of the lenient one.")
        var strict = false

        @Option(help: "Output format: text, json, jsonl, sarif or github.")
        var format: ValidationFormat = .text

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if instances.isEmpty { throw ValidationError("Give at least one JSON file.") }
            if case .auto = try CardSchemaSelection.parse(schema) {
                throw ValidationError(
                    "--schema must name a schema file or a shipped schema; use `cardkit validate` for auto.")
            }
        }

        func run() async throws {
            let selection = try CardSchemaSelection.parse(schema)
            let printer = ValidationPrinter(format: format, command: "schema")
            let (inputs, missing, warnings) = CardInputCollector.collectReportingLoops(instances)
            warnings.forEach { Console.note($0) }
            try InputOptions.requireInput(inputs.count + missing.count, searched: instances)
            for path in missing {
                printer.emit(ValidationRecord(file: path, failure: "no such file or directory"))
            }
            for item in inputs {
                // The same reading as `validate --schema`: a PNG or CharX card's JSON is checked.
                printer.emit(
                    DocumentValidator.record(
                        for: item, selection: selection, profile: strict ? .strict : .lenient,
                        options: CardLoadOptions(), decodeImage: false))
            }
            try printer.finish()
        }
    }

    /// `cardkit schema list`.
    struct ListCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the shipped schemas with their profiles and $ids.",
            discussion: Examples.text(for: "schema list"))

        @OptionGroup var global: GlobalOptions

        @OptionGroup var format: FormatOption

        func run() async throws {
            let printer = RecordPrinter(format: format.format)
            for name in CardSchemaName.allCases {
                let profiles: [CardSchemaProfile] = name.hasProfiles ? [.strict, .lenient] : [.strict]
                for profile in profiles {
                    let label = name.hasProfiles ? profile.rawValue : "-"
                    let id = name.id(profile: profile)
                    let record = RunRecord(
                        path: id, ok: true, kind: "schema", diagnostics: [], command: "schema",
                        payload: ["name": .string(name.rawValue), "profile": .string(label), "id": .string(id)])
                    printer.emit(record) {
                        Console.output(
                            "\(name.rawValue.padding(toLength: 34, withPad: " ", startingAt: 0)) \(label.padding(toLength: 8, withPad: " ", startingAt: 0)) \(id)"
                        )
                    }
                }
            }
            try printer.finish()
        }
    }

    /// `cardkit schema show NAME [--strict]`.
    struct ShowCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Print a shipped schema exactly as built into CardKit.",
            discussion: Examples.text(for: "schema show"))

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The schema's name (see `cardkit schema list`).")
        var name: String

        @Flag(help: "Print the strict profile instead of the lenient one.")
        var strict = false

        func validate() throws {
            if CardSchemaName(name: name) == nil {
                throw ValidationError(CardSchemaError.unknownSchema(name).description)
            }
        }

        func run() async throws {
            guard let schemaName = CardSchemaName(name: name),
                let document = CardSchemaCatalog.shared.document(schemaName.id(profile: strict ? .strict : .lenient))
            else { throw ValidationError(CardSchemaError.unknownSchema(name).description) }
            FileHandle.standardOutput.write(Data(document.text.utf8))
        }
    }
}

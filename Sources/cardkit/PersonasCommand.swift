import ArgumentParser
import CardKit
import Foundation

/// `cardkit personas`: user personas (SillyTavern import).
struct PersonasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "personas",
        abstract: "Import user personas into CardKit persona files.",
        subcommands: [PersonasImportCommand.self]
    )
}

/// `cardkit personas import PATH --out-dir DIR`.
struct PersonasImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import SillyTavern personas: one persona file per persona, avatar alongside.",
        discussion: """
            PATH is SillyTavern's settings.json, a personas_*.json backup, or a folder holding one (for example \
            data/default-user). Images are read from the 'User Avatars' folder beside it (or --avatars). Each \
            persona is written as <name>.persona.json with its image as <name>.<ext>.
            """
    )

    @Argument(help: "settings.json, a personas_*.json backup, or a folder holding one.")
    var path: String

    @Option(name: .long, help: "The folder to write persona files into (created when missing).")
    var outDir: String

    @Option(name: .long, help: "The 'User Avatars' folder (default: the one beside PATH).")
    var avatars: String?

    @OptionGroup var global: GlobalOptions

    @OptionGroup var records: FormatOption

    func run() async throws {
        var options = PersonaImportOptions()
        options.avatarsDirectory = avatars.map { URL(fileURLWithPath: $0, isDirectory: true) }
        let result: PersonaImportResult
        let written: [URL]
        let printer = RecordPrinter(format: records.format)
        do {
            result = try SillyTavernPersonaImporter.load(from: URL(fileURLWithPath: path), options: options)
            written = try SillyTavernPersonaImporter.write(
                result.personas, to: URL(fileURLWithPath: outDir, isDirectory: true))
        } catch {
            let failure = RunRecord(
                path: path, ok: false, kind: "persona",
                diagnostics: [
                    RunRecord.diagnostic(severity: "error", code: "import-failed", message: error.description)
                ],
                command: "personas")
            printer.emit(failure) { Console.error(error.description) }
            try printer.finish()
            return
        }
        let imported: [JSONValue] = zip(result.personas, written).map { persona, url in
            [
                "name": .string(persona.persona.name), "output": .string(url.path),
                "avatar": .bool(persona.avatarData != nil),
            ]
        }
        let record = RunRecord(
            path: path, ok: true, kind: "persona", diagnostics: result.diagnostics.map(\.jsonValue),
            command: "personas", payload: ["imported": .array(imported)])
        printer.emit(record) {
            result.diagnostics.forEach { Console.diagnostic($0, path: path) }
            for url in written { Console.output(url.path) }
            let withAvatar = result.personas.filter { $0.avatarData != nil }.count
            Console.note(
                "imported \(Console.count(written.count, "persona")) (\(withAvatar) with avatars) into \(outDir)")
        }
        try printer.finish()
    }
}

import ArgumentParser
import CardKit
import Foundation

/// `cardkit edit`: changes cards in place or into new files, in any container.
struct EditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change fields, tags or anything else of cards (JSON, PNG or CharX), keeping the container.",
        discussion: """
            FIELD is a card field name (name, first_mes, extensions.depth_prompt.prompt) or a JSON Pointer into \
            the V3 card (/data/character_book/entries/0/content). The edits apply in this order: --patch, --set, \
            --set-json, --unset, --add-tag, --remove-tag. A PNG keeps its image and every other chunk; a CharX \
            keeps its assets. data.modification_date is set to now when the card changed (unless --keep-date). A \
            card the edits do not change is not written. One bad file never stops a batch.
            """
                + Examples.text(for: "edit")
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var records: FormatOption

    @OptionGroup var input: InputOptions

    @OptionGroup var out: OutputOptions

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a text field.", valueName: "FIELD=TEXT"))
    var sets: [String] = []

    @Option(name: .customLong("set-json"), help: ArgumentHelp("Set a field to a JSON value.", valueName: "FIELD=JSON"))
    var setJSONs: [String] = []

    @Option(name: .customLong("unset"), help: ArgumentHelp("Remove a field.", valueName: "FIELD"))
    var unsets: [String] = []

    @Option(name: .customLong("add-tag"), help: ArgumentHelp("Add a tag (repeatable).", valueName: "TAG"))
    var addTags: [String] = []

    @Option(name: .customLong("remove-tag"), help: ArgumentHelp("Remove a tag (repeatable).", valueName: "TAG"))
    var removeTags: [String] = []

    @Option(
        help: ArgumentHelp("Apply an RFC 6902 JSON Patch to the V3 card ('-' reads standard input).", valueName: "FILE")
    )
    var patch: String?

    @Flag(help: "Leave data.modification_date as it is.")
    var keepDate = false

    func validate() throws {
        try out.check(paths: input.paths)
        if sets.isEmpty, setJSONs.isEmpty, unsets.isEmpty, addTags.isEmpty, removeTags.isEmpty, patch == nil {
            throw ValidationError(
                "Give at least one edit: --set, --set-json, --unset, --add-tag, --remove-tag or --patch.")
        }
        if patch == "-", input.paths.contains("-") {
            throw ValidationError("Standard input can be either the card or the patch, not both.")
        }
        for item in sets where !item.contains("=") { throw ValidationError("--set takes FIELD=TEXT, got '\(item)'.") }
        for item in setJSONs where !item.contains("=") {
            throw ValidationError("--set-json takes FIELD=JSON, got '\(item)'.")
        }
    }

    func run() async throws {
        let edits = try makeEdits()
        let (inputs, missing) = try input.collect()
        let printer = RecordPrinter(format: records.format)
        missing.forEach { printer.emit(failure: $0, command: "edit") }
        if records.isMachine, out.isStandardOutput {
            Console.error(
                "error: --format \(records.format.rawValue) prints records: write the card with -o, --out-dir or --in-place"
            )
            throw ExitCode(ExitStatus.usage)
        }
        if out.outDir == nil, !out.inPlace, inputs.count > 1 {
            Console.error("error: \(inputs.count) inputs need --out-dir or --in-place (or edit one file at a time)")
            throw ExitCode(ExitStatus.usage)
        }
        var runInputs = RunInputs(inputs)
        if let patch, patch != "-" { runInputs.add(patch) }
        var options = CardEditOptions()
        options.load = input.loadOptions
        if keepDate { options.now = nil }
        var writer = try out.writer(guarding: runInputs, for: inputs)
        var edited = 0
        var unchanged = 0
        for item in inputs {
            do {
                let result = try CardEditor.edit(item, edits: edits, options: options)
                let diagnostics = result.diagnostics.map(\.jsonValue)
                guard result.changed else {
                    unchanged += 1
                    let record = RunRecord(
                        path: item.path, ok: true, kind: "card", diagnostics: diagnostics, command: "edit",
                        payload: ["changed": false])
                    printer.emit(record) { Console.error("\(item.path): unchanged; not written") }
                    if out.isStandardOutput { Console.outputBytes(result.bytes) }
                    continue
                }
                if result.fileExtension != "json", out.isStandardOutput,
                    Console.outputIsTerminal
                {
                    Console.error(
                        "error: standard output is a terminal: a \(result.fileExtension.uppercased()) card is binary; give -o FILE or redirect it"
                    )
                    throw ExitCode(ExitStatus.usage)
                }
                let written = try writer.write(
                    result.bytes, for: item, fileExtension: result.fileExtension, suffix: "." + result.fileExtension)
                let outputPath = if case .file(let path) = written { path } else { "-" }
                let record = RunRecord(
                    path: item.path, ok: true, kind: "card", diagnostics: diagnostics, command: "edit",
                    payload: ["changed": true, "output": .string(outputPath)])
                printer.emit(record) {
                    if outputPath != item.path && outputPath != "-" || inputs.count > 1 {
                        Console.error("\(item.path): edited -> \(outputPath)")
                    }
                }
                if case .standardOutput(let bytes) = written { Console.outputBytes(bytes) }
                edited += 1
            } catch let error as CardAuthoringError {
                printer.emit(RunRecord(authoringFailure: error, command: "edit")) { Console.error(error.description) }
            } catch let error as OutputError {
                printer.emit(RunRecord(outputError: error, path: item.path, command: "edit")) {
                    Console.error(Console.describe(error))
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                printer.emit(
                    failure: CardFileError(path: item.path, kind: .unreadable, reason: "\(error)"), command: "edit")
            }
        }
        if inputs.count + missing.count > 1, printer.format == .text {
            Console.error(
                "edited \(edited) of \(inputs.count + missing.count) inputs; \(unchanged) unchanged; \(printer.failures) failed"
            )
        }
        try printer.finish()
    }

    /// The edits the flags ask for, in the documented order; a malformed value or patch is a usage error.
    private func makeEdits() throws -> [CardEdit] {
        var edits: [CardEdit] = []
        if let patch {
            let source = patch == "-" ? "(standard input)" : patch
            let value: JSONValue
            do {
                let data = try CardInput(path: patch).read()
                value = try JSONParser.parse(data).value
            } catch let error as CardFileError {
                Console.error(error.description)
                throw ExitCode(ExitStatus.usage)
            } catch {
                Console.error("\(source): error: invalid JSON: \(error)")
                throw ExitCode(ExitStatus.usage)
            }
            do {
                edits.append(.patch(try JSONPatch(json: value), source: source))
            } catch {
                Console.error("\(source): error: \(error)")
                throw ExitCode(ExitStatus.usage)
            }
        }
        for item in sets {
            let (field, text) = split(item)
            edits.append(.set(field: field, text: text))
        }
        for item in setJSONs {
            let (field, text) = split(item)
            do {
                edits.append(.setJSON(field: field, value: try JSONParser.parse(text).value))
            } catch {
                Console.error("error: --set-json \(field): invalid JSON: \(error)")
                throw ExitCode(ExitStatus.usage)
            }
        }
        edits += unsets.map { .unset(field: $0) }
        edits += addTags.map { .addTag($0) }
        edits += removeTags.map { .removeTag($0) }
        return edits
    }

    private func split(_ item: String) -> (String, String) {
        guard let equals = item.firstIndex(of: "=") else { return (item, "") }
        return (String(item[..<equals]), String(item[item.index(after: equals)...]))
    }
}

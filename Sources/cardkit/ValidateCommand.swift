import ArgumentParser
import CardKit

/// `cardkit validate`: checks cards (JSON, PNG, CharX), books, World Info and personas against CardKit's schemas.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate cards, lorebooks, World Info and personas against CardKit's JSON Schemas.",
        discussion: """
            The schema is chosen from each document (--schema auto): its `spec` (chara_card_v3, chara_card_v2, \
            lorebook_v3), a persona's `type`, World Info `entries`, else V1. For a PNG card the JSON of the chosen \
            chunk (ccv3 before chara) is validated and the chunk is named. The lenient profile (the default) accepts \
            what SillyTavern and RisuAI accept; --strict holds cards to the specs exactly.

            Exit codes: 0 when every file is valid, 1 when any is invalid or unreadable, 2 on a usage error \
            (including a --schema file that does not compile, or no input found).
            """ + Examples.text(for: "validate")
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var global: GlobalOptions

    @Option(
        help:
            "'auto', a schema name (v1, v2, v3, book-v2, book-v3, worldinfo, persona, spicychat-character, …), or a schema file.",
        completion: .list(["auto"] + CardSchemaName.allCases.map(\.rawValue))
    )
    var schema = "auto"

    @Option(
        help:
            "Output format: text, json (one array of records), jsonl (one record per line), sarif (SARIF 2.1.0), github (workflow commands)."
    )
    var format: ValidationFormat = .text

    @Flag(help: "For PNG cards, also decode the whole image with libpng and report what it finds.")
    var image = false

    @OptionGroup var parallel: JobsOption

    func validate() throws {
        _ = try CardSchemaSelection.parse(schema)
    }

    func run() async throws {
        let selection = try CardSchemaSelection.parse(schema)
        let printer = ValidationPrinter(format: format)
        let (inputs, missing) = try input.collect()
        for failure in missing {
            printer.emit(ValidationRecord(file: failure.path, failure: failure.reason))
        }
        var options = input.loadOptions
        options.read.strict = false  // Strictness here is the schema profile, not the reader's.
        let profile: CardSchemaProfile = input.strict ? .strict : .lenient
        let decodeImage = image
        OrderedParallel.forEach(
            inputs, jobs: parallel.jobs,
            work: { [options] item in
                DocumentValidator.record(
                    for: item, selection: selection, profile: profile, options: options, decodeImage: decodeImage)
            }
        ) { _, record in printer.emit(record) }
        try printer.finish()
    }
}

import ArgumentParser
import CardKit
import Foundation

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
            (including a --schema file that does not compile).
            """
    )

    @OptionGroup var input: InputOptions

    @Option(
        help:
            "'auto', a schema name (v1, v2, v3, book-v2, book-v3, worldinfo, persona, spicychat-character, …), or a schema file."
    )
    var schema = "auto"

    @Option(
        help:
            "Output format: text, json (one object per file per line), sarif (SARIF 2.1.0), github (workflow commands)."
    )
    var format: ValidationOutputStyle = .text

    @Flag(help: "For PNG cards, also decode the whole image with libpng and report what it finds.")
    var image = false

    func validate() throws {
        _ = try SchemaChoice(argument: schema)
    }

    func run() async throws {
        let choice = try SchemaChoice(argument: schema)
        let printer = ValidationPrinter(style: format)
        let (inputs, missing) = input.collect()
        for failure in missing {
            printer.emit(ValidationRecord(file: failure.path, failure: failure.reason))
        }
        var options = input.loadOptions
        options.read.strict = false  // Strictness here is the schema profile, not the reader's.
        for item in inputs {
            printer.emit(
                CardDocumentValidation.record(
                    for: item, selection: choice.selection, profile: input.strict ? .strict : .lenient,
                    options: options, decodeImage: image))
        }
        try printer.finish()
    }
}

/// Takes the JSON out of a file's container and validates it.
enum CardDocumentValidation {
    /// The record for one input file.
    /// - Parameters:
    ///   - input: The file.
    ///   - selection: The schema.
    ///   - profile: Strict or lenient.
    ///   - options: Size limits and the PNG CRC policy.
    ///   - decodeImage: Whether PNG images are fully decoded by libpng as well.
    /// - Returns: The input's validation result, or the reason it could not be read.
    static func record(
        for input: CardInput, selection: CardSchemaSelection, profile: CardSchemaProfile, options: CardLoadOptions,
        decodeImage: Bool
    ) -> ValidationRecord {
        let data: Data
        do {
            data = try input.read(limit: options.maxFileSize)
        } catch {
            return ValidationRecord(file: input.path, failure: error.reason)
        }
        let file = input.path
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if data.starts(with: pngSignature) {
            return pngRecord(
                data: data, file: file, selection: selection, profile: profile, options: options,
                decodeImage: decodeImage)
        }
        let bytes = [UInt8](data)
        if looksLikeText(bytes) {
            let parsed = CardValidator.record(
                jsonBytes: bytes, file: file, schema: selection, profile: profile, parseOptions: options.read.json)
            if parsed.failure == nil || !(parsed.failure?.hasPrefix("not valid JSON") ?? false) { return parsed }
            // Not JSON: a YAML character, if the loader reads one; otherwise the JSON error stands.
            if let loaded = try? CardFileLoader.load(data: data, path: file, options: options),
                loaded.container == .yaml
            {
                return CardValidator.record(
                    json: loaded.card.json, file: file, container: "card converted from text-generation-webui YAML",
                    schema: selection, profile: profile)
            }
            return parsed
        }
        do {
            let loaded = try CardFileLoader.load(data: data, path: file, options: options)
            return CardValidator.record(
                json: loaded.card.json, file: file, container: loaded.container == .charx ? "CharX card.json" : nil,
                schema: selection, profile: profile)
        } catch {
            return ValidationRecord(file: file, failure: error.reason)
        }
    }

    private static func pngRecord(
        data: Data, file: String, selection: CardSchemaSelection, profile: CardSchemaProfile, options: CardLoadOptions,
        decodeImage: Bool
    ) -> ValidationRecord {
        let result: PNGCardReadResult
        do {
            result = try PNGCardReader.read(data, options: options.png)
        } catch {
            return ValidationRecord(file: file, failure: error.description)
        }
        let container = "PNG \(result.selected.location)"
        var record = CardValidator.record(
            jsonBytes: result.json, file: file, container: container, schema: selection, profile: profile,
            parseOptions: options.read.json)
        if decodeImage {
            do {
                let check = try PNGImageCheck.check(data, options: options.png, decodeImage: true)
                if let problem = check.diagnostics.first(where: { $0.severity == .error }) {
                    record.failure = "image: \(problem.description)"
                }
            } catch {
                record.failure = "image: \(error.description)"
            }
        }
        return record
    }

    /// Whether the bytes start like text (JSON or YAML) rather than a binary container.
    private static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        let head = bytes.prefix(512)
        if head.starts(with: [0x50, 0x4B]) || head.starts(with: [0xFF, 0xD8, 0xFF]) { return false }
        return !head.contains(0)
    }
}

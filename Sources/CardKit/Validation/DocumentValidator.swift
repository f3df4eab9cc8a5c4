public import Foundation

/// Validates any input `cardkit validate` takes.
///
/// The input is a card in any container (JSON, PNG, CharX, YAML), a lorebook, World Info, a persona or a platform
/// object. The JSON is taken out of its container and checked against the schema
/// the selection names (for `auto`, the one the document's shape calls for).
public enum DocumentValidator {
    /// The record for one input file.
    /// - Parameters:
    ///   - input: The file.
    ///   - selection: The schema.
    ///   - profile: Strict or lenient.
    ///   - options: Size limits and the PNG CRC policy.
    ///   - decodeImage: Whether PNG images are fully decoded by libpng as well.
    /// - Returns: The input's validation result, or the reason it could not be read.
    public static func record(
        for input: CardInput, selection: CardSchemaSelection, profile: CardSchemaProfile, options: CardLoadOptions,
        decodeImage: Bool
    ) -> ValidationRecord {
        let data: Data
        do {
            data = try input.read(limit: options.maxFileSize)
        } catch {
            return ValidationRecord(file: input.path, failure: error.reason)
        }
        return record(
            data: data, file: input.path, selection: selection, profile: profile, options: options,
            decodeImage: decodeImage)
    }

    /// The record for one input's bytes.
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - file: The input's name, used in the record.
    ///   - selection: The schema.
    ///   - profile: Strict or lenient.
    ///   - options: Size limits and the PNG CRC policy.
    ///   - decodeImage: Whether PNG images are fully decoded by libpng as well.
    /// - Returns: The input's validation result, or the reason it could not be read.
    public static func record(
        data: Data, file: String, selection: CardSchemaSelection, profile: CardSchemaProfile,
        options: CardLoadOptions, decodeImage: Bool = false
    ) -> ValidationRecord {
        switch FileSignature.detect(data) {
        case .png:
            return pngRecord(
                data: data, file: file, selection: selection, profile: profile, options: options,
                decodeImage: decodeImage)
        case .zip, .jpeg, .webp, .gif, .bmp, .tiff, .isoMedia:
            do {
                let loaded = try CardFileLoader.load(data: data, path: file, options: options)
                return CardValidator.record(
                    json: loaded.card.json, file: file, container: loaded.container == .charx ? "CharX card.json" : nil,
                    schema: selection, profile: profile)
            } catch {
                return ValidationRecord(file: file, failure: error.reason)
            }
        case .other:
            // Text that is not JSON: a text-generation-webui YAML character, if it is one.
            if case .textGenerationWebUIYAML = CardFormatSniffer.detect(data: data),
                let loaded = try? CardFileLoader.load(data: data, path: file, options: options)
            {
                return CardValidator.record(
                    json: loaded.card.json, file: file, container: "card converted from text-generation-webui YAML",
                    schema: selection, profile: profile)
            }
            return jsonRecord(data: data, file: file, selection: selection, profile: profile, options: options)
        case .json, .damagedPNG, .executable:
            return jsonRecord(data: data, file: file, selection: selection, profile: profile, options: options)
        }
    }

    private static func jsonRecord(
        data: Data, file: String, selection: CardSchemaSelection, profile: CardSchemaProfile, options: CardLoadOptions
    ) -> ValidationRecord {
        CardValidator.record(
            jsonBytes: [UInt8](data), file: file, schema: selection, profile: profile, parseOptions: options.read.json)
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
}

package import CardKitJSON
import JSONSchema

extension CardValidator {
    /// Parses JSON bytes and validates them, turning every failure into a record instead of a throw.
    ///
    /// For a JSON file (no `container`), each error's line and column are found in the text
    /// (``ValidationRecord/positions``).
    ///
    /// This is what `cardkit validate` and `cardkit schema check` do for each input once the JSON has been taken
    /// out of its container.
    /// - Parameters:
    ///   - jsonBytes: UTF-8 JSON text.
    ///   - file: The file name for the record.
    ///   - container: Where the JSON came from inside the file (`nil` for a JSON file).
    ///   - schema: `.auto`, a shipped schema, or a compiled one.
    ///   - profile: Strict or lenient.
    ///   - parseOptions: Limits for the JSON parser.
    ///   - catalog: Where shipped schemas come from.
    /// - Returns: The record: valid, invalid with every error, or a failure (not JSON, no schema fits).
    package static func record(
        jsonBytes: some Collection<UInt8>, file: String, container: String? = nil,
        schema: CardSchemaSelection = .auto, profile: CardSchemaProfile = .lenient,
        parseOptions: JSONParseOptions = JSONParseOptions(), catalog: CardSchemaCatalog = .shared
    ) -> ValidationRecord {
        let value: JSONValue
        do {
            value = try JSONParser.parse(jsonBytes, options: parseOptions).value
        } catch {
            return ValidationRecord(file: file, container: container, failure: "not valid JSON: \(error)")
        }
        var result = record(
            json: value, file: file, container: container, schema: schema, profile: profile, catalog: catalog)
        if container == nil, !result.errors.isEmpty {
            let bytes = Array(jsonBytes)
            result.positions = JSONSourceLocator.positions(in: bytes, of: Set(result.errors.map(\.instanceLocation)))
        }
        return result
    }

    /// Validates a parsed document, turning every failure into a record instead of a throw.
    /// - Parameters:
    ///   - json: The document.
    ///   - file: The file name for the record.
    ///   - container: Where the JSON came from inside the file.
    ///   - schema: `.auto`, a shipped schema, or a compiled one.
    ///   - profile: Strict or lenient.
    ///   - catalog: Where shipped schemas come from.
    /// - Returns: The record.
    package static func record(
        json: JSONValue, file: String, container: String? = nil, schema: CardSchemaSelection = .auto,
        profile: CardSchemaProfile = .lenient, catalog: CardSchemaCatalog = .shared
    ) -> ValidationRecord {
        do {
            let report = try validate(json, schema: schema, profile: profile, catalog: catalog)
            return ValidationRecord(file: file, container: container, report: report)
        } catch {
            return ValidationRecord(file: file, container: container, failure: error.description)
        }
    }
}
